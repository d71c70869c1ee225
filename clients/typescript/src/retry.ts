/**
 * When a failed attempt is tried again, and after how long.
 *
 * Retried: a 429 (unless its code says waiting will not help: a usage limit of the month), any 5xx, a network
 * error or a time-out — but only for a request that cannot be done twice by a retry: GET / HEAD / PUT / PATCH /
 * DELETE, and a POST the server makes idempotent with the `Idempotency-Key` the client sends (the same key on
 * every attempt). Another POST is retried only when it surely did nothing: a 429, or a connection refused before
 * the request left.
 *
 * Delay before attempt n+1 (n ≥ 1): the server's `Retry-After` when it sent one (a wait longer than
 * `maxRetryAfterMs` is not waited for: the error is thrown at once), else exponential backoff with jitter:
 * a random time in [d/2, d] where d = min(maxDelayMs, baseDelayMs · 2^(n-1)).
 */
export interface RetryOptions {
  /** attempts after the first; 0 disables retries (default 3) */
  retries?: number;
  /** the first backoff's upper bound in ms (default 250) */
  baseDelayMs?: number;
  /** the largest backoff in ms (default 10,000) */
  maxDelayMs?: number;
  /** a Retry-After longer than this is not waited for (default 60,000 ms) */
  maxRetryAfterMs?: number;
}

export type ResolvedRetry = Required<RetryOptions>;

export function resolveRetry(options: RetryOptions | false | undefined): ResolvedRetry {
  if (options === false) return { retries: 0, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 };
  const r = { retries: 3, baseDelayMs: 250, maxDelayMs: 10_000, maxRetryAfterMs: 60_000, ...options };
  for (const [name, value] of Object.entries(r)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`retry.${name} must be a number ≥ 0`);
  }
  return r;
}

/** 429 codes of limits that a wait of seconds does not lift (the month's usage): not retried. */
const LASTING_LIMITS = new Set(['usage_limit_exceeded', 'message_unit_limit', 'kakao_token_attempts_exceeded']);

export type Failure =
  | { kind: 'status'; status: number; code?: string | undefined }
  /** `sent`: false when the connection was refused (nothing reached the server) */
  | { kind: 'network'; sent: boolean };

/** Whether this failure of a request of this kind may be tried again. */
export function isRetryable(failure: Failure, requestIsIdempotent: boolean): boolean {
  if (failure.kind === 'network') return requestIsIdempotent || !failure.sent;
  if (failure.status === 429) return !(failure.code !== undefined && LASTING_LIMITS.has(failure.code));
  return failure.status >= 500 && failure.status <= 599 && requestIsIdempotent;
}

/** `Retry-After` (delta-seconds or an HTTP date) in ms from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** The backoff before retry number `retry` (1 for the first retry); `random` returns [0, 1). */
export function backoffMs(retry: number, policy: ResolvedRetry, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
