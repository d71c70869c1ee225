-- Request rate limits (src/faces/rate-limits.ts): one counter per bucket (a hashed credential or a client IP, under the
-- installation's channel) and fixed window, raised by one UPSERT per request, so every API process on the database
-- enforces the same limit. UNLOGGED: no WAL for a counter that matters for one window (after a crash PostgreSQL empties
-- the table: the limits start over). Old windows are deleted by the limiter itself.
CREATE UNLOGGED TABLE rate_limit_windows (
  bucket        text    NOT NULL,
  window_start  bigint  NOT NULL,
  n             integer NOT NULL,
  PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limit_windows_start_idx ON rate_limit_windows (window_start);
