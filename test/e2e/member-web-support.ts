/** Helpers of the member web tests: a browser-like client of /member (cookies, the page's CSRF token), login. */
import { Client, type Answer } from './portal-support.ts';
import type { TestMember } from './nts-support.ts';

export class MemberClient extends Client {
  /** GET a page and keep its CSRF token (the `_csrf` field of its forms). */
  async page(path: string): Promise<Answer> {
    const r = await this.call('GET', path);
    const m = /name="_csrf" value="([^"]+)"/.exec(r.text);
    if (m) this.csrf = m[1]!;
    return r;
  }

  /** POST a form with the page's CSRF token as the `_csrf` field (as a browser does), not as a header. */
  async post(path: string, form: Record<string, string | string[]>, o: { csrf?: boolean } = {}): Promise<Answer> {
    const r = await this.call('POST', path, { form: o.csrf === false ? form : { _csrf: this.csrf, ...form }, noCsrf: true });
    const m = /name="_csrf" value="([^"]+)"/.exec(r.text);
    if (m) this.csrf = m[1]!;
    return r;
  }

  async login(m: Pick<TestMember, 'bizno' | 'loginId' | 'password'>, password = m.password): Promise<Answer> {
    return this.post('/member/login', { bizno: m.bizno, loginId: m.loginId, password }, { csrf: false });
  }
}

/** Log a member in and open its 매출 문서함 (its CSRF token kept). */
export async function memberSignedIn(url: string, m: TestMember, localAddress?: string): Promise<MemberClient> {
  const c = new MemberClient(url, localAddress);
  const r = await c.login(m);
  if (r.status !== 303) throw new Error(`member login: ${r.status} ${r.text.slice(0, 300)}`);
  await c.page(String(r.headers.location));
  return c;
}
