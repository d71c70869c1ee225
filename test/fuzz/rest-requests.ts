/**
 * Generated REST calls against the routes of GET /openapi.json. A case picks a route, fills its path
 * parameters (the caller's own ids, another tenant's, or garbage), adds query parameters, an
 * authentication (svc key, partner bearer, operator token, portal session, or none) and maybe an
 * Idempotency-Key, and sends a body: a valid base for the route with mutated members (wrong types, huge
 * strings and numbers, extra fields, arrays for objects, control characters …) or a body replaced whole
 * (invalid JSON, nesting 10,000 deep, a scalar, a form, a CP949 body).
 */
import fc from 'fast-check';
import iconv from 'iconv-lite';
import type { RawRequest } from '../support/raw-http.ts';
import { biznoFrom, percentEncodeBytes, rarely, GARBAGE_IDS, textValue } from './fuzz-values.ts';
import { FUZZ_SENDER, FUZZ_TEMPLATE, invoiceBody, type World } from './fuzz-world.ts';

export interface RestRoute {
  method: string;
  path: string;
  params: string[];
  query: string[];
  /** JSON schema of the body, when the route takes one. */
  body: Schema | undefined;
}
interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  minLength?: number;
}

/** Every operation of the OpenAPI document. */
export function restRoutes(spec: { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>> }): RestRoute[] {
  const out: RestRoute[] = [];
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const ps = op.parameters ?? [];
      out.push({
        method: method.toUpperCase(),
        path,
        params: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
        query: ps.filter((p) => p.in === 'query').map((p) => p.name),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return out.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

/** A JSON value to send, or raw JSON text spliced in where JSON.stringify cannot go (nesting 10,000 deep). */
class RawJson {
  constructor(readonly text: string) {}
}
type Json = null | boolean | number | string | Json[] | { [k: string]: Json } | RawJson;

const deep = (n: number, open: string, close: string, inner = '1') => new RawJson(open.repeat(n) + inner + close.repeat(n));

const jsonOdd: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 2, 2 ** 63, 2 ** 64, '', ' ', '100', '1e3', [], {}, [1, 2], { a: 1 }, [[[]]], ['x']) },
  { weight: 4, arbitrary: textValue },
  { weight: 1, arbitrary: fc.constantFrom<Json>(deep(10_000, '[', ']'), deep(10_000, '{"a":', '}'), deep(64, '[', ']'), new RawJson('{"__proto__":{"x":1}}'), new RawJson('{"constructor":{"prototype":{"x":1}}}'), new RawJson('1e400'), new RawJson('-0'), new RawJson('123456789012345678901234567890')) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> },
);

type BodyPlan =
  | { kind: 'mutate'; edits: { path: number; extra: string | undefined; value: Json }[] }
  | { kind: 'replace'; text: number }
  | { kind: 'none' }
  | { kind: 'form' }
  | { kind: 'cp949' };

const REPLACEMENTS = [
  '', '{', '{"a":', 'null', '[]', '"x"', '1', 'true', '{"document":', '\u0000', '{"a":1}{"b":2}', '{"a":1,"a":2}', '\ufeff{}',
  '['.repeat(10_000) + ']'.repeat(10_000), '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000), `{"document":${'['.repeat(5000)}${']'.repeat(5000)}}`,
  JSON.stringify({ document: 'x'.repeat(2_000_000) }),
];

const AUTHS = ['fit', 'none', 'svc', 'other-svc', 'bearer+svc', 'bearer', 'operator', 'session', 'session-no-csrf'] as const;

export interface RestCase {
  route: number;
  params: { choice: 'own' | 'other' | 'garbage'; garbage: number }[];
  query: { value: string; on: boolean }[];
  tenant: number;
  auth: (typeof AUTHS)[number];
  idempotencyKey: string | undefined;
  /** Which of the tenant's documents a `{dockey}` names (issued or draft). */
  draft: boolean;
  /** Seeds the buyer's business number and the login ids of a body, so a seed replays the same bytes. */
  biznoHead: number;
  body: BodyPlan;
}

export const restCase: fc.Arbitrary<RestCase> = fc.record({
  route: fc.nat(),
  params: fc.array(fc.record({ choice: fc.constantFrom('own' as const, 'own' as const, 'other' as const, 'garbage' as const), garbage: fc.nat() }), { minLength: 3, maxLength: 3 }),
  query: fc.array(fc.record({ value: fc.oneof(textValue, fc.constantFrom('S', 'sales', 'purchase', '2', '20261101', '-1', '1000000')), on: fc.boolean() }), { minLength: 12, maxLength: 12 }),
  tenant: fc.nat({ max: 2 }),
  // half the cases authenticate as the route expects, so the body is read and not only the credentials
  auth: fc.oneof({ weight: 7, arbitrary: fc.constant('fit' as const) }, { weight: 8, arbitrary: fc.constantFrom(...AUTHS) }),
  draft: fc.boolean(),
  biznoHead: fc.integer({ min: 100_000_000, max: 999_999_999 }),
  idempotencyKey: rarely(fc.constantFrom('fuzz-key-1', 'fuzz-key-2', 'k'.repeat(255), 'k'.repeat(256), '한글키', ' ', 'a b'), 3),
  body: fc.oneof(
    { weight: 8, arbitrary: fc.record({ kind: fc.constant('mutate' as const), edits: fc.array(fc.record({ path: fc.nat(), extra: rarely(fc.constantFrom('extra', 'document', 'issue', '__proto__', 'constructor', 'lines', 'buyer', '', '한글'), 4), value: jsonOdd }), { maxLength: 3 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('replace' as const), text: fc.nat() }) },
    { weight: 1, arbitrary: fc.constantFrom<BodyPlan>({ kind: 'none' }, { kind: 'form' }, { kind: 'cp949' }) },
  ),
});

/** The smallest value of a schema (first enum value, required and optional members). */
function sample(s: Schema | undefined, depth = 0): Json {
  if (!s || depth > 6) return {};
  if (s.enum?.length) return s.enum[0] as Json;
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (type === 'object' || s.properties) return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, sample(v, depth + 1)]));
  if (type === 'array') return [sample(s.items, depth + 1)];
  if (type === 'integer' || type === 'number') return 1;
  if (type === 'boolean') return true;
  return 'x'.repeat(Math.max(1, s.minLength ?? 1));
}

function baseBody(w: World, route: RestRoute, head: number): Json {
  const bizno = biznoFrom(head);
  const doc = invoiceBody(w.today, bizno) as unknown as Json;
  const t = w.tenants[0]!;
  if (route.path.endsWith('/documents') && route.method === 'POST') return { issue: false, document: doc };
  if (route.path.endsWith('/documents/{dockey}') && route.method === 'PUT') return { issue: false, document: doc };
  if (route.path.endsWith('/documents/bulk')) return { documents: [{ document: doc }, { issue: true, document: doc }] };
  if (route.path.endsWith('/nts-filings')) return { dockeys: [t.issued] };
  if (route.path === '/v1/partner/members') return { bizno, companyName: '고객상사', ceoName: '홍길동', loginId: `fzp${head}`, password: 'Secret123', userName: '김담당', email: 'tax@example.kr' };
  if (route.path.startsWith('/v1/portal/api-keys') && route.path.includes('ips')) return route.method === 'PUT' ? { ips: ['127.0.0.1'] } : { ip: '10.1.2.3' };
  if (route.path === '/v1/messages') return messageBody(w, head);
  if (route.path === '/v1/sender-numbers') return { number: `031${String(head).slice(-7)}`, proof: { fileName: '통신서비스이용증명원.pdf', data: PDF_BASE64 } };
  if (route.path === '/v1/kakao/channels') return { searchId: `@fz${head}`, adminPhone: '01087654321', categoryCode: '00100010001' };
  if (route.path === '/v1/kakao/templates') return { channelId: w.channelId, code: `FZ${head}`, name: '퍼즈 안내', body: '#{고객명}님, 안내드립니다.', buttons: [{ type: 'WL', name: '조회', linkMo: 'https://shop.example.kr/o/#{주문번호}' }] };
  if (route.path === '/v1/kakao/templates/{id}' && route.method === 'PUT') return { name: '퍼즈 안내 수정', body: '#{고객명}님, 다시 안내드립니다.' };
  return sample(route.body);
}

const PDF_BASE64 = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n', 'latin1').toString('base64');

/** A send that would be accepted: an AlimTalk of the approved template, an LMS with a repeated clientRef, or an ad held at night. */
function messageBody(w: World, head: number): Json {
  const to = `010${String(head).padStart(8, '0').slice(-8)}`;
  if (head % 3 === 0) return { type: 'alimtalk', channelId: w.channelId, templateCode: FUZZ_TEMPLATE, recipients: [{ to, clientRef: `fz${head}`, variables: { 고객명: '홍길동', 상품: '퍼즈 상품', 주문번호: String(head) } }] };
  if (head % 3 === 1) return { type: 'lms', from: FUZZ_SENDER, subject: '안내', text: '퍼즈 장문 안내입니다. '.repeat(8), recipients: [{ to }, { to: '01012345678', clientRef: 'fuzz-1' }] };
  return { type: 'auto', from: FUZZ_SENDER, text: '(광고) 퍼즈 할인 안내 무료수신거부 0801234567', ad: true, adNight: 'hold', recipients: [{ to }] };
}

/** Every member path of a JSON value (objects and arrays), the root included. */
function containers(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => (x !== null && typeof x === 'object' && !(x instanceof RawJson) ? containers(x, [...at, i], out) : out.push([...at, i])));
  else if (v !== null && typeof v === 'object' && !(v instanceof RawJson)) for (const [k, x] of Object.entries(v)) x !== null && typeof x === 'object' && !(x instanceof RawJson) ? containers(x, [...at, k], out) : out.push([...at, k]);
  return out;
}

/**
 * A fresh copy of an edit's value. The arbitraries hand out shared constants (`{ a: 1 }`, `[[[]]]`): set as they
 * are, a later edit of the same body writes into the constant itself — into every later case too, and a value set
 * inside itself is a cycle that JSON text cannot carry (the harness then overflowed its stack, not the server).
 */
function copyJson(v: Json): Json {
  if (v instanceof RawJson || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(copyJson);
  // fromEntries defines own members, "__proto__" included
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyJson(x)]));
}

function setAt(root: Json, path: (string | number)[], value: Json): Json {
  if (path.length === 0) return value;
  let node = root as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, Json>;
  // defineProperty: an own member even for "__proto__", as a JSON text would carry it
  Object.defineProperty(node, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
  return root;
}

function stringify(v: Json): string {
  if (v instanceof RawJson) return v.text;
  if (Array.isArray(v)) return `[${v.map(stringify).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${stringify(v[k]!)}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** The credentials a route expects (tenant P is the partner's member: its calls carry the partner key). */
function fittingAuth(path: string, tenant: string): (typeof AUTHS)[number] {
  if (path.startsWith('/v1/subscriptions/')) return tenant === 'P' ? 'bearer+svc' : 'svc';
  if (path.startsWith('/v1/catalog') || path.startsWith('/v1/operator')) return 'operator';
  if (path.startsWith('/v1/portal')) return 'session';
  if (path.startsWith('/v1/partner')) return 'bearer';
  if (/^\/v1\/(messages|message-history|reservations|sender-numbers|kakao)\b/.test(path)) return 'bearer';
  return 'none';
}

export interface BuiltRest {
  label: string;
  request: RawRequest;
}

export function buildRest(w: World, routes: RestRoute[], c: RestCase): BuiltRest {
  const route = routes[c.route % routes.length]!;
  const t = w.tenants[c.tenant]!;
  const other = w.tenants[(c.tenant + 1) % w.tenants.length]!;
  const idOf = (name: string, who: typeof t): string => {
    if (name === 'subscriptionId') return String(who.sinchno);
    if (name === 'dockey') return c.draft ? who.draft : who.issued;
    if (name === 'loginId') return who.id;
    if (name === 'address') return '127.0.0.1';
    const prefix = Object.keys(w.ids).find((p) => route.path.startsWith(p));
    return String(prefix ? w.ids[prefix]! + (who === t ? 0 : 1) : 1);
  };
  let path = route.path;
  route.params.forEach((name, i) => {
    const p = c.params[i] ?? { choice: 'own', garbage: 0 };
    const v = p.choice === 'own' ? idOf(name, t) : p.choice === 'other' ? idOf(name, other) : GARBAGE_IDS[p.garbage % GARBAGE_IDS.length]!;
    path = path.replace(`{${name}}`, p.choice === 'garbage' ? v : encodeURIComponent(v));
  });
  const q = route.query.flatMap((name, i) => (c.query[i]?.on ? [`${encodeURIComponent(name)}=${percentEncodeBytes(Buffer.from(c.query[i]!.value, 'utf8'))}`] : []));
  if (q.length) path += `?${q.join('&')}`;

  const headers: Record<string, string> = {};
  const svc = (who: typeof t) => (headers['x-svc-key'] = who.svcKey);
  const auth = c.auth === 'fit' ? fittingAuth(route.path, t.label) : c.auth;
  if (auth === 'svc') svc(t);
  else if (auth === 'other-svc') svc(other);
  else if (auth === 'bearer+svc') {
    headers['authorization'] = `Bearer ${w.partnerKey}`;
    svc(t);
  } else if (auth === 'bearer') headers['authorization'] = `Bearer ${w.partnerKey}`;
  else if (auth === 'operator') headers['authorization'] = `Bearer ${w.sys.operatorToken}`;
  else if (auth === 'session' || auth === 'session-no-csrf') {
    headers['cookie'] = [...w.portal.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (auth === 'session') headers['x-csrf-token'] = w.portal.csrf;
  }
  if (c.idempotencyKey !== undefined) headers['idempotency-key'] = c.idempotencyKey.replace(/[^\x20-\x7e]/g, (ch) => encodeURIComponent(ch));

  const label = `${route.method} ${route.path}`;
  const takesBody = route.method !== 'GET' && route.method !== 'DELETE';
  if (c.body.kind === 'none' || (!takesBody && c.body.kind === 'mutate')) return { label, request: { method: route.method, path, headers } };
  if (c.body.kind === 'form') return { label, request: { method: route.method, path, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from('document=x&issue=true&%ff=%00') } };
  if (c.body.kind === 'cp949') {
    const text = stringify(baseBody(w, route, c.biznoHead)).replace(/퍼즈상사/g, '한빌 퍼즈');
    return { label, request: { method: route.method, path, headers: { ...headers, 'content-type': 'application/json; charset=euc-kr' }, body: iconv.encode(text, 'cp949') } };
  }
  let text: string;
  if (c.body.kind === 'replace') text = REPLACEMENTS[c.body.text % REPLACEMENTS.length]!;
  else {
    let body = baseBody(w, route, c.biznoHead);
    for (const e of c.body.edits) {
      const spots = containers(body);
      const at = spots[e.path % spots.length]!;
      const parent = at.length ? at.slice(0, -1) : at;
      const target = e.extra === undefined ? at : [...parent, e.extra];
      // an extra member only fits an object: elsewhere the edit replaces the member it landed on
      const container = parent.reduce<Json>((n, k) => (n as Record<string | number, Json>)[k]!, body);
      body = setAt(body, container !== null && typeof container === 'object' && !Array.isArray(container) && !(container instanceof RawJson) ? target : at, copyJson(e.value));
    }
    text = stringify(body);
  }
  return { label, request: { method: route.method, path, headers: { ...headers, 'content-type': 'application/json' }, body: Buffer.from(text, 'utf8') } };
}

