-- Messaging, senders (docs/messaging.md "Senders"): sender numbers registered under 전기통신사업법 §84-2 (발신번호
-- 사전등록, proof document + operator review) and Kakao channels (발신 프로필: search ID, admin phone, category
-- code → token → senderKey). Forward only; PostgreSQL 15 subset (also runs on PGlite).

-- A partner's registration of one number. Never deleted: messages sent from it keep referencing it (soft delete).
CREATE TABLE sender_numbers (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partner_id          bigint      NOT NULL REFERENCES partners (id),
  number              text        NOT NULL CHECK (number ~ '^[0-9]{8,11}$'),
  kind                text        NOT NULL CHECK (kind IN ('mobile', 'landline', 'internet', 'representative', 'toll_free')),
  memo                text        NOT NULL DEFAULT '',
  state               text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
  proof_file_name     text        NOT NULL,
  proof_content_type  text        NOT NULL CHECK (proof_content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
  proof_content       bytea       NOT NULL,
  review_comment      text        NOT NULL DEFAULT '',
  reviewed_at         timestamptz,
  created_at          timestamptz NOT NULL,
  deleted_at          timestamptz
);
-- at most one live (pending or approved, not deleted) registration per partner and number
CREATE UNIQUE INDEX sender_numbers_live_uq ON sender_numbers (partner_id, number) WHERE deleted_at IS NULL AND state IN ('pending', 'approved');
CREATE INDEX sender_numbers_state_idx ON sender_numbers (state, id) WHERE deleted_at IS NULL;

-- A partner's Kakao channel (발신 프로필). sender_key is Kakao's, set when the token is confirmed.
CREATE TABLE kakao_channels (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partner_id          bigint      NOT NULL REFERENCES partners (id),
  search_id           text        NOT NULL,
  admin_phone         text        NOT NULL,
  category_code       char(11)    NOT NULL,
  sender_key          char(40)    UNIQUE,
  state               text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'active', 'dormant', 'blocked')),
  token_attempts      integer     NOT NULL DEFAULT 0,
  token_sent_at       timestamptz,
  state_comment       text        NOT NULL DEFAULT '',
  confirmed_at        timestamptz,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  CHECK ((state = 'pending') = (sender_key IS NULL))
);
-- a channel is registered once per partner (the search ID cannot be changed at Kakao; compared without case)
CREATE UNIQUE INDEX kakao_channels_partner_search_uq ON kakao_channels (partner_id, lower(search_id));
CREATE INDEX kakao_channels_state_idx ON kakao_channels (state, id);
