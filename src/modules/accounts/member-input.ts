import { AppError, invalidError } from '../../platform/errors.ts';
import { EMAIL_PATTERN, optionalString, requiredString, type Input } from '../../platform/input.ts';
import { isValidBizno, normalizeDigits } from '../shared/korean-ids.ts';

export const LOGIN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{3,29}$/;
const LOGIN_ID_EXPECTED = '영문·숫자로 시작하는 4~30자 (letters, digits, _ . -; 4 to 30 characters)';

/** 사업자등록번호: 10 digits (hyphens allowed), checksum-valid. */
export function readBizno(input: Input, field = 'bizno'): string {
  const raw = requiredString(input, field, { max: 20 });
  const bizno = normalizeDigits(raw);
  if (!/^\d{10}$/.test(bizno)) throw invalidError(field, '사업자등록번호는 10자리 숫자입니다 (business number must be 10 digits)');
  if (!isValidBizno(bizno)) throw invalidError(field, '사업자등록번호 검증번호가 맞지 않습니다 (business number checksum is invalid)');
  return bizno;
}

export function readLoginId(input: Input, field = 'loginId'): string {
  return requiredString(input, field, { pattern: LOGIN_ID_PATTERN, expected: LOGIN_ID_EXPECTED });
}

/** Passwords: 8–64 characters, not all of one kind (letters and something else). */
export function readNewPassword(input: Input, field = 'password'): string {
  const pwd = input[field];
  if (typeof pwd !== 'string' || pwd === '') return requiredString(input, field);
  if ([...pwd].length < 8 || [...pwd].length > 64) throw invalidError(field, '비밀번호는 8~64자입니다 (password must be 8 to 64 characters)');
  if (!/[A-Za-z]/.test(pwd) || !/[^A-Za-z]/.test(pwd)) {
    throw invalidError(field, '비밀번호는 영문과 숫자 또는 특수문자를 섞어야 합니다 (mix letters with digits or symbols)');
  }
  return pwd;
}

export function readEmail(input: Input, field: string, required: boolean): string | undefined {
  const opts = { max: 100, pattern: EMAIL_PATTERN, expected: '이메일 형식이 올바르지 않습니다 (bad e-mail address)' };
  return required ? requiredString(input, field, opts) : optionalString(input, field, opts);
}

export function readSubBizno(input: Input, field = 'subBizno'): string {
  return optionalString(input, field, { pattern: /^\d{4}$/, expected: '종사업장번호는 4자리 숫자입니다 (4 digits)' }) ?? '';
}

export const biznoTaken = (): AppError =>
  new AppError('bizno_taken', '이미 가입된 사업자등록번호입니다 (business number already registered)', { field: 'bizno' });
export const loginIdTaken = (): AppError => new AppError('login_id_taken', '이미 사용 중인 아이디입니다 (ID already in use)', { field: 'loginId' });
