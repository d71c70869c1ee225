/**
 * One error type for the whole core. Every failure carries a stable string code; the faces map it to
 * an HTTP status (REST) or a legacy result code (.aspx). Messages name the field when one is at fault.
 */

export interface ErrorKind {
  /** HTTP status on the REST face. */
  status: number;
  /** Result code on the legacy .aspx face (LEGACY-API.md). */
  legacy: string;
}

/** The catalogue of stable codes. Add here, never inline. */
export const ERROR_KINDS = {
  field_required: { status: 400, legacy: '1001' },
  field_invalid: { status: 400, legacy: '1002' },
  unknown_command: { status: 400, legacy: '1003' },
  credentials_mismatch: { status: 401, legacy: '2001' },
  bizno_taken: { status: 409, legacy: '2002' },
  login_id_taken: { status: 409, legacy: '2003' },
  subscription_not_found: { status: 404, legacy: '2004' },
  svc_key_mismatch: { status: 401, legacy: '2005' },
  subscription_inactive: { status: 403, legacy: '2006' },
  usage_limit_exceeded: { status: 429, legacy: '2007' },
  package_not_found: { status: 404, legacy: '2008' },
  unit_not_found: { status: 404, legacy: '2009' },
  document_not_found: { status: 404, legacy: '3001' },
  document_state_conflict: { status: 409, legacy: '3002' },
  amounts_mismatch: { status: 400, legacy: '3003' },
  mail_failed: { status: 502, legacy: '3004' },
  not_fileable: { status: 409, legacy: '3005' },
  certificate_missing: { status: 409, legacy: '3006' },
  certificate_invalid: { status: 400, legacy: '1002' },
  unauthenticated: { status: 401, legacy: '2005' },
  forbidden: { status: 403, legacy: '2006' },
  not_found: { status: 404, legacy: '3001' },
  conflict: { status: 409, legacy: '3002' },
  idempotency_conflict: { status: 409, legacy: '3002' },
  rate_limited: { status: 429, legacy: '2007' },
  api_key_invalid: { status: 401, legacy: '2005' },
  api_key_disabled: { status: 403, legacy: '2006' },
  ip_not_allowed: { status: 403, legacy: '2006' },
  partner_suspended: { status: 403, legacy: '2006' },
  csrf_invalid: { status: 403, legacy: '2006' },
  internal: { status: 500, legacy: '9999' },
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERROR_KINDS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, opts: { field?: string; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = opts.field;
    this.details = opts.details;
  }

  get status(): number {
    return ERROR_KINDS[this.code].status;
  }

  get legacyCode(): string {
    return ERROR_KINDS[this.code].legacy;
  }
}

/** A required field is missing. The message names it. */
export function requiredError(field: string, label?: string): AppError {
  return new AppError('field_required', `${field}: ${label ? `${label}은(는) ` : ''}필수 항목입니다 (required)`, { field });
}

/** A field has a bad value. The message names it and says what is expected. */
export function invalidError(field: string, expected: string): AppError {
  return new AppError('field_invalid', `${field}: ${expected}`, { field });
}

/** Wrap anything thrown into an AppError; unknown failures become `internal` without leaking details. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError('internal', '시스템 오류가 발생했습니다. 변경된 내용은 없습니다 (system error, nothing was changed)', { cause: err });
}
