-- The event log in log order, (tx_id, id): the webhook dispatcher (src/modules/webhooks/fan-out-events.ts) reads the
-- events past its cursor in that order, over every partner, on each round of every worker (HANBILL_WEBHOOK_POLL_MS).
-- Without this index each round was a sequential scan and sort of the whole 30-day log, even with nothing new
-- (137 ms for 260,000 events on PostgreSQL); with it, a range scan from the cursor.
CREATE INDEX events_log_order_idx ON events (tx_id, id);
