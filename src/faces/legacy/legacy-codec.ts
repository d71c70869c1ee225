/**
 * The wire format of the legacy .aspx API (LEGACY-API.md): form fields in, `<result>` XML (or JSON with
 * `fmt=json`) out, UTF-8 by default, CP949 (EUC-KR) when the request declares it.
 */
import iconv from 'iconv-lite';
import { create } from 'xmlbuilder2';
import { xmlBuilderText } from '../../platform/xml-text.ts';

export type LegacyCharset = 'utf-8' | 'euc-kr';
export type LegacyFields = Record<string, string>;

const EUC_KR_NAMES = /^(euc-?kr|cp949|ks_c_5601-1987|x-windows-949|ms949|windows-949|ksc5601)$/i;

export function charsetFromContentType(contentType: string | undefined): LegacyCharset | undefined {
  const m = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '');
  if (!m) return undefined;
  return EUC_KR_NAMES.test(m[1]!) ? 'euc-kr' : 'utf-8';
}

/** Percent-decode to raw bytes ('+' is a space), so the bytes can then be decoded with the right charset. */
function percentDecodeBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2b) bytes.push(0x20);
    else if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) bytes.push(c);
    else bytes.push(...Buffer.from(text[i]!, 'utf8'));
  }
  return Buffer.from(bytes);
}

/** Split `a=1&b=2` into raw byte pairs. Field names are ASCII in this API. */
function splitPairs(encoded: string): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  for (const part of encoded.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = percentDecodeBytes(eq < 0 ? part : part.slice(0, eq)).toString('latin1');
    out.push([name, percentDecodeBytes(eq < 0 ? '' : part.slice(eq + 1))]);
  }
  return out;
}

/** Fields whose repeated occurrences are joined with ',' instead of the last one winning. */
export const REPEATABLE_FIELDS: ReadonlySet<string> = new Set(['dockey', 'dockeys']);

export interface DecodedRequest {
  fields: LegacyFields;
  charset: LegacyCharset;
}

/**
 * Decode a query string and a urlencoded body (either may be empty). Body fields win over query fields.
 * The charset comes from the content type, else from a `charset` field, else UTF-8.
 */
export function decodeLegacyRequest(queryString: string, body: Buffer | string | undefined, contentType: string | undefined): DecodedRequest {
  const bodyText = body === undefined ? '' : typeof body === 'string' ? body : body.toString('latin1');
  const pairs = [...splitPairs(queryString), ...splitPairs(bodyText)];
  const declared = pairs.find(([k]) => k.toLowerCase() === 'charset')?.[1].toString('latin1');
  const charset = charsetFromContentType(contentType) ?? (declared && EUC_KR_NAMES.test(declared) ? 'euc-kr' : 'utf-8');
  const fields: LegacyFields = {};
  for (const [name, bytes] of pairs) {
    const key = name.toLowerCase();
    const value = charset === 'euc-kr' ? iconv.decode(bytes, 'cp949') : bytes.toString('utf8');
    // list fields may be repeated (`dockey=A&dockey=B`): keep every value, comma-joined; others: the last wins
    fields[key] = REPEATABLE_FIELDS.has(key) && fields[key] ? `${fields[key]},${value}` : value;
  }
  return { fields, charset };
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

export function renderLegacyXml(answer: LegacyAnswer, charset: LegacyCharset): Buffer {
  const doc = create({ version: '1.0', encoding: charset === 'euc-kr' ? 'EUC-KR' : 'UTF-8' });
  const root = doc.ele('result');
  // every text through xmlBuilderText: xmlbuilder2 alone keeps entity-like text (`R&D;`, `&lt;`) as markup
  root.ele('code').txt(xmlBuilderText(answer.code));
  root.ele('msg').txt(xmlBuilderText(answer.msg));
  for (const [k, v] of Object.entries(answer.fields ?? {})) root.ele(k).txt(xmlBuilderText(text(v)));
  if (answer.list) {
    if (answer.list.total !== undefined) root.ele('total').txt(String(answer.list.total));
    if (answer.list.page !== undefined) root.ele('page').txt(String(answer.list.page));
    const list = root.ele('list');
    for (const row of answer.list.rows) {
      const r = list.ele('row');
      for (const [k, v] of Object.entries(row)) r.ele(k).txt(xmlBuilderText(text(v)));
    }
  }
  return encode(doc.end({ prettyPrint: false }), charset);
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

function encode(s: string, charset: LegacyCharset): Buffer {
  return charset === 'euc-kr' ? iconv.encode(s, 'cp949') : Buffer.from(s, 'utf8');
}
