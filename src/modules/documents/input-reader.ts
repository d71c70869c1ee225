/**
 * Typed readers over untrusted JSON-like input. Each reader takes the parent object, the key and the
 * REST path of the field, normalizes the value (trims strings, treats null / '' as absent) and throws an
 * AppError naming the path on the first problem.
 */
import { AppError, invalidError, requiredError } from '../../platform/errors.ts';
import { textCharacterProblem } from '../../platform/input.ts';
import { DECIMAL_MAX_FRACTION_DIGITS, DECIMAL_MAX_INTEGER_DIGITS } from './field-limits.ts';

export type InputObject = Record<string, unknown>;

/** `a.b`, `a[2]`; the root path is ''. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

export function isInputObject(value: unknown): value is InputObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** An amounts_mismatch error naming the field. */
export function mismatchError(field: string, message: string, details?: Record<string, unknown>): AppError {
  return new AppError('amounts_mismatch', message, details === undefined ? { field } : { field, details });
}

export function readObject(parent: InputObject, key: string, path: string, label: string, required: true): InputObject;
export function readObject(parent: InputObject, key: string, path: string, label: string, required?: boolean): InputObject | undefined;
export function readObject(parent: InputObject, key: string, path: string, label: string, required = false): InputObject | undefined {
  const field = childPath(path, key);
  const value = parent[key];
  if (value === undefined || value === null) {
    if (required) throw requiredError(field, label);
    return undefined;
  }
  if (!isInputObject(value)) throw invalidError(field, `${label}은(는) 객체여야 합니다 (must be an object)`);
  return value;
}

export function readArray(parent: InputObject, key: string, path: string, label: string): unknown[] | undefined {
  const field = childPath(path, key);
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidError(field, `${label}은(는) 배열이어야 합니다 (must be an array)`);
  return value;
}

export interface TextOptions {
  label: string;
  max: number;
  required?: boolean;
  /**
   * Allow tab and line breaks. Multi-line are only the free texts printed as paragraphs: 비고 (`remarks`,
   * legacy doc__remark) and the statement memo (`statement.memo`, detail__memo). Names, addresses, codes,
   * line texts and contacts are single-line: a line break there breaks the PDF layout and the NTS XML
   * fields the buyer's systems read as one value.
   */
  multiline?: boolean;
}

export function readText(parent: InputObject, key: string, path: string, opts: TextOptions & { required: true }): string;
export function readText(parent: InputObject, key: string, path: string, opts: TextOptions): string | undefined;
export function readText(parent: InputObject, key: string, path: string, opts: TextOptions): string | undefined {
  return checkText(parent[key], childPath(path, key), opts);
}

/** The text rules of `readText` applied to a bare value whose path is `field` (e.g. an array item). */
export function checkText(value: unknown, field: string, opts: TextOptions & { required: true }): string;
export function checkText(value: unknown, field: string, opts: TextOptions): string | undefined;
export function checkText(value: unknown, field: string, opts: TextOptions): string | undefined {
  if (isAbsent(value)) {
    if (opts.required) throw requiredError(field, opts.label);
    return undefined;
  }
  if (typeof value !== 'string') throw invalidError(field, `${opts.label}은(는) 문자열이어야 합니다 (must be a string)`);
  const text = value.trim();
  // control characters (C0 but tab/LF/CR, DEL, C1, U+FFFE/FFFF, lone surrogates): XML 1.0 cannot carry them
  const bad = textCharacterProblem(text, opts.multiline === true);
  if (bad) throw invalidError(field, `${opts.label}: ${bad}`);
  // U+FFFD is the trace of mis-decoded text, and the standard XML's strict reader (filing) refuses it: refused
  // here, at issue, rather than accepted and failing at the NTS (HBL002)
  if (text.includes('\uFFFD')) throw invalidError(field, `${opts.label}: 깨진 문자(U+FFFD)가 있습니다. 문자 인코딩을 확인하세요 (contains U+FFFD, the trace of mis-decoded text)`);
  if ([...text].length > opts.max) {
    throw invalidError(field, `${opts.label}은(는) ${opts.max}자 이내여야 합니다 (at most ${opts.max} characters)`);
  }
  return text;
}

/** A money amount: a safe integer number (won). */
export function readMoney(parent: InputObject, key: string, path: string, label: string, required: true): number;
export function readMoney(parent: InputObject, key: string, path: string, label: string, required?: boolean): number | undefined;
export function readMoney(parent: InputObject, key: string, path: string, label: string, required = false): number | undefined {
  const field = childPath(path, key);
  const value = parent[key];
  if (value === undefined || value === null) {
    if (required) throw requiredError(field, label);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw invalidError(field, `${label}은(는) 원 단위 정수여야 합니다 (must be an integer amount in won)`);
  }
  return value === 0 ? 0 : value; // no -0
}

/** A whole number in [min, max] (line month / day). */
export function readInteger(parent: InputObject, key: string, path: string, label: string, min: number, max: number): number | undefined {
  const field = childPath(path, key);
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidError(field, `${label}은(는) ${min}~${max} 사이의 정수여야 합니다 (must be an integer from ${min} to ${max})`);
  }
  return value;
}

const DECIMAL_PATTERN = new RegExp(`^-?\\d{1,${DECIMAL_MAX_INTEGER_DIGITS}}(\\.\\d{1,${DECIMAL_MAX_FRACTION_DIGITS}})?$`);

/** Quantity / unit price: a decimal string (or number) with at most 2 decimals, kept as a string. */
export function readDecimal(parent: InputObject, key: string, path: string, label: string): string | undefined {
  const field = childPath(path, key);
  const value = parent[key];
  if (isAbsent(value)) return undefined;
  let text: string;
  if (typeof value === 'string') text = value.trim();
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else text = '';
  if (!DECIMAL_PATTERN.test(text)) {
    throw invalidError(
      field,
      `${label}은(는) 소수점 이하 ${DECIMAL_MAX_FRACTION_DIGITS}자리까지의 숫자여야 합니다 (decimal number with at most ${DECIMAL_MAX_FRACTION_DIGITS} decimals)`,
    );
  }
  return text;
}

export function readBoolean(parent: InputObject, key: string, path: string, label: string): boolean | undefined {
  const field = childPath(path, key);
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidError(field, `${label}은(는) true 또는 false여야 합니다 (must be a boolean)`);
  return value;
}

export function readChoice<T extends string>(
  parent: InputObject,
  key: string,
  path: string,
  label: string,
  choices: readonly T[],
  required: boolean,
): T | undefined {
  const field = childPath(path, key);
  const value = parent[key];
  if (isAbsent(value)) {
    if (required) throw requiredError(field, label);
    return undefined;
  }
  const text = typeof value === 'string' ? value.trim() : value;
  if (typeof text !== 'string' || !(choices as readonly string[]).includes(text)) {
    throw invalidError(field, `${label}은(는) ${choices.join(', ')} 중 하나여야 합니다 (must be one of ${choices.join(', ')})`);
  }
  return text as T;
}

/** Copy only the defined entries, so outputs have no `key: undefined` (exactOptionalPropertyTypes-friendly). */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}
