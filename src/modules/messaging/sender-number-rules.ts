/**
 * Korean numbering rules for sender numbers (발신번호), digits only — what a recipient can call back
 * (MESSAGING-AND-BILLING-FACTS.md §4.2):
 *
 *   mobile          010 + 8 digits (first 1–9); 011, 016–019 + 7 or 8 digits (first 1–9)
 *   landline        02 + 7 or 8 digits; 031–033, 041–044, 051–055, 061–064 + 7 or 8 digits (first 1–9)
 *   internet        070 + 8 digits (first 1–9)
 *   representative  15xx, 16xx, 18xx: 8 digits, no extension (대표번호)
 *   toll_free       080 + 7 digits (first 1–9)
 *
 * Anything else — special numbers (112, 119), 050 personal numbers, 030, numbers without an area code — is refused.
 */
import { invalidError } from '../../platform/errors.ts';
import type { SenderNumberKind } from './tables.ts';

const AREA_CODES = ['02', '031', '032', '033', '041', '042', '043', '044', '051', '052', '053', '054', '055', '061', '062', '063', '064'];

const RULES: readonly { kind: SenderNumberKind; pattern: RegExp }[] = [
  { kind: 'mobile', pattern: /^010[1-9]\d{7}$/ },
  { kind: 'mobile', pattern: /^01[16789][1-9]\d{6,7}$/ },
  { kind: 'landline', pattern: new RegExp(`^(${AREA_CODES.join('|')})[1-9]\\d{6,7}$`) },
  { kind: 'internet', pattern: /^070[1-9]\d{7}$/ },
  { kind: 'representative', pattern: /^1[568]\d{6}$/ },
  { kind: 'toll_free', pattern: /^080[1-9]\d{6}$/ },
];

/** The kind of a well-formed Korean number, or undefined. */
export function senderNumberKind(number: string): SenderNumberKind | undefined {
  return RULES.find((r) => r.pattern.test(number))?.kind;
}

/** A mobile number (010, 011, 016–019), e.g. a Kakao channel's admin phone. */
export function isMobileNumber(number: string): boolean {
  return senderNumberKind(number) === 'mobile';
}

/** Reads a sender number given as digits only; refuses it naming `field`. */
export function readSenderNumber(value: unknown, field: string): { number: string; kind: SenderNumberKind } {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) {
    throw invalidError(field, '숫자만 입력하세요, 하이픈 없이 (digits only, without hyphens, e.g. 0212345678)');
  }
  const kind = senderNumberKind(value);
  if (!kind) {
    throw invalidError(
      field,
      '회신 가능한 국내 번호가 아닙니다: 휴대폰 010·011·016~019, 지역번호 02·031~064, 070, 15xx·16xx·18xx 대표번호 8자리, 080 (not a Korean number a recipient can call back: mobile, area code, 070, 8-digit 15xx/16xx/18xx or 080)',
    );
  }
  return { number: value, kind };
}
