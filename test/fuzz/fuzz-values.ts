/**
 * What an attacker or a careless client types into one field: text (encoded later in the request's
 * charset) or raw bytes (sent as they are, valid in neither charset or only in one). Shared by the legacy
 * and REST generators. Every family named in issue 8 has a constant here, so each appears early in a run,
 * and a generated tail mixes them.
 */
import fc from 'fast-check';
import { isValidBizno } from '../../src/modules/shared/korean-ids.ts';

/** Raw bytes, sent unchanged whatever the request's charset. */
export class Bytes {
  constructor(readonly bytes: Buffer) {}
}
export type FieldValue = string | Bytes;

export const ENTITY_TEXT = ['&', '&amp;', '&nbsp;', 'A&nbsp;B', 'R&D; 연구소', 'a &lt; b', '&#0;', '&#x1F;', '&#xD800;', '<', '>', '<b>x</b>', ']]>', '<![CDATA[x]]>', '"\'', '&lt;&gt;&quot;'];
export const CONTROL_TEXT = ['\u0000', 'a\u0000b', '한\u0000빌', '\u0001\u0002\u0003', '\u0007', '\u0008', '\u000b', '\u000c', '\u001b[31m', '\u001f', '\t', '\n', '\r\n', 'a\rb', '\u007f', '\u0085', '\u2028', '\ufeff', '\ufffe', '\uffff', '\ud800', 'x\udc00y'];
export const NUMBER_TEXT = [
  '0', '-0', '-1', '1.5', '1e3', '1e309', '-1e309', 'NaN', 'Infinity', '0x10', ' 1 ', '+1', '１２３', '٣',
  '2147483648', '4294967296', '9007199254740993', '9223372036854775807', '9223372036854775808', '18446744073709551616',
  '9'.repeat(40), '0000000000000001', '1,000,000', '220000.00', '-9223372036854775809',
];
export const HANGUL_TEXT = ['한빌', '(주)테스트', '똠방각하', '뷁햏', '컨설팅 용역', '홍길동', '가'.repeat(300), '𠀀𪚥', '😀', 'é', 'ﾊﾝﾋﾞﾙ'];
export const HUGE_TEXT = ['x'.repeat(4_001), '가'.repeat(20_000), 'A'.repeat(300_000)];

/** Byte sequences that are not valid UTF-8, or valid only in CP949, or valid in neither. */
export const BAD_BYTES = [
  [0xff], [0xfe, 0xff], [0x80], [0xc3], [0xc3, 0x28], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80],
  [0xf0, 0x9f, 0x98], [0xc7, 0xd1, 0xba, 0xf4] /* 한빌 in CP949 */, [0xb0, 0xa1] /* 가 in CP949 */, [0x81, 0x20], [0xa1], [0xc9, 0xa1] /* CP949 user area */,
  [0xfe, 0xfe], [0x00, 0xff], [0xea, 0xb0, 0x80, 0xff] /* 가 then junk */,
].map((b) => Buffer.from(b));

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);

export const textValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: pick(ENTITY_TEXT) },
  { weight: 3, arbitrary: pick(CONTROL_TEXT) },
  { weight: 3, arbitrary: pick(NUMBER_TEXT) },
  { weight: 2, arbitrary: pick(HANGUL_TEXT) },
  { weight: 1, arbitrary: pick(HUGE_TEXT) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.tuple(pick(HANGUL_TEXT), pick([...ENTITY_TEXT, ...CONTROL_TEXT])).map(([a, b]) => a + b + a) },
);

export const fieldValue: fc.Arbitrary<FieldValue> = fc.oneof(
  { weight: 5, arbitrary: textValue },
  { weight: 2, arbitrary: pick(BAD_BYTES).map((b) => new Bytes(b)) },
  { weight: 1, arbitrary: fc.tuple(pick(HANGUL_TEXT), pick(BAD_BYTES)).map(([t, b]) => new Bytes(Buffer.concat([Buffer.from(t), b]))) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 8 }).map((b) => new Bytes(Buffer.from(b))) },
);

/** Row numbers for `item{n}__…` / `detail{n}__…`: ordinary, at the limits, and far past them. */
export const ROW_NUMBERS = ['0', '1', '2', '3', '99', '100', '101', '999', '1000000', '2147483648', '4294967296', '9007199254740993', '9223372036854775808', '18446744073709551616', '01', '001', '-1', '1e3', '1.0', ''];

/** Garbage for an id in a path or a form: what is not a canonical id must never authenticate or crash. */
export const GARBAGE_IDS = ['0', '-1', '1.5', 'abc', '1e3', '0x10', '%00', '%ff%fe', '%ED%95%9C', '%20', '%2e%2e', '4294967296', '9223372036854775807', '9223372036854775808', '18446744073709551616', '9'.repeat(40), 'A'.repeat(5000)];

/** A checksum-valid business number from a generated 9-digit head (reproducible from the seed). */
export function biznoFrom(head: number): string {
  for (let d = 0; d <= 9; d++) if (isValidBizno(`${head}${d}`)) return `${head}${d}`;
  return `${head}0`;
}

/** `arb` once in `every` cases, else undefined (fc.option's freq is the other way round). */
export function rarely<T>(arb: fc.Arbitrary<T>, every: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: every - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
}

/** Percent-encode every byte but the unreserved ones (encodeURIComponent throws on a lone surrogate). */
export function percentEncodeBytes(b: Buffer): string {
  let out = '';
  for (const byte of b) out += /[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}
