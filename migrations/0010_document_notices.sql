-- Document notices (issue 10 item 5; docs/messaging.md "Document notices"): a document issued with AlimTalk
-- notification (REST alimtalk.notify, legacy doc__alimtalk_yn=Y) sends the buyer's contact one AlimTalk, with an
-- LMS fallback, through the sending pipeline (a message_batches row of source 'document_notice').
--
-- One row per document, written in the issuing transaction: the primary key makes the notice exactly once (a
-- retried issue, a replayed Idempotency-Key, a concurrent duplicate cannot make a second). The batch itself is in
-- the partitioned history (purged after 12 months); this row stays with the document. A notice that could not be
-- sent (no notice sender configured for a real carrier) is kept as 'skipped' with its reason, so it is visible.
CREATE TABLE document_notices (
  document_id        bigint      PRIMARY KEY REFERENCES documents (id),
  subscription_id    bigint      NOT NULL REFERENCES subscriptions (id),
  partner_id         bigint      REFERENCES partners (id),
  -- digits of the buyer contact's mobile (buyer.contacts[0].mobile)
  phone              text        NOT NULL,
  state              text        NOT NULL CHECK (state IN ('queued', 'skipped')),
  skip_reason        text,
  -- the message batch (message_batches.id, accepted_at) when queued
  batch_id           bigint,
  batch_accepted_at  timestamptz,
  created_at         timestamptz NOT NULL,
  CHECK ((state = 'queued') = (batch_id IS NOT NULL))
);
CREATE INDEX document_notices_subscription_idx ON document_notices (subscription_id, created_at);
