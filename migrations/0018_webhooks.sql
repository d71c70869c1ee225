-- Signed webhooks (issue 14 item 2, docs/webhooks.md): a partner's endpoints, the deliveries fanned out to them from
-- the event log (migrations/0017_events.sql) and every attempt of each delivery.
-- Forward only; PostgreSQL 15 subset (also runs on PGlite).

-- A partner's endpoint (at most 10 per partner, checked under the partner's row lock). The secret is sealed with the
-- master key (src/platform/secret-box.ts, aad "webhook:<public_id>"); during a rotation the previous one signs too
-- until previous_secret_expires_at. `channel`: the job channel of the installation that registered it — only the
-- workers of that channel fan out and deliver to it (installations or test systems sharing one database).
CREATE TABLE webhook_endpoints (
  id                          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  public_id                   text        NOT NULL UNIQUE,
  partner_id                  bigint      NOT NULL REFERENCES partners (id),
  channel                     text        NOT NULL,
  url                         text        NOT NULL,
  events                      text[]      NOT NULL,
  description                 text        NOT NULL DEFAULT '',
  secret_sealed               bytea       NOT NULL,
  previous_secret_sealed      bytea,
  previous_secret_expires_at  timestamptz,
  state                       text        NOT NULL DEFAULT 'enabled' CHECK (state IN ('enabled', 'disabled')),
  -- the first failure since the last success; 3 days of it disables the endpoint (and mails its owner)
  failing_since               timestamptz,
  disabled_at                 timestamptz,
  created_at                  timestamptz NOT NULL,
  updated_at                  timestamptz NOT NULL
);
CREATE INDEX webhook_endpoints_partner_idx ON webhook_endpoints (partner_id);
CREATE INDEX webhook_endpoints_fanout_idx ON webhook_endpoints (channel, partner_id) WHERE state = 'enabled';

-- Where each channel's dispatcher is in the event log: the (tx_id, id) of the last event fanned out. One row per
-- channel, locked FOR UPDATE while a dispatcher fans out (one process at a time).
CREATE TABLE webhook_dispatch_cursors (
  channel     text   PRIMARY KEY,
  tx_id       xid8   NOT NULL,
  event_id    bigint NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One event for one endpoint. UNIQUE (endpoint_id, event_id): a fan-out repeated after a crash adds nothing.
-- Ordered per object per endpoint: a pending delivery is attempted only when no pending delivery of the same
-- endpoint and object has a smaller event id. next_attempt_at / expires_at are business time (ctx.clock: tests move
-- it); claimed_until is the database's real time (the lease of the job that carries the attempt).
CREATE TABLE webhook_deliveries (
  seq              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id               text        NOT NULL UNIQUE,
  endpoint_id      bigint      NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_id         bigint      NOT NULL,
  event_type       text        NOT NULL,
  object_key       text        NOT NULL,
  state            text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'succeeded', 'failed')),
  attempts         integer     NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL,
  -- retried until then (3 days after creation, or after a redeliver of a delivery past it: that one attempt)
  expires_at       timestamptz NOT NULL,
  claim            text,
  claimed_until    timestamptz,
  created_at       timestamptz NOT NULL,
  UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_object_idx ON webhook_deliveries (endpoint_id, object_key, event_id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, seq);
CREATE INDEX webhook_deliveries_created_idx ON webhook_deliveries (created_at);

-- Every attempt: when, the HTTP status (null: no answer), how long, the first 500 characters of the answer, the error.
CREATE TABLE webhook_attempts (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_seq    bigint      NOT NULL REFERENCES webhook_deliveries (seq) ON DELETE CASCADE,
  at              timestamptz NOT NULL,
  status          integer,
  duration_ms     integer     NOT NULL,
  response_excerpt text       NOT NULL DEFAULT '',
  error           text
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_seq, id);
