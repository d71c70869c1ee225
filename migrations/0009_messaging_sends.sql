-- Messaging, sends (issue 10 items 2–7; docs/messaging.md "Sending"): message batches, their recipients and each
-- recipient's attempts (a Kakao attempt and, on its failure, a fallback SMS/LMS attempt), per-partner clientRefs,
-- and the usage ledger the settlement module bills from. Forward only; PostgreSQL 15 subset (also runs on PGlite).
--
-- History is kept 12 months: batches, recipients and attempts are partitioned by month of acceptance (KST) so a
-- purge drops a partition (src/modules/messaging/sending/message-partitions.ts creates and drops them). Identity
-- columns are not allowed on partitioned tables before PostgreSQL 17, hence plain sequences. A partitioned
-- table's unique keys must contain the partition key: ids are unique by their sequence, clientRefs live in
-- their own unpartitioned table.

CREATE SEQUENCE message_batches_id_seq AS bigint;
CREATE SEQUENCE message_recipients_id_seq AS bigint;
CREATE SEQUENCE message_attempts_id_seq AS bigint;

-- One accepted request (or one document notice). Counters are kept by the result recorder in the same
-- transaction as the recipients' states: total = pending + success + failure + cancelled.
CREATE TABLE message_batches (
  id               bigint      NOT NULL DEFAULT nextval('message_batches_id_seq'),
  accepted_at      timestamptz NOT NULL,
  -- the sending partner; NULL for the platform's own notices (source 'document_notice')
  partner_id       bigint      REFERENCES partners (id),
  -- the subscription billed for a document notice
  subscription_id  bigint      REFERENCES subscriptions (id),
  source           text        NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'document_notice')),
  -- the job channel (HANBILL_CHANNEL) that accepted it: only that channel's workers dispatch, poll and sweep it
  channel          text        NOT NULL,
  -- the requested type; a recipient's resolved kind is on the recipient ('auto' → sms | lms)
  type             text        NOT NULL CHECK (type IN ('alimtalk', 'friendtalk', 'brand', 'sms', 'lms', 'mms', 'auto')),
  -- digits of the registered sender number (SMS/LMS/MMS and fallbacks)
  sender_number    text,
  -- the Kakao channel (AlimTalk, FriendTalk, Brand Message)
  channel_id       bigint,
  template_id      bigint,
  -- kept for history even if the template is deleted later
  template_code    text,
  template_name    text,
  is_ad            boolean     NOT NULL DEFAULT false,
  -- the request's common content (subject, text, images as ids, buttons, fallback defaults …), as validated
  content          jsonb       NOT NULL DEFAULT '{}'::jsonb,
  state            text        NOT NULL CHECK (state IN ('reserved', 'queued', 'sending', 'done', 'cancelled')),
  reserve_at       timestamptz,
  -- 'held': an ad accepted at night with holdUntilAllowed, sent at 08:00 KST (reserve_at)
  hold_reason      text,
  total            integer     NOT NULL CHECK (total >= 0),
  pending          integer     NOT NULL CHECK (pending >= 0),
  success          integer     NOT NULL DEFAULT 0 CHECK (success >= 0),
  failure          integer     NOT NULL DEFAULT 0 CHECK (failure >= 0),
  cancelled        integer     NOT NULL DEFAULT 0 CHECK (cancelled >= 0),
  last_sent_at     timestamptz,
  cancelled_at     timestamptz,
  done_at          timestamptz,
  PRIMARY KEY (id, accepted_at)
) PARTITION BY RANGE (accepted_at);
CREATE INDEX message_batches_partner_idx ON message_batches (partner_id, accepted_at DESC, id DESC);
CREATE INDEX message_batches_reserved_idx ON message_batches (channel, reserve_at) WHERE state = 'reserved';
CREATE INDEX message_batches_open_idx ON message_batches (channel, accepted_at) WHERE state IN ('queued', 'sending');

-- One recipient of a batch. `kind` is what is sent first (alimtalk | friendtalk | brand | sms | lms | mms);
-- `fallback` the validated fallback (kind sms | lms, text, subject) or NULL.
CREATE TABLE message_recipients (
  id               bigint      NOT NULL DEFAULT nextval('message_recipients_id_seq'),
  accepted_at      timestamptz NOT NULL,
  batch_id         bigint      NOT NULL,
  partner_id       bigint,
  -- index of the recipient in the request (0-based), as acceptance errors name it
  seq              integer     NOT NULL,
  phone            text        NOT NULL CHECK (phone ~ '^[0-9]{8,12}$'),
  client_ref       text,
  kind             text        NOT NULL CHECK (kind IN ('alimtalk', 'friendtalk', 'brand', 'sms', 'lms', 'mms')),
  subject          text,
  text             text        NOT NULL,
  variables        jsonb,
  fallback         jsonb,
  -- queued → sending (an attempt is out) → delivered | failed; reserved → queued; reserved | queued → cancelled
  state            text        NOT NULL CHECK (state IN ('reserved', 'queued', 'sending', 'delivered', 'failed', 'cancelled')),
  -- the final (or latest) result code: Kakao 1000/30xx, carrier codes, or ours (docs/messaging.md "Codes")
  result_code      text,
  result_message   text,
  attempts         smallint    NOT NULL DEFAULT 0,
  sent_at          timestamptz,
  done_at          timestamptz,
  PRIMARY KEY (id, accepted_at)
) PARTITION BY RANGE (accepted_at);
CREATE INDEX message_recipients_batch_idx ON message_recipients (batch_id, seq);
CREATE INDEX message_recipients_queued_idx ON message_recipients (batch_id, id) WHERE state = 'queued';
-- the 48-hour rule reads recipients still out
CREATE INDEX message_recipients_sending_idx ON message_recipients (sent_at) WHERE state = 'sending';

-- One send of a recipient's message to the carrier (the Kakao attempt, the fallback attempt, a re-send after a
-- transient failure reuses the same attempt id as the carrier's idempotency key).
CREATE TABLE message_attempts (
  id               bigint      NOT NULL DEFAULT nextval('message_attempts_id_seq'),
  accepted_at      timestamptz NOT NULL,
  recipient_id     bigint      NOT NULL,
  batch_id         bigint      NOT NULL,
  partner_id       bigint,
  -- the batch's job channel (the 48-hour rule and the sweeper read attempts of their own channel)
  channel          text        NOT NULL,
  attempt_no       smallint    NOT NULL CHECK (attempt_no >= 1),
  kind             text        NOT NULL CHECK (kind IN ('alimtalk', 'friendtalk', 'brand', 'sms', 'lms', 'mms')),
  is_fallback      boolean     NOT NULL DEFAULT false,
  -- queued (not handed over yet) → sent (the carrier took it) → delivered | failed
  state            text        NOT NULL CHECK (state IN ('queued', 'sent', 'delivered', 'failed')),
  carrier_ref      text,
  result_code      text,
  result_message   text,
  -- the service unit and its price in effect when the attempt was sent (billed only if delivered)
  unit_id          bigint,
  unit_price_krw   bigint,
  created_at       timestamptz NOT NULL,
  sent_at          timestamptz,
  reported_at      timestamptz,
  PRIMARY KEY (id, accepted_at),
  UNIQUE (recipient_id, attempt_no, accepted_at)
) PARTITION BY RANGE (accepted_at);
CREATE INDEX message_attempts_batch_idx ON message_attempts (batch_id, state);
CREATE INDEX message_attempts_sent_idx ON message_attempts (channel, sent_at) WHERE state = 'sent';
CREATE INDEX message_attempts_queued_idx ON message_attempts (channel, created_at) WHERE state = 'queued';

-- A partner's clientRef, unique for ever (12 months of history, then purged with it); a repeat is answered with
-- the recipient it names and not sent again.
CREATE TABLE message_client_refs (
  partner_id    bigint      NOT NULL REFERENCES partners (id),
  client_ref    text        NOT NULL,
  batch_id      bigint      NOT NULL,
  recipient_id  bigint      NOT NULL,
  accepted_at   timestamptz NOT NULL,
  PRIMARY KEY (partner_id, client_ref)
);
CREATE INDEX message_client_refs_age_idx ON message_client_refs (accepted_at);

-- The usage ledger (settlement): one row per billable success, unique by its event key (messages:
-- 'msg:<attempt id>'), with the unit and the unit price in effect when it happened.
CREATE TABLE usage_records (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_key        text        NOT NULL UNIQUE,
  partner_id       bigint      REFERENCES partners (id),
  subscription_id  bigint      REFERENCES subscriptions (id),
  unit_id          bigint      NOT NULL REFERENCES service_units (id),
  metered_item     text        NOT NULL,
  quantity         integer     NOT NULL DEFAULT 1 CHECK (quantity > 0),
  unit_price_krw   bigint      NOT NULL CHECK (unit_price_krw >= 0),
  occurred_at      timestamptz NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX usage_records_partner_idx ON usage_records (partner_id, occurred_at);
CREATE INDEX usage_records_subscription_idx ON usage_records (subscription_id, occurred_at) WHERE subscription_id IS NOT NULL;

-- A unit per message type with the default prices (VAT excluded; MESSAGING-AND-BILLING-FACTS.md §9). The operator
-- changes prices and limits through the CRM (/v1/catalog/units); a send bills at the price of its time.
INSERT INTO service_units (name, metered_item, unit_price_krw, limit_per_period) VALUES
  ('알림톡', 'message_alimtalk', 10, 0),
  ('브랜드 메시지', 'message_brand', 25, 0),
  ('친구톡 텍스트', 'message_friendtalk_text', 15, 0),
  ('친구톡 이미지', 'message_friendtalk_photo', 25, 0),
  ('SMS', 'message_sms', 12, 0),
  ('LMS', 'message_lms', 39, 0),
  ('MMS', 'message_mms', 90, 0);
