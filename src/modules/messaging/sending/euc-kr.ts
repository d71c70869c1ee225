/**
 * Message lengths as the carriers count them: bytes in EUC-KR (FACTS §4.1: SMS 90 bytes, LMS/MMS 2,000, subject
 * 40). The table is strict EUC-KR, KS X 1001 (ASCII one byte, a KS X 1001 character two bytes with both bytes in
 * 0xA1–0xFE): CP949's extension (UHC, e.g. 뷁, 똠) is refused as well as what neither holds (emoji, ₩ U+20A9), since
 * a carrier or handset on the EUC-KR path turns it into '?' or fails the send (FACTS §0.7).
 */
import iconv from 'iconv-lite';
import { AppError } from '../../../platform/errors.ts';

// code point → its EUC-KR length (1 or 2) or 0 when KS X 1001 cannot hold it; shared by every request
const cache = new Map<number, number>();

function charBytes(cp: number): number {
  if (cp < 0x80) return 1;
  let n = cache.get(cp);
  if (n === undefined) {
    const b = iconv.encode(String.fromCodePoint(cp), 'euc-kr');
    n = b.length === 2 && b[0]! >= 0xa1 && b[0]! <= 0xfe && b[1]! >= 0xa1 && b[1]! <= 0xfe ? 2 : 0;
    cache.set(cp, n);
  }
  return n;
}

/** The EUC-KR length of `text`, or the first character it cannot hold. */
export function eucKrBytes(text: string): { bytes: number } | { bad: string } {
  let bytes = 0;
  for (const ch of text) {
    const n = charBytes(ch.codePointAt(0)!);
    if (n === 0) return { bad: ch };
    bytes += n;
  }
  return { bytes };
}

/** The EUC-KR length of `text`; a character outside KS X 1001 is refused naming `field`. */
export function eucKrLength(text: string, field: string): number {
  const r = eucKrBytes(text);
  if ('bad' in r) {
    const cp = r.bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new AppError('message_charset', `EUC-KR(KS X 1001)로 보낼 수 없는 문자 "${r.bad}" (U+${cp})가 있습니다 (a character EUC-KR cannot hold: U+${cp})`, { field });
  }
  return r.bytes;
}

export const SMS_BYTES = 90;
export const LMS_BYTES = 2000;
export const SUBJECT_BYTES = 40;

/** `auto` resolved: SMS when the text fits 90 bytes and there is no subject, else LMS. */
export function autoKind(textBytes: number, hasSubject: boolean): 'sms' | 'lms' {
  return textBytes <= SMS_BYTES && !hasSubject ? 'sms' : 'lms';
}

/** Check a text of `kind` against its byte limit; returns its length. */
export function assertTextFits(kind: 'sms' | 'lms' | 'mms', text: string, field: string): number {
  const bytes = eucKrLength(text, field);
  const max = kind === 'sms' ? SMS_BYTES : LMS_BYTES;
  if (bytes > max) throw new AppError('message_text_too_long', `${kind.toUpperCase()}는 최대 ${max}바이트(EUC-KR)입니다, 지금 ${bytes}바이트 (${kind.toUpperCase()} at most ${max} bytes in EUC-KR, now ${bytes})`, { field, details: { bytes, max } });
  return bytes;
}

export function assertSubjectFits(subject: string, field: string): number {
  const bytes = eucKrLength(subject, field);
  if (bytes > SUBJECT_BYTES) throw new AppError('message_text_too_long', `제목은 최대 ${SUBJECT_BYTES}바이트(EUC-KR)입니다, 지금 ${bytes}바이트 (subject at most ${SUBJECT_BYTES} bytes in EUC-KR, now ${bytes})`, { field, details: { bytes, max: SUBJECT_BYTES } });
  return bytes;
}
