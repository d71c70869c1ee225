/**
 * Generated legacy .aspx calls. A case is abstract (indexes and choices) and is turned into bytes against
 * the world: a valid base form of the page and cmd (so a mutation reaches the deep code, not only the
 * first check), then mutations (random, numbered and duplicated fields, padded ids, fuzzed values), sent
 * raw or percent-encoded, in UTF-8 or CP949 (declared, undeclared, or declared as a form field), in the
 * body, the query string or as multipart.
 */
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { legacyInvoiceFields } from '../support/onboard.ts';
import type { RawRequest } from '../support/raw-http.ts';
import { biznoFrom, percentEncodeBytes, rarely, Bytes, fieldValue, GARBAGE_IDS, ROW_NUMBERS, type FieldValue } from './fuzz-values.ts';
import type { World } from './fuzz-world.ts';

const AUTHS = ['none', 'own', 'other-svc', 'cross-sinch', 'bearer', 'bearer-only', 'bad-bearer'] as const;
const CHARSETS = ['utf-8', 'euc-kr', 'euc-kr-undeclared', 'euc-kr-field', 'utf-8-declared-euc-kr'] as const;
const TRANSPORTS = ['body-raw', 'body-percent', 'query', 'multipart'] as const;
const ROW_FIELDS = ['name', 'supply_amt', 'tax_amt', 'qty', 'unit_price', 'month', 'day', 'spec', 'remark', 'date', 'memo', 'title'];
const VOCABULARY = [
  'cmd', 'mode', 'fmt', 'charset', 'sinch_no', 'sinchno', 'svc_key', 'dockey', 'dockeys', 'gubun', 'sdate', 'edate', 'date_type', 'page', 'page_size',
  'proc_state', 'read_state', 'nts_state', 'subkey', 'bizno', 'id', 'pwd', 'com_name', 'ceo_name', 'user_name', 'email', 'uptae', 'jongmok', 'addr1',
  'pack_code', 'svcunit_code', 'amount', 'vat', 'total_amount', 'doc__doc_state', 'doc__proc_state', 'doc__purpose', 'doc__write_date', 'doc__doc_gubun',
  'doc__tax_type', 'doc__buy_bizno', 'doc__buy_name', 'doc__buy_ceo', 'doc__buy_addr', 'doc__buy_email1', 'doc__buy_id_type', 'doc__buy_sub_bizno',
  'doc__sup_bizno', 'doc__sup_name', 'doc__sup_sub_bizno', 'doc__supply_amt', 'doc__tax_amt', 'doc__total_amt', 'doc__credit_amt', 'doc__cash_amt',
  'doc__remark', 'doc__subkey', 'doc__modify_code', 'doc__org_nts_no', 'doc__trust_bizno', 'doc__trust_name', 'doc__trust_email', 'doc__alimtalk_yn',
  'detail__title', 'detail__memo', 'detail__balance', 'item1__name', 'item1__supply_amt', 'item1__tax_amt', 'item1__qty', 'item1__month',
];

type Mutation =
  | { kind: 'set'; name: number; value: FieldValue }
  | { kind: 'random-name'; name: string; value: FieldValue }
  | { kind: 'row'; prefix: 'item' | 'detail'; n: string; field: number; value: FieldValue }
  | { kind: 'delete'; name: number }
  | { kind: 'both-sinch'; first: number; second: number }
  | { kind: 'padded-id'; width: number }
  | { kind: 'repeat'; name: number; value: FieldValue };

export interface LegacyCase {
  /** Index into the (page, cmd) pairs. */
  page: number;
  /** Sometimes an unknown or oddly spelled cmd / page instead. */
  oddCmd: string | undefined;
  oddPage: string | undefined;
  tenant: number;
  auth: (typeof AUTHS)[number];
  charset: (typeof CHARSETS)[number];
  transport: (typeof TRANSPORTS)[number];
  json: boolean;
  biznoHead: number;
  loginSuffix: number;
  mutations: Mutation[];
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), name: fc.nat(), value: fieldValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('random-name' as const), name: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 12 }), value: fieldValue }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('row' as const), prefix: fc.constantFrom('item' as const, 'detail' as const), n: fc.constantFrom(...ROW_NUMBERS), field: fc.nat(), value: fc.oneof(fc.constant<FieldValue>('1'), fc.constant<FieldValue>('x'), fieldValue) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), name: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('both-sinch' as const), first: fc.nat(), second: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('padded-id' as const), width: fc.constantFrom(2, 10, 16, 20, 40) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), name: fc.nat(), value: fieldValue }) },
);

export const legacyCase: fc.Arbitrary<LegacyCase> = fc.record({
  page: fc.nat(),
  oddCmd: rarely(fc.constantFrom('', 'INSERT ', 'Insert', 'toString', '__proto__', 'constructor', 'hasOwnProperty', 'ＩＮＳＥＲＴ', 'get\u0000', 'x'.repeat(1000)), 12),
  oddPage: rarely(fc.constantFrom('nothere.aspx', 'DOCUMENT.ASPX', 'Document.Aspx', '_MEMBER.aspx', '__proto__.aspx', 'constructor.aspx', 'a.aspx'), 15),
  tenant: fc.nat({ max: 2 }),
  // mostly the tenant's own credentials, so the form is read past authentication
  auth: fc.oneof({ weight: 6, arbitrary: fc.constant('own' as const) }, { weight: 6, arbitrary: fc.constantFrom(...AUTHS) }),
  charset: fc.constantFrom(...CHARSETS),
  transport: fc.constantFrom(...TRANSPORTS),
  json: fc.boolean(),
  biznoHead: fc.integer({ min: 100_000_000, max: 999_999_999 }),
  loginSuffix: fc.nat(),
  mutations: fc.array(mutation, { minLength: 0, maxLength: 3 }),
});

/** A base form that would succeed (or nearly) for the page and cmd, as the chosen tenant. */
function baseForm(w: World, page: string, cmd: string, c: LegacyCase): Record<string, FieldValue> {
  const t = w.tenants[c.tenant]!;
  const cred = w.credentials;
  const bizno = biznoFrom(c.biznoHead);
  switch (`${page} ${cmd}`) {
    case '_member.aspx insert':
      return { bizno, com_name: '(주)퍼즈', ceo_name: '김대표', id: `fz${c.loginSuffix}`, pwd: 'Secret123!', user_name: '이담당', email: 'fuzz@example.kr', uptae: '서비스', jongmok: '소프트웨어', addr1: '서울 중구' };
    case '_member.aspx checkid':
      return { id: `fz${c.loginSuffix}` };
    case '_service.aspx sinchservice':
      return { bizno: cred.bizno, id: cred.id, pwd: cred.pwd, pack_code: '1', svcunit_code: '1', amount: '0', vat: '0', total_amount: '0' };
    case '_auth.aspx getsvckey':
    case '_auth.aspx resetkey':
      return { bizno: cred.bizno, id: cred.id, pwd: cred.pwd };
    case 'document.aspx insert': {
      const f = legacyInvoiceFields(t, biznoFrom(c.biznoHead), { doc__write_date: w.today, item1__month: w.today.slice(4, 6), item1__day: w.today.slice(6, 8), item2__month: w.today.slice(4, 6), item2__day: w.today.slice(6, 8) });
      return Object.fromEntries(Object.entries(f).map(([k, v]) => [k, String(v)]));
    }
    case 'document.aspx update': {
      const f = legacyInvoiceFields(t, biznoFrom(c.biznoHead), { doc__doc_state: 'U', dockey: t.draft, doc__write_date: w.today, item1__month: w.today.slice(4, 6), item1__day: w.today.slice(6, 8), item2__month: w.today.slice(4, 6), item2__day: w.today.slice(6, 8) });
      return Object.fromEntries(Object.entries(f).map(([k, v]) => [k, String(v)]));
    }
    case 'document.aspx multilist':
      return { sinch_no: String(t.sinchno), svc_key: t.svcKey, gubun: 'S', sdate: w.today, edate: w.today };
    case 'document.aspx send':
    case 'document.aspx get':
      return { sinch_no: String(t.sinchno), svc_key: t.svcKey, dockey: t.issued };
    case 'document.aspx delete':
      return { sinch_no: String(t.sinchno), svc_key: t.svcKey, dockey: t.draft };
    default: // taxinvoice.aspx reqnts and anything added later
      return { sinch_no: String(t.sinchno), svc_key: t.svcKey, dockeys: t.issued };
  }
}

export interface BuiltLegacy {
  label: string;
  request: RawRequest;
  /** The logical fields, for the printed reproduction. */
  fields: [string, FieldValue][];
}

export function buildLegacy(w: World, pages: Record<string, string[]>, c: LegacyCase): BuiltLegacy {
  // every (page, cmd) pair is a target; document INSERT and UPDATE, which store the most text, count thrice
  const pairs = Object.keys(pages)
    .sort()
    .flatMap((p) => pages[p]!.flatMap((cmd) => Array<[string, string]>(p === 'document.aspx' && (cmd === 'insert' || cmd === 'update') ? 3 : 1).fill([p, cmd])));
  const [realPage, realCmd] = pairs[c.page % pairs.length]!;
  const page = c.oddPage ?? realPage;
  const cmd = c.oddCmd ?? realCmd.toUpperCase();
  const t = w.tenants[c.tenant]!;
  const other = w.tenants[(c.tenant + 1) % w.tenants.length]!;
  const form = new Map<string, FieldValue>(Object.entries(baseForm(w, realPage, realCmd, c)));
  const headers: Record<string, string> = {};

  switch (c.auth) {
    case 'none':
      form.delete('svc_key');
      break;
    case 'other-svc':
      if (form.has('sinch_no')) form.set('svc_key', other.svcKey);
      break;
    case 'cross-sinch':
      if (form.has('sinch_no')) form.set('sinch_no', String(other.sinchno));
      break;
    case 'bearer':
      headers['authorization'] = `Bearer ${w.partnerKey}`;
      break;
    case 'bearer-only':
      headers['authorization'] = `Bearer ${w.partnerKey}`;
      form.delete('svc_key');
      break;
    case 'bad-bearer':
      headers['authorization'] = `Bearer ${w.partnerKey.slice(0, -1)}x`;
      break;
    default:
  }

  const known = [...new Set([...form.keys(), ...VOCABULARY])];
  const ids = [String(t.sinchno), String(other.sinchno), ...GARBAGE_IDS];
  /** Second occurrences of a name (`a=1&a=2`), sent after the form. */
  const repeated: [string, FieldValue][] = [];
  for (const m of c.mutations) {
    if (m.kind === 'set') form.set(known[m.name % known.length]!, m.value);
    else if (m.kind === 'random-name') form.set(m.name, m.value);
    else if (m.kind === 'row') form.set(`${m.prefix}${m.n}__${ROW_FIELDS[m.field % ROW_FIELDS.length]}`, m.value);
    else if (m.kind === 'delete') form.delete([...form.keys()][m.name % Math.max(1, form.size)] ?? '');
    else if (m.kind === 'both-sinch') {
      form.set('sinch_no', ids[m.first % ids.length]!);
      form.set('sinchno', ids[m.second % ids.length]!);
    } else if (m.kind === 'repeat') repeated.push([known[m.name % known.length]!, m.value]);
    else if (m.kind === 'padded-id') {
      const s = form.get('sinch_no');
      if (typeof s === 'string') form.set('sinch_no', s.padStart(m.width, '0'));
      const d = form.get('dockey');
      if (typeof d === 'string') form.set('dockey', ` ${d.toLowerCase()} `);
    }
  }
  const fields: [string, FieldValue][] = [['cmd', cmd], ...[...form.entries()].filter(([k]) => k !== 'cmd'), ...repeated];
  if (c.json) fields.push(['fmt', 'json']);

  const cp949 = c.charset.startsWith('euc-kr');
  if (c.charset === 'euc-kr-field') fields.push(['charset', 'euc-kr']);
  const bytesOf = (v: FieldValue): Buffer => (v instanceof Bytes ? v.bytes : cp949 ? iconv.encode(v, 'cp949') : Buffer.from(v, 'utf8'));
  const declared = c.charset === 'euc-kr' || c.charset === 'utf-8-declared-euc-kr' ? '; charset=euc-kr' : '';
  // odd pages and cmds are grouped, so a report lists one class per kind of failure, not per spelling
  const label = `${c.oddPage === undefined ? page : '(odd page)'} ${c.oddCmd === undefined ? cmd : '(odd cmd)'}`;

  if (c.transport === 'multipart') {
    const boundary = 'fuzzBoundary7MA4YWxkTrZu0gW';
    const parts = fields.map(([k, v]) => Buffer.concat([Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k.replace(/["\r\n]/g, '_')}"\r\n\r\n`), bytesOf(v), Buffer.from('\r\n')]));
    const body = Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
    return { label, fields, request: { method: 'POST', path: `/${page}`, headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` }, body } };
  }
  const raw = c.transport === 'body-raw';
  const encodePart = (b: Buffer) => {
    let out = '';
    for (const byte of b) {
      const ch = String.fromCharCode(byte);
      const plain = raw ? byte >= 0x20 && !'&=%+#'.includes(ch) : /[A-Za-z0-9_.~-]/.test(ch);
      out += plain ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    return out;
  };
  const encoded = fields.map(([k, v]) => `${encodePart(Buffer.from(k, 'latin1'))}=${encodePart(bytesOf(v))}`).join('&');
  if (c.transport === 'query') {
    // a request line carries no raw bytes above 0x7e: the query string is always percent-encoded
    const q = fields.map(([k, v]) => `${percentEncodeBytes(Buffer.from(k, 'latin1'))}=${percentEncodeBytes(bytesOf(v))}`).join('&');
    return { label, fields, request: { method: 'GET', path: `/${page}?${q}`, headers: { ...headers, ...(declared ? { 'content-type': `text/plain${declared}` } : {}) } } };
  }
  // body-raw: bytes ≥ 0x80 go out as they are (latin1 keeps each byte), as curl -d does
  return { label, fields, request: { method: 'POST', path: `/${page}`, headers: { ...headers, 'content-type': `application/x-www-form-urlencoded${declared}` }, body: Buffer.from(encoded, 'latin1') } };
}

