/**
 * Small readers for use-case inputs: each returns a clean value or throws an AppError naming the field.
 * Faces pass loosely-typed input (form fields, JSON); the core trusts nothing it did not read here.
 */
import { AppError, invalidError, requiredError } from './errors.ts';

export type Input = Record<string, unknown>;

function present(v: unknown): boolean {
  return v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');
}

/**
 * Characters no text field holds, on any face: C0 controls other than tab, LF and CR; DEL; C1 controls;
 * the non-characters U+FFFE / U+FFFF and lone surrogates. They cannot be carried by XML 1.0 (answers, the
 * standard XML filed with the NTS) or are the trace of mis-decoded bytes, and break everything downstream.
 */
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|\p{Cs}/u;

/** Tab, LF and CR: allowed only in a field declared multi-line (free-text notes, remarks, memos). */
export const LINE_BREAKS_AND_TABS = /[\t\n\r]/;

/** The character rule of every text reader: undefined when `text` is fine, else what is wrong (Korean first). */
export function textCharacterProblem(text: string, multiline: boolean): string | undefined {
  if (CONTROL_CHARACTERS.test(text)) return '사용할 수 없는 제어 문자가 있습니다 (contains control characters)';
  if (!multiline && LINE_BREAKS_AND_TABS.test(text)) return '줄바꿈이나 탭은 사용할 수 없습니다 (line breaks and tabs are not allowed in this field)';
  return undefined;
}

export interface StringOptions {
  max?: number;
  pattern?: RegExp;
  expected?: string;
  /** Allow tab and line breaks (free-text notes and reasons); every other text field is single-line. */
  multiline?: boolean;
  /** Refuse a number too (JSON bodies, whose types are their own); by default a number is read as its digits (form fields). */
  textOnly?: boolean;
}

export function optionalString(input: Input, field: string, opts: StringOptions = {}): string | undefined {
  const v = input[field];
  if (!present(v)) return undefined;
  if (typeof v !== 'string' && (opts.textOnly || typeof v !== 'number')) throw invalidError(field, '문자열이어야 합니다 (expected a string)');
  const s = String(v).trim();
  const bad = textCharacterProblem(s, opts.multiline === true);
  if (bad) throw invalidError(field, bad);
  if (opts.max !== undefined && [...s].length > opts.max) throw invalidError(field, `최대 ${opts.max}자입니다 (at most ${opts.max} characters)`);
  if (opts.pattern && !opts.pattern.test(s)) throw invalidError(field, opts.expected ?? '형식이 올바르지 않습니다 (bad format)');
  return s;
}

export function requiredString(input: Input, field: string, opts: StringOptions = {}): string {
  const s = optionalString(input, field, opts);
  if (s === undefined) throw requiredError(field);
  return s;
}

export function optionalInteger(input: Input, field: string, opts: { min?: number; max?: number } = {}): number | undefined {
  const v = input[field];
  if (!present(v)) return undefined;
  const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim().replace(/,/g, '') : '';
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw invalidError(field, '정수여야 합니다 (expected an integer)');
  const n = Number(text);
  if (opts.min !== undefined && n < opts.min) throw invalidError(field, `${opts.min} 이상이어야 합니다 (must be ≥ ${opts.min})`);
  if (opts.max !== undefined && n > opts.max) throw invalidError(field, `${opts.max} 이하여야 합니다 (must be ≤ ${opts.max})`);
  return n;
}

export function requiredInteger(input: Input, field: string, opts: { min?: number; max?: number } = {}): number {
  const n = optionalInteger(input, field, opts);
  if (n === undefined) throw requiredError(field);
  return n;
}

export function optionalBoolean(input: Input, field: string): boolean | undefined {
  const v = input[field];
  if (!present(v)) return undefined;
  if (typeof v === 'boolean') return v;
  const s = String(v).trim().toLowerCase();
  if (['y', 'yes', 'true', '1'].includes(s)) return true;
  if (['n', 'no', 'false', '0'].includes(s)) return false;
  throw invalidError(field, 'Y 또는 N이어야 합니다 (expected Y or N)');
}

/** A list given as an array or a comma-separated string. */
export function optionalList(input: Input, field: string): string[] | undefined {
  const v = input[field];
  if (!present(v)) return undefined;
  const items = Array.isArray(v) ? v.map(String) : String(v).split(',');
  const out = items.map((s) => s.trim()).filter((s) => s !== '');
  for (const item of out) {
    const bad = textCharacterProblem(item, false);
    if (bad) throw invalidError(field, bad);
  }
  if (out.length === 0) return undefined;
  return out;
}

export const EMAIL_PATTERN = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

export function assertNever(x: never, what: string): never {
  throw new AppError('internal', `unexpected ${what}: ${String(x)}`);
}

/**
 * The path of member `key` under `base` (`base.key`, or `key` at the top), with a key that is not a plain name —
 * empty, or with dots, spaces or brackets — written as `base["…"]` so that an error still names a field.
 */
export function memberPath(base: string, key: string): string {
  if (/^[A-Za-z0-9_$가-힣-]+$/.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}
