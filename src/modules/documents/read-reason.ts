/**
 * The reasons a person writes on a document (발행취소, 역발행 거부, 반려): free text, tab and line breaks allowed, at
 * most 500 characters, trimmed, read by the shared text reader (platform/input.ts), so the character rule of every
 * text field applies (a lone surrogate once reached an event's jsonb: HTTP 500).
 */
import { AppError } from '../../platform/errors.ts';
import { optionalString } from '../../platform/input.ts';

export const MAX_REASON_CHARS = 500;

/** A reason, or undefined when none was given (absent or blank); `field` names it in the error. */
export function readOptionalReason(reason: unknown, field = 'reason'): string | undefined {
  return optionalString({ [field]: reason }, field, { max: MAX_REASON_CHARS, multiline: true, textOnly: true });
}

/** A reason that must be given: `label` names it in the message when it is missing. */
export function readReason(reason: unknown, field = 'reason', label = '사유'): string {
  const text = readOptionalReason(reason, field);
  if (text === undefined) throw new AppError('field_required', `${label}를 입력하세요 (a reason is required)`, { field });
  return text;
}
