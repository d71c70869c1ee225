/**
 * One error type for everything a call can fail with: an API error answer (`status` ≥ 400, with the server's
 * stable `code`, the `field` at fault and the `requestId` to quote), a network failure or time-out
 * (`status` 0, `code` 'network_error' / 'timeout'), or a misuse of the client (`status` 0, `code`
 * 'client_usage').
 */
import type { Schemas } from './generated/api.ts';

export type ApiErrorBody = Schemas['Error']['error'];

export interface HanbillErrorInit {
  status: number;
  code: string;
  field?: string | undefined;
  requestId?: string | undefined;
  legacyCode?: string | undefined;
  details?: Record<string, unknown> | undefined;
  /** how long the server asked to wait (Retry-After), when it did */
  retryAfterMs?: number | undefined;
  /** how many attempts the call made, retries included */
  attempts?: number | undefined;
  cause?: unknown;
}

export class HanbillError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly requestId: string | undefined;
  readonly legacyCode: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterMs: number | undefined;
  readonly attempts: number;

  constructor(message: string, init: HanbillErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'HanbillError';
    this.status = init.status;
    this.code = init.code;
    this.field = init.field;
    this.requestId = init.requestId;
    this.legacyCode = init.legacyCode;
    this.details = init.details;
    this.retryAfterMs = init.retryAfterMs;
    this.attempts = init.attempts ?? 1;
  }

  /** The error of an HTTP answer: the server's error object when the body is one, else a generic `http_<status>`. */
  static fromAnswer(status: number, body: unknown, requestIdHeader: string | null, attempts: number, retryAfterMs?: number): HanbillError {
    const error = isErrorBody(body) ? body.error : undefined;
    if (error) {
      return new HanbillError(error.message, {
        status,
        code: error.code,
        field: error.field,
        requestId: error.requestId,
        legacyCode: error.legacyCode,
        details: error.details,
        retryAfterMs,
        attempts,
      });
    }
    const excerpt = typeof body === 'string' ? body.slice(0, 200) : '';
    return new HanbillError(`HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`, { status, code: `http_${status}`, requestId: requestIdHeader ?? undefined, retryAfterMs, attempts });
  }
}

function isErrorBody(body: unknown): body is { error: ApiErrorBody } {
  if (typeof body !== 'object' || body === null) return false;
  const error = (body as { error?: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' && typeof (error as { message?: unknown }).message === 'string';
}
