-- The event log (issue 14): every state change an integrator can observe, written in the transaction of the change
-- itself (src/modules/events/record-event.ts), read back by GET /v1/events and delivered by webhooks.
-- Forward only; PostgreSQL 15 subset (also runs on PGlite).
--
-- Reading in the order of `id` alone could skip an event: two transactions take ids 10 and 11, the one with 11
-- commits first, a reader pages past 11 and never sees 10. So events are read in the order of (tx_id, id) and only
-- up to the oldest transaction still running (pg_snapshot_xmin): every event that becomes visible later belongs to a
-- transaction that was running or had not started, so its tx_id is at least that horizon and sorts after every event
-- already read (src/modules/events/list-events.ts).
--
-- No foreign keys: the log outlives nothing it names for longer than its 30 days, and a bulk issue writes one event
-- per document without a lookup per row.
CREATE TABLE events (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tx_id            xid8        NOT NULL DEFAULT pg_current_xact_id(),
  partner_id       bigint,
  subscription_id  bigint,
  type             text        NOT NULL,
  object_type      text        NOT NULL,
  object_id        text        NOT NULL,
  state            text        NOT NULL,
  data             jsonb       NOT NULL DEFAULT '{}'::jsonb,
  occurred_at      timestamptz NOT NULL
);
CREATE INDEX events_partner_idx ON events (partner_id, tx_id, id) WHERE partner_id IS NOT NULL;
CREATE INDEX events_subscription_idx ON events (subscription_id, tx_id, id) WHERE subscription_id IS NOT NULL;
CREATE INDEX events_object_idx ON events (object_id, object_type);
CREATE INDEX events_occurred_idx ON events (occurred_at);
