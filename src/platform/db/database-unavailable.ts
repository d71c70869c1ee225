/**
 * Is `err` the database being out of reach, rather than a statement failing? A PostgreSQL restart or failover, a
 * backend terminated by an operator, the server refusing connections or out of connection slots, a connection
 * cut while in use, the pool closed at shutdown. Such a failure is answered 503 `database_unavailable` with
 * Retry-After (platform/errors.ts toAppError), not 500 `internal`: the client should retry, with the same
 * Idempotency-Key where it has one. The cause chain (`err.cause`) is followed a few levels.
 */

/** SQLSTATE class 08 (connection exception), and 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300 too_many_connections. */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** Socket errors of node-postgres reaching the server. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** node-postgres's own messages for a connection lost or not obtained (it sets no code on them). */
const MESSAGES = [/^Connection terminated/, /has encountered a connection error and is not queryable/, /^timeout exceeded when trying to connect/, /^Cannot use a pool after calling end on the pool/, /^Client was closed and is not queryable/];

export function isDatabaseUnavailable(err: unknown): boolean {
  for (const { code, message } of errorAndCauses(err)) {
    if (typeof code === 'string' && (code.startsWith('08') || SQLSTATES.has(code) || SOCKET_CODES.has(code))) return true;
    if (typeof message === 'string' && MESSAGES.some((re) => re.test(message))) return true;
  }
  return false;
}

/** `err` and the errors of its cause chain (`err.cause`), a few levels deep. */
export function* errorAndCauses(err: unknown): Generator<{ code?: unknown; message?: unknown }> {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    yield e as { code?: unknown; message?: unknown };
    e = (e as { cause?: unknown }).cause;
  }
}
