/**
 * Member web login (issue 12 item 1): business number + ID + password, the throttle, 보안로그인 (TOTP), the choice of
 * subscription, logout, password change and reset by mail (read from the mail catcher). PGlite and PostgreSQL.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { totpCode, base32Decode } from '../../src/modules/accounts/totp.ts';
import { legacyPost } from '../support/http.ts';
import type { TestSystem } from '../support/test-system.ts';
import { registerMember, startNtsTestSystem } from './nts-support.ts';
import { MemberClient, memberSignedIn } from './member-web-support.ts';

let sys: TestSystem;
before(async () => {
  sys = await startNtsTestSystem();
});
after(async () => {
  await sys?.close();
});

test('login: wrong password answered alike and throttled; the right one opens the 매출 문서함 with an HttpOnly cookie', async () => {
  const m = await registerMember(sys);
  const c = new MemberClient(sys.url, '127.0.0.11');
  const page = await c.page('/member');
  assert.equal(page.status, 200);
  assert.match(page.text, /회원 로그인/);
  assert.match((await c.page('/member?lang=en')).text, /Member login/);
  assert.match((await c.page('/member?lang=ko')).text, /회원 로그인/);
  const wrong = await c.login(m, 'wrong-password');
  assert.equal(wrong.status, 401);
  assert.match(wrong.text, /id="password-error"/);
  assert.match(wrong.text, /사업자번호, 아이디 또는 비밀번호가 일치하지 않습니다/);
  const unknownId = await c.login({ ...m, loginId: 'nobody1234' }, 'wrong-password');
  assert.equal(unknownId.status, 401);
  assert.equal(c.cookies.has('hb_member'), false);
  const ok = await c.login(m);
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.location, '/member/sales');
  const cookie = (ok.headers['set-cookie'] ?? []).find((x) => x.startsWith('hb_member='))!;
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
  assert.match(cookie, /Path=\/member/);
  const settings = await c.page('/member/settings');
  assert.equal(settings.status, 200);
  assert.match(settings.text, new RegExp(m.loginId));

  // five failures lock the (business number, ID) pair, even against the right password
  const d = new MemberClient(sys.url, '127.0.0.12');
  for (let i = 0; i < 5; i++) assert.equal((await d.login(m, `bad-${i}`)).status, 401);
  const locked = await d.login(m);
  assert.equal(locked.status, 429);
  assert.match(locked.text, /로그인 실패가 너무 많아/);
});

test('a page without a session goes to the login; a POST without the CSRF token is refused and changes nothing', async () => {
  const m = await registerMember(sys);
  const anon = new MemberClient(sys.url);
  const r = await anon.call('GET', '/member/settings');
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/member');
  const c = await memberSignedIn(sys.url, m);
  const noCsrf = await c.post('/member/settings/password', { currentPassword: m.password, newPassword: 'Another123!x', newPasswordConfirm: 'Another123!x' }, { csrf: false });
  assert.equal(noCsrf.status, 403);
  const cross = await c.call('POST', '/member/settings/password', { form: { _csrf: c.csrf, currentPassword: m.password, newPassword: 'Another123!x' }, headers: { origin: 'https://evil.example' }, noCsrf: true });
  assert.equal(cross.status, 403);
  // the old password still works
  assert.equal((await new MemberClient(sys.url).login(m)).status, 303);
});

test('a member with two subscriptions picks one; another member\'s subscription is refused; logout ends the session', async () => {
  const m = await registerMember(sys);
  const second = await legacyPost(sys.url, '_service.aspx', { cmd: 'SINCHSERVICE', bizno: m.bizno, id: m.loginId, pwd: m.password, pack_code: 1, svcunit_code: 1, amount: 0, vat: 0, total_amount: 0 });
  assert.equal(second.code, '0000');
  const other = await registerMember(sys);
  const c = new MemberClient(sys.url);
  const r = await c.login(m);
  assert.equal(r.headers.location, '/member/subscriptions');
  assert.equal((await c.call('GET', '/member/sales')).headers.location, '/member/subscriptions');
  const list = await c.page('/member/subscriptions');
  assert.match(list.text, new RegExp(`value="${m.subscriptionId}"`));
  assert.match(list.text, new RegExp(`value="${second['sinchno']}"`));
  const foreign = await c.post('/member/subscriptions', { subscriptionId: String(other.subscriptionId) });
  assert.equal(foreign.status, 404);
  const bad = await c.post('/member/subscriptions', { subscriptionId: 'x' });
  assert.equal(bad.status, 400);
  const chosen = await c.post('/member/subscriptions', { subscriptionId: String(second['sinchno']) });
  assert.equal(chosen.status, 303);
  const settings = await c.page('/member/settings');
  assert.match(settings.text, new RegExp(`서비스 ${second['sinchno']}`));
  // the chosen subscription suspended meanwhile: the pages send the member to choose again
  await sys.ctx.db.updateTable('subscriptions').set({ state: 'suspended' }).where('id', '=', Number(second['sinchno'])).execute();
  assert.equal((await c.call('GET', '/member/sales')).headers.location, '/member/subscriptions');
  assert.doesNotMatch((await c.page('/member/subscriptions')).text, new RegExp(`name="subscriptionId" value="${second['sinchno']}"`));
  assert.equal((await c.post('/member/subscriptions', { subscriptionId: String(second['sinchno']) })).status, 403);
  assert.equal((await c.post('/member/subscriptions', { subscriptionId: String(m.subscriptionId) })).status, 303);
  assert.equal((await c.call('GET', '/member/sales')).status, 200);
  const out = await c.post('/member/logout', {});
  assert.equal(out.status, 303);
  assert.equal((await c.call('GET', '/member/settings')).headers.location, '/member');
});

test('보안로그인: turned on with a code; then login asks for one; a wrong code is refused, a right one signs in', async () => {
  const m = await registerMember(sys);
  const c = await memberSignedIn(sys.url, m);
  await c.page('/member/settings');
  const start = await c.post('/member/settings/totp/start', {});
  assert.equal(start.status, 200);
  const secret = base32Decode(/id="totp-secret">([A-Z2-7]+)</.exec(start.text)![1]!);
  const wrongOn = await c.post('/member/settings/totp/on', { code: '000000' });
  assert.equal(wrongOn.status, 400);
  assert.match(wrongOn.text, /id="code-error"/);
  const on = await c.post('/member/settings/totp/on', { code: totpCode(secret, sys.ctx.clock.now()) });
  assert.equal(on.status, 303);
  const d = new MemberClient(sys.url, '127.0.0.21');
  const pw = await d.login(m);
  assert.equal(pw.headers.location, '/member/login/code');
  // pending: no page yet
  assert.equal((await d.call('GET', '/member/settings')).headers.location, '/member');
  await d.page('/member/login/code');
  const wrong = await d.post('/member/login/code', { code: '123456' });
  assert.equal(wrong.status, 400);
  const ok = await d.post('/member/login/code', { code: totpCode(secret, new Date(sys.ctx.clock.now().getTime() + 30_000)) });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.location, '/member/sales');
  assert.match((await d.page('/member/settings')).text, /보안로그인 사용 중/);
});

test('password change needs the current password and ends the other sessions; reset by mail works once', async () => {
  const m = await registerMember(sys);
  const a = await memberSignedIn(sys.url, m);
  const b = await memberSignedIn(sys.url, m);
  await a.page('/member/settings');
  const wrong = await a.post('/member/settings/password', { currentPassword: 'not-it-123', newPassword: 'NewPass123!', newPasswordConfirm: 'NewPass123!' });
  assert.equal(wrong.status, 400);
  assert.match(wrong.text, /id="currentPassword-error"/);
  const short = await a.post('/member/settings/password', { currentPassword: m.password, newPassword: 'short', newPasswordConfirm: 'short' });
  assert.equal(short.status, 400);
  assert.match(short.text, /id="newPassword-error"/);
  const ok = await a.post('/member/settings/password', { currentPassword: m.password, newPassword: 'NewPass123!', newPasswordConfirm: 'NewPass123!' });
  assert.equal(ok.status, 303);
  assert.equal((await a.call('GET', '/member/settings')).status, 200);
  assert.equal((await b.call('GET', '/member/settings')).headers.location, '/member');
  assert.equal((await new MemberClient(sys.url).login(m)).status, 401);
  assert.equal((await new MemberClient(sys.url).login(m, 'NewPass123!')).status, 303);

  // reset: the same answer for an unknown ID; a mail with a one-time link for the real one
  const f = new MemberClient(sys.url);
  const unknown = await f.post('/member/forgot', { bizno: m.bizno, loginId: 'nobody999' }, { csrf: false });
  assert.equal(unknown.status, 200);
  const asked = await f.post('/member/forgot', { bizno: m.bizno, loginId: m.loginId }, { csrf: false });
  assert.equal(asked.status, 200);
  assert.equal(asked.text.replace(/nobody999/g, ''), unknown.text.replace(/nobody999/g, ''));
  const mail = await sys.mail.catcher!.waitFor((x) => x.subject.includes('비밀번호 재설정') && (x.text ?? '').includes(m.loginId), 15_000);
  const token = /\/member\/reset\?token=([A-Za-z0-9_-]+)/.exec(mail.text ?? '')![1]!;
  const bad = await f.post('/member/reset', { token: 'x'.repeat(43), newPassword: 'Reset123!pw', newPasswordConfirm: 'Reset123!pw' }, { csrf: false });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /재설정 링크가 틀렸거나/);
  assert.equal((await f.page(`/member/reset?token=${token}`)).status, 200);
  const done = await f.post('/member/reset', { token, newPassword: 'Reset123!pw', newPasswordConfirm: 'Reset123!pw' }, { csrf: false });
  assert.equal(done.status, 303);
  assert.equal((await a.call('GET', '/member/settings')).headers.location, '/member'); // every session ended
  const again = await f.post('/member/reset', { token, newPassword: 'Other123!pw', newPasswordConfirm: 'Other123!pw' }, { csrf: false });
  assert.equal(again.status, 400);
  assert.equal((await new MemberClient(sys.url).login(m, 'Reset123!pw')).status, 303);
});
