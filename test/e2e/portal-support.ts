/**
 * Helpers of the portal tests: an HTTP client with a cookie jar, the session's CSRF token and a chosen
 * local (source) address — the whole 127.0.0.0/8 range is local, so binding the client socket to
 * 127.0.0.2 makes the server see a different caller IP.
 */
import http from 'node:http';
import { createOperator } from '../../src/modules/accounts/create-operator.ts';
import { SYSTEM_ACTOR } from '../../src/modules/access/audit-log.ts';
import { freshBizno, freshLoginId, type TestSystem } from '../support/test-system.ts';

export interface Answer {
  status: number;
  body: any;
  text: string;
  headers: http.IncomingHttpHeaders;
}

export function request(
  base: string,
  method: string,
  path: string,
  o: { json?: unknown; form?: Record<string, string | string[]>; headers?: Record<string, string>; localAddress?: string } = {},
): Promise<Answer> {
  const url = new URL(path, base);
  let payload: Buffer | undefined;
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.json !== undefined) {
    payload = Buffer.from(JSON.stringify(o.json));
    headers['content-type'] = 'application/json';
  } else if (o.form) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(o.form)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
    payload = Buffer.from(p.toString());
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  if (payload) headers['content-length'] = String(payload.length);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, ...(o.localAddress ? { localAddress: o.localAddress } : {}), agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          if ((res.headers['content-type'] ?? '').includes('json') && text) body = JSON.parse(text);
          resolve({ status: res.statusCode ?? 0, body, text, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** A browser-like client: keeps cookies, sends the CSRF token it was given. */
export class Client {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(readonly base: string, readonly localAddress?: string) {}

  async call(method: string, path: string, o: { json?: unknown; form?: Record<string, string | string[]>; headers?: Record<string, string>; noCsrf?: boolean } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (this.cookies.size) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.csrf && !o.noCsrf && method !== 'GET') headers['x-csrf-token'] ??= this.csrf;
    const r = await request(this.base, method, path, { ...o, headers, ...(this.localAddress ? { localAddress: this.localAddress } : {}) });
    for (const c of r.headers['set-cookie'] ?? []) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const k = pair!.slice(0, i);
      const v = pair!.slice(i + 1);
      if (/Max-Age=0/i.test(c) || v === '') this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
    if (r.body && typeof r.body === 'object' && typeof r.body.csrfToken === 'string') this.csrf = r.body.csrfToken;
    return r;
  }
}

export const PASSWORD = 'Passw0rd!portal';

export async function signUpAndLogin(sys: TestSystem, localAddress?: string): Promise<{ client: Client; loginId: string }> {
  const client = new Client(sys.url, localAddress);
  const loginId = freshLoginId('p');
  const s = await client.call('POST', '/v1/portal/signup', { json: { loginId, password: PASSWORD, name: '김포털', email: `${loginId}@example.kr` } });
  if (s.status !== 201) throw new Error(`signup: ${s.status} ${s.text}`);
  const l = await client.call('POST', '/v1/portal/session', { json: { loginId, password: PASSWORD } });
  if (l.status !== 200) throw new Error(`login: ${l.status} ${l.text}`);
  return { client, loginId };
}

/** An operator of its own (tests never share the bootstrap admin) with a logged-in console session. */
export async function operatorClient(sys: TestSystem): Promise<Client> {
  const loginId = freshLoginId('op');
  await createOperator(sys.ctx, SYSTEM_ACTOR, { loginId, password: PASSWORD, name: '운영자' });
  const op = new Client(sys.url);
  const r = await op.call('POST', '/v1/operator/session', { json: { loginId, password: PASSWORD } });
  if (r.status !== 200) throw new Error(`operator login: ${r.status} ${r.text}`);
  return op;
}

export async function makeCompany(sys: TestSystem, op: Client, localAddress?: string) {
  const u = await signUpAndLogin(sys, localAddress);
  const bizno = freshBizno();
  const conv = await u.client.call('POST', '/v1/portal/company-conversion', { json: { bizno, comName: '파트너상사', ceoName: '최대표' } });
  if (conv.status !== 201) throw new Error(`conversion: ${conv.status} ${conv.text}`);
  const ok = await op.call('POST', `/v1/operator/company-conversions/${conv.body.id}/approve`);
  if (ok.status !== 200) throw new Error(`approve conversion: ${ok.status} ${ok.text}`);
  return { ...u, bizno };
}

export async function makePartner(sys: TestSystem, op: Client, localAddress?: string) {
  const c = await makeCompany(sys, op, localAddress);
  const app = await c.client.call('POST', '/v1/portal/api-application', { json: { note: 'ERP 연동' } });
  if (app.status !== 201) throw new Error(`apply: ${app.status} ${app.text}`);
  const ok = await op.call('POST', `/v1/operator/api-applications/${app.body.id}/approve`);
  if (ok.status !== 200) throw new Error(`approve application: ${ok.status} ${ok.text}`);
  return { ...c, partnerId: ok.body.partnerId as number };
}

/** A member registration through the legacy API (optionally with a partner key and from a chosen IP). */
export async function legacyInsertMember(base: string, o: { key?: string; localAddress?: string; bizno?: string; loginId?: string } = {}) {
  const loginId = o.loginId ?? freshLoginId('m');
  const bizno = o.bizno ?? freshBizno();
  const r = await request(base, 'POST', '/_member.aspx', {
    form: { cmd: 'INSERT', fmt: 'json', bizno, com_name: '고객상사', ceo_name: '홍길동', id: loginId, pwd: 'Secret123', user_name: '김담당', email: 'tax@example.kr' },
    headers: o.key ? { authorization: `Bearer ${o.key}` } : {},
    ...(o.localAddress ? { localAddress: o.localAddress } : {}),
  });
  const body = typeof r.body === 'string' ? JSON.parse(r.body) : r.body;
  const result = (body.result ?? body) as { code: string; msg: string; member_no?: string | number };
  return { ...result, bizno, loginId };
}
