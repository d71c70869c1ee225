/**
 * The wire format of the legacy .aspx API (LEGACY-API.md): form fields in, `<result>` XML (or JSON with
 * `fmt=json`) out, UTF-8 by default, CP949 (EUC-KR) when the request declares it.
 */
import iconv from 'iconv-lite';
import { xmlText } from '../../platform/xml-text.ts';
import { AppError, invalidError } from '../../platform/errors.ts';
import { CONTROL_CHARACTERS } from '../../platform/input.ts';

export type LegacyCharset = 'utf-8' | 'euc-kr';
export type LegacyFields = Record<string, string>;

const EUC_KR_NAMES = /^(euc-?kr|cp949|ks_c_5601-1987|x-windows-949|ms949|windows-949|ksc5601)$/i;

export function charsetFromContentType(contentType: string | undefined): LegacyCharset | undefined {
  const m = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '');
  if (!m) return undefined;
  return EUC_KR_NAMES.test(m[1]!) ? 'euc-kr' : 'utf-8';
}

/** Percent-decode to raw bytes ('+' is a space); other bytes (raw UTF-8 or CP949 as `curl -d` sends them) pass as they are. */
function percentDecodeBytes(encoded: Buffer): Buffer {
  const out = Buffer.alloc(encoded.length);
  let n = 0;
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded[i]!;
    if (c === 0x2b) out[n++] = 0x20;
    else if (c === 0x25 && isHex(encoded[i + 1]) && isHex(encoded[i + 2])) {
      out[n++] = parseInt(String.fromCharCode(encoded[i + 1]!, encoded[i + 2]!), 16);
      i += 2;
    } else out[n++] = c;
  }
  return out.subarray(0, n);
}

function isHex(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
}

/** A field as it arrived: name and value still bytes, so they can be decoded once the charset is known. */
export type RawField = [name: Buffer, value: Buffer];

/** Split `a=1&b=2` (bytes) into raw byte pairs, percent-decoded. */
function splitPairs(encoded: Buffer): RawField[] {
  const out: RawField[] = [];
  let start = 0;
  while (start <= encoded.length) {
    let end = encoded.indexOf(0x26, start);
    if (end < 0) end = encoded.length;
    const part = encoded.subarray(start, end);
    if (part.length > 0) {
      const eq = part.indexOf(0x3d);
      out.push([percentDecodeBytes(eq < 0 ? part : part.subarray(0, eq)), percentDecodeBytes(eq < 0 ? Buffer.alloc(0) : part.subarray(eq + 1))]);
    }
    start = end + 1;
  }
  return out;
}

/** Fields whose repeated occurrences are joined with ',' instead of the last one winning. */
export const REPEATABLE_FIELDS: ReadonlySet<string> = new Set(['dockey', 'dockeys']);

export interface DecodedRequest {
  fields: LegacyFields;
  charset: LegacyCharset;
  /**
   * The first field that is not text in the request's charset, or that holds a control character: the
   * page answers this error (1002 naming the field) and does nothing. Such fields are left out of `fields`.
   */
  problem?: AppError;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Strict decoding: bytes that are not text in the charset are an error, never U+FFFD. iconv-lite maps
 * undecodable CP949 bytes to U+FFFD (or '?' on the way back), so a CP949 value is accepted only when it
 * encodes back to exactly the bytes received.
 */
function decodeStrict(bytes: Buffer, charset: LegacyCharset): string | undefined {
  if (charset === 'utf-8') {
    try {
      return UTF8.decode(bytes);
    } catch {
      return undefined;
    }
  }
  const text = iconv.decode(bytes, 'cp949');
  return text.includes('\uFFFD') || !iconv.encode(text, 'cp949').equals(bytes) ? undefined : text;
}

/**
 * No legacy field may hold a control character (CONTROL_CHARACTERS: tab, LF and CR pass here and are refused
 * field by field where a field is single-line, by the readers of platform/input.ts and
 * documents/input-reader.ts) nor U+FFFD — the trace of bytes lost before they reached us.
 */
const neverText = (s: string): boolean => CONTROL_CHARACTERS.test(s) || s.includes('\uFFFD');

/**
 * A field name as an answer may echo it: every character outside printable ASCII and Hangul becomes `\uXXXX` — the
 * space too, so that a name of spaces is still seen (`\u0020`), not a blank field — and a name longer than 64
 * characters is cut (`…`). Legacy field names are short ASCII; anything else is an
 * attacker's or a broken client's, and must neither break the XML answer nor flood it.
 */
export function printableFieldName(name: string): string {
  const shown = [...name]
    .map((c) => (/^[\x21-\x7e\uac00-\ud7a3]$/u.test(c) ? c : `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`))
    .join('');
  return shown.length > 64 ? `${shown.slice(0, 64)}…` : shown;
}

function undecodable(field: string, charset: LegacyCharset): AppError {
  return charset === 'utf-8'
    ? invalidError(field, 'UTF-8로 읽을 수 없는 바이트가 있습니다. CP949(EUC-KR)라면 charset=euc-kr을 지정하세요 (not valid UTF-8; declare charset=euc-kr for CP949)')
    : invalidError(field, 'CP949(EUC-KR)로 읽을 수 없는 바이트가 있습니다 (not valid CP949/EUC-KR)');
}

function charsetOf(raw: RawField[], contentType: string | undefined): LegacyCharset {
  const fromHeader = charsetFromContentType(contentType);
  if (fromHeader) return fromHeader;
  const declared = raw.findLast(([k]) => k.toString('latin1').toLowerCase() === 'charset')?.[1].toString('latin1').trim();
  return declared && EUC_KR_NAMES.test(declared) ? 'euc-kr' : 'utf-8';
}

/**
 * Decode raw fields (later ones win, except REPEATABLE_FIELDS) in the charset of the content type, else of
 * a `charset` field, else UTF-8. Names are case-folded. Multipart fields arrive here as raw bytes too.
 */
export function decodeLegacyFields(raw: RawField[], contentType: string | undefined): DecodedRequest {
  const charset = charsetOf(raw, contentType);
  const fields: LegacyFields = {};
  let problem: AppError | undefined;
  for (const [nameBytes, bytes] of raw) {
    const name = decodeStrict(nameBytes, charset);
    const value = decodeStrict(bytes, charset);
    const key = (name ?? new TextDecoder().decode(nameBytes)).toLowerCase();
    // a bad field is left out and reported; the others are still read (so that e.g. `fmt` is honoured).
    // The answer names a bad *name* in printable form: it is echoed in <field> and <msg>.
    if (name === undefined || value === undefined) {
      problem ??= undecodable(printableFieldName(key), charset);
      continue;
    }
    if (neverText(key) || /[\t\n\r]/.test(key)) {
      problem ??= invalidError(printableFieldName(key), '필드 이름에 제어 문자나 깨진 문자(U+FFFD)는 사용할 수 없습니다 (control characters and U+FFFD are not allowed in a field name)');
      continue;
    }
    if (neverText(value)) {
      problem ??= invalidError(printableFieldName(key), '제어 문자나 깨진 문자(U+FFFD)는 사용할 수 없습니다 (control characters and U+FFFD are not allowed)');
      continue;
    }
    // list fields may be repeated (`dockey=A&dockey=B`): keep every value, comma-joined; others: the last wins
    fields[key] = REPEATABLE_FIELDS.has(key) && fields[key] ? `${fields[key]},${value}` : value;
  }
  return problem ? { fields, charset, problem } : { fields, charset };
}

/** Bytes of a query string or body; a string is text already (UTF-8). */
const bytesOf = (s: Buffer | string | undefined): Buffer => (s === undefined ? Buffer.alloc(0) : typeof s === 'string' ? Buffer.from(s, 'utf8') : s);

/** The raw fields of a query string and a urlencoded body (either may be empty); body fields come last. */
export function splitLegacyRequest(queryString: string, body: Buffer | string | undefined): RawField[] {
  return [...splitPairs(bytesOf(queryString)), ...splitPairs(bytesOf(body))];
}

/**
 * Decode a query string and a urlencoded body (either may be empty). Body fields win over query fields.
 * The charset comes from the content type, else from a `charset` field, else UTF-8.
 */
export function decodeLegacyRequest(queryString: string, body: Buffer | string | undefined, contentType: string | undefined): DecodedRequest {
  return decodeLegacyFields(splitLegacyRequest(queryString, body), contentType);
}

export type LegacyValue = string | number | boolean | null | undefined;
export type LegacyRow = Record<string, LegacyValue>;

export interface LegacyAnswer {
  code: string;
  msg: string;
  fields?: Record<string, LegacyValue>;
  /** Lists: `<total>`, `<page>`, `<list><row>…</row></list>`. */
  list?: { total?: number; page?: number; rows: LegacyRow[] };
}

const text = (v: LegacyValue): string => (v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? 'Y' : 'N') : String(v));

/** `<name>text</name>`; an element is empty-tagged (`<list/>`) only when it has no text node at all. */
// element text byte for byte what xmlbuilder2 wrote after xmlBuilderText (legacy-codec.test.ts holds it to xmlbuilder2);
// written directly: a 1,000-row MULTILIST has 28,000 elements, and building them as a DOM cost ~200 ms (issue 13)
const element = (name: string, value: string): string => `<${name}>${xmlText(value)}</${name}>`;

/**
 * The answer is encoded in pieces of about ENCODED_PIECE characters as it is written, not as one string at the end:
 * a string built by `+=` is a tree of every piece until it is encoded, and a 1 MB answer's tree outlived the young
 * generation (2 MB semi-spaces, bin/hanbill) and was copied into the old one: MULTILIST of 1,000 rows took 57 ms
 * in place of 33 with V8's default young generation (bench/multilist.bench.ts under the launcher's flags).
 */
const ENCODED_PIECE = 32_768;

export function renderLegacyXml(answer: LegacyAnswer, charset: LegacyCharset): Buffer {
  const pieces: Buffer[] = [];
  const cp949Runs = new Map<string, Buffer>();
  const flush = (s: string): string => {
    pieces.push(encode(s, charset, cp949Runs));
    return '';
  };
  let out = `<?xml version="1.0" encoding="${charset === 'euc-kr' ? 'EUC-KR' : 'UTF-8'}"?><result>`;
  out += element('code', answer.code) + element('msg', answer.msg);
  for (const [k, v] of Object.entries(answer.fields ?? {})) out += element(k, text(v));
  if (answer.list) {
    if (answer.list.total !== undefined) out += element('total', String(answer.list.total));
    if (answer.list.page !== undefined) out += element('page', String(answer.list.page));
    if (answer.list.rows.length === 0) out += '<list/>';
    else {
      out += '<list>';
      for (const row of answer.list.rows) {
        let r = '';
        for (const k in row) if (Object.hasOwn(row, k)) r += element(k, text(row[k]));
        out += r === '' ? '<row/>' : `<row>${r}</row>`;
        if (out.length >= ENCODED_PIECE) out = flush(out);
      }
      out += '</list>';
    }
  }
  flush(`${out}</result>`);
  return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
}

export function renderLegacyJson(answer: LegacyAnswer, charset: LegacyCharset): Buffer {
  const out: Record<string, unknown> = { code: answer.code, msg: answer.msg };
  for (const [k, v] of Object.entries(answer.fields ?? {})) out[k] = text(v);
  if (answer.list) {
    if (answer.list.total !== undefined) out['total'] = answer.list.total;
    if (answer.list.page !== undefined) out['page'] = answer.list.page;
    out['list'] = answer.list.rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, text(v)])));
  }
  return encode(JSON.stringify(out), charset);
}

/** `cp949Runs`: the CP949 runs already encoded, shared by the pieces of one answer (encodeCp949). */
function encode(s: string, charset: LegacyCharset, cp949Runs?: Map<string, Buffer>): Buffer {
  return charset === 'euc-kr' ? encodeCp949(s, cp949Runs) : Buffer.from(s, 'utf8');
}

/**
 * `iconv.encode(s, 'cp949')`, byte for byte (legacy-codec.test.ts), faster for answers that are mostly ASCII
 * markup: ASCII is copied as it is (CP949 is ASCII below 0x80) and only runs of other characters go through
 * iconv, each distinct run once (a list repeats its names). A run never splits a surrogate pair. CP949 takes at
 * most 2 bytes per UTF-16 unit (an unencodable character, or a pair, becomes one `?`). `runs`: the runs already
 * encoded, kept across the pieces of one answer.
 */
export function encodeCp949(s: string, runs = new Map<string, Buffer>()): Buffer {
  const out = Buffer.allocUnsafe(s.length * 2);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
      continue;
    }
    let j = i + 1;
    while (j < s.length && s.charCodeAt(j) >= 0x80) j++;
    const run = s.slice(i, j);
    let bytes = runs.get(run);
    if (!bytes) runs.set(run, (bytes = iconv.encode(run, 'cp949')));
    n += bytes.copy(out, n);
    i = j - 1;
  }
  return out.subarray(0, n);
}
