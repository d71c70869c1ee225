/**
 * Issue 12, the lost-device path of the member web: an operator clears a member's 보안로그인
 * (`DELETE /v1/operator/members/{memberNo}/second-factor`). The member had it on and a locked code throttle; after
 * the clear, login asks for no code, every old session is gone, the throttle is cleared, the notice mail (Korean then
 * English) is in the catcher and the audit log names the operator and the reason. Refusals (404 / 409 / 400 / 401)
 * change nothing, and another member with 보안로그인 on is left as it was. The console's 회원 조회 over HTTP: operators
 * only, field errors beside their field, CSRF. PGlite and PostgreSQL.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode, totpCode } from '../../src/modules/accounts/totp.ts';
import { secondFactorClearedQueue } from '../../src/modules/member-web/clear-member-second-factor.ts';
import { rest } from '../support/http.ts';
import type { TestSystem } from '../support/test-system.ts';
import { registerMember, startNtsTestSystem, type TestMember } from './nts-support.ts';
import { MemberClient, memberSignedIn } from './member-web-support.ts';
import { operatorClient, request } from './portal-support.ts';

let sys: TestSystem;
before(async () => {
  sys = await startNtsTestSystem();
});
after(async () => {
  await sys?.close();
});

const op = () => ({ authorization: `Bearer ${sys.operatorToken}` });
const clear = (memberNo: number | string, body: unknown, headers: Record<string, string> = op()) =>
  rest(sys.url, 'DELETE', `/v1/operator/members/${memberNo}/second-factor`, body, headers);

/** Sign the member in and turn 보안로그인 on through the settings page; returns that session and the secret. */
async function withSecondFactor(m: TestMember): Promise<{ session: MemberClient; secret: Buffer }> {
  const session = await memberSignedIn(sys.url, m);
  await session.page('/member/settings');
  const start = await session.post('/member/settings/totp/start', {});
  assert.equal(start.status, 200);
  const secret = base32Decode(/id="totp-secret">([A-Z2-7]+)</.exec(start.text)![1]!);
  const on = await session.post('/member/settings/totp/on', { code: totpCode(secret, sys.ctx.clock.now()) });
  assert.equal(on.status, 303);
  return { session, secret };
}

const memberRow = (id: number) => sys.ctx.db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const throttleRow = (id: number) => sys.ctx.db.selectFrom('login_throttle').selectAll().where('scope', '=', 'totp').where('key', '=', `member:${id}`).executeTakeFirst();
const clearedAudits = (id: number) =>
  sys.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'member.second_factor_cleared').where('target_id', '=', id).execute();
const mailJobs = async (id: number) =>
  (await sys.ctx.db.selectFrom('jobs').select('payload').where('queue', '=', secondFactorClearedQueue(sys.ctx)).execute()).filter(
    (j) => (typeof j.payload === 'string' ? JSON.parse(j.payload) : j.payload).memberId === id,
  ).length;

test('the operator clears a lost device: no code asked, old sessions gone, throttle cleared, mail sent, audited; another member untouched', async () => {
  const a = await registerMember(sys);
  const b = await registerMember(sys);
  const { session: aOld } = await withSecondFactor(a);
  const { session: bOld, secret: bSecret } = await withSecondFactor(b);

  // A's second session passes the code step; a third locks the code throttle with wrong codes
  const aSecond = new MemberClient(sys.url, '127.0.0.31');
  assert.equal((await aSecond.login(a)).headers.location, '/member/login/code');
  const aLocked = new MemberClient(sys.url, '127.0.0.32');
  assert.equal((await aLocked.login(a)).headers.location, '/member/login/code');
  await aLocked.page('/member/login/code');
  for (let i = 0; i < 5; i++) await aLocked.post('/member/login/code', { code: '000000' });
  assert.ok((await throttleRow(a.memberId))?.locked_until, 'the wrong codes locked A\'s code throttle');
  assert.equal((await aOld.call('GET', '/member/settings')).status, 200);
  const bBefore = await memberRow(b.memberId);
  const aBefore = await memberRow(a.memberId);
  assert.ok(aBefore.totp_enabled_at && aBefore.totp_secret_sealed);

  const done = await clear(a.memberId, { reason: '휴대폰 분실, 전화로 본인 확인 (lost phone)' });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.equal(done.body.memberNo, a.memberId);
  assert.ok(done.body.sessionsEnded >= 3, `sessions ended: ${done.body.sessionsEnded}`);

  // the member row: TOTP columns null, everything else as it was (but updated_at)
  const aAfter = await memberRow(a.memberId);
  assert.deepEqual([aAfter.totp_secret_sealed, aAfter.totp_pending_sealed, aAfter.totp_enabled_at, aAfter.totp_last_step], [null, null, null, null]);
  const rest_ = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('totp_') && k !== 'updated_at'));
  assert.deepEqual(rest_(aAfter), rest_(aBefore));
  assert.equal(await throttleRow(a.memberId), undefined, 'the code throttle of A is cleared');

  // every old session of A is gone; a new login asks for no code
  for (const s of [aOld, aSecond, aLocked]) assert.equal((await s.call('GET', '/member/settings')).headers.location, '/member');
  const fresh = new MemberClient(sys.url, '127.0.0.33');
  const login = await fresh.login(a);
  assert.equal(login.status, 303);
  assert.equal(login.headers.location, '/member/sales');
  assert.doesNotMatch((await fresh.page('/member/settings')).text, /보안로그인 사용 중/);

  // the mail, Korean first then English
  const mail = await sys.mail.catcher!.waitFor((x) => x.subject.includes('보안로그인 해제') && (x.text ?? '').includes(a.loginId), 15_000);
  const text = mail.text ?? '';
  assert.match(text, /보안로그인\(인증 앱 코드\)이 \d{4}-\d\d-\d\d \d\d:\d\d \(KST\)에 운영자에 의해 해제되었습니다/);
  assert.match(text, /보안로그인을 다시 켜세요/);
  assert.match(text, /\/member\/settings/);
  assert.ok(text.indexOf('운영자에 의해') < text.indexOf('turned off by the operator'), 'Korean before English');

  // the audit log: who, what, why
  const audits = await clearedAudits(a.memberId);
  assert.equal(audits.length, 1);
  assert.deepEqual([audits[0]!.actor_kind, audits[0]!.actor_label, audits[0]!.target_kind], ['operator', 'operator-token', 'member']);
  const details = typeof audits[0]!.details === 'string' ? JSON.parse(audits[0]!.details) : audits[0]!.details;
  assert.equal(details.reason, '휴대폰 분실, 전화로 본인 확인 (lost phone)');
  assert.equal(details.sessionsEnded, done.body.sessionsEnded);

  // B: untouched — still on, its session alive, its login asks for a code that works
  assert.deepEqual(await memberRow(b.memberId), bBefore);
  assert.equal((await bOld.call('GET', '/member/settings')).status, 200);
  const bNew = new MemberClient(sys.url, '127.0.0.34');
  assert.equal((await bNew.login(b)).headers.location, '/member/login/code');
  await bNew.page('/member/login/code');
  const ok = await bNew.post('/member/login/code', { code: totpCode(bSecret, new Date(sys.ctx.clock.now().getTime() + 30_000)) });
  assert.equal(ok.headers.location, '/member/sales');
  assert.equal((await clearedAudits(b.memberId)).length, 0);
});

test('refusals change nothing: 404 unknown member, 409 without 보안로그인, 400 reason missing / NUL / too long, 401 without the token', async () => {
  const on = await registerMember(sys);
  const off = await registerMember(sys);
  const { session } = await withSecondFactor(on);
  // what a clear would change, of these two members (the database may be shared with other test files: no global snapshot)
  const ids = [on.memberId, off.memberId];
  const take = async () => ({
    members: await sys.ctx.db.selectFrom('members').selectAll().where('id', 'in', ids).orderBy('id').execute(),
    sessions: await sys.ctx.db.selectFrom('member_sessions').select(['id', 'member_id', 'mfa_pending', 'expires_at']).where('member_id', 'in', ids).orderBy('id').execute(),
    throttle: await sys.ctx.db.selectFrom('login_throttle').selectAll().where('scope', '=', 'totp').where('key', 'in', ids.map((id) => `member:${id}`)).orderBy('key').execute(),
    audits: await sys.ctx.db.selectFrom('audit_log').select(['id', 'action']).where('target_kind', '=', 'member').where('target_id', 'in', ids).execute(),
  });
  const before = await take();
  assert.equal(before.sessions.length, 1);
  const jobsBefore = [await mailJobs(on.memberId), await mailJobs(off.memberId)];

  const unknown = await clear(2_000_000_000, { reason: '확인' });
  assert.deepEqual([unknown.status, unknown.body.error.code, unknown.body.error.field], [404, 'member_not_found', 'memberNo']);
  const notOn = await clear(off.memberId, { reason: '확인' });
  assert.deepEqual([notOn.status, notOn.body.error.code, notOn.body.error.field], [409, 'second_factor_off', 'memberNo']);
  const missing = await clear(on.memberId, {});
  assert.deepEqual([missing.status, missing.body.error.field], [400, 'reason']);
  const empty = await clear(on.memberId, { reason: '   ' });
  assert.deepEqual([empty.status, empty.body.error.field], [400, 'reason']);
  const nul = await clear(on.memberId, { reason: 'lost\u0000phone' });
  assert.deepEqual([nul.status, nul.body.error.field], [400, 'reason']);
  const newline = await clear(on.memberId, { reason: 'lost\nphone' });
  assert.deepEqual([newline.status, newline.body.error.field], [400, 'reason']);
  const long = await clear(on.memberId, { reason: '가'.repeat(201) });
  assert.deepEqual([long.status, long.body.error.field], [400, 'reason']);
  const badNo = await clear('abc', { reason: '확인' });
  assert.equal(badNo.status, 400);
  const noToken = await clear(on.memberId, { reason: '확인' }, {});
  assert.equal(noToken.status, 401);
  const wrongToken = await clear(on.memberId, { reason: '확인' }, { authorization: 'Bearer not-the-token' });
  assert.equal(wrongToken.status, 401);

  assert.deepEqual(await take(), before, 'no refused call changed a row');
  assert.deepEqual([await mailJobs(on.memberId), await mailJobs(off.memberId)], jobsBefore, 'no mail queued');
  assert.equal((await clearedAudits(on.memberId)).length + (await clearedAudits(off.memberId)).length, 0);
  assert.equal((await session.call('GET', '/member/settings')).status, 200, 'the session lives on');
  assert.equal((await new MemberClient(sys.url, '127.0.0.41').login(on)).headers.location, '/member/login/code');

  // 200 chars is fine; clearing twice: the second is a 409 and queues no second mail
  assert.equal((await clear(on.memberId, { reason: '가'.repeat(200) })).status, 200);
  const twice = await clear(on.memberId, { reason: '다시' });
  assert.deepEqual([twice.status, twice.body.error.field], [409, 'memberNo']);
  assert.equal(await mailJobs(on.memberId), jobsBefore[0]! + 1);
  assert.equal((await clearedAudits(on.memberId)).length, 1);
});

test('console 회원 조회: operators only; a wrong search or reason is a 400 beside its field; CSRF required; the clear comes back to the search', async () => {
  const m = await registerMember(sys);
  await withSecondFactor(m);
  const op = await operatorClient(sys);
  const anon = await request(sys.url, 'GET', `/console/members?bizno=${m.bizno}`);
  assert.deepEqual([anon.status, anon.headers.location], [303, '/console/login']);
  const member = await memberSignedIn(sys.url, m);
  assert.equal((await member.call('GET', '/console/members')).headers.location, '/console/login');

  const badBizno = await op.call('GET', '/console/members?bizno=1234567890');
  assert.equal(badBizno.status, 400);
  assert.match(badBizno.text, /id="cm-bizno-error"[^>]*>사업자등록번호 검증번호가 맞지 않습니다/);
  const badId = await op.call('GET', '/console/members?loginId=' + encodeURIComponent('a b'));
  assert.equal(badId.status, 400);
  assert.match(badId.text, /id="cm-loginId-error"/);
  const found = await op.call('GET', `/console/members?bizno=${m.bizno}`);
  assert.equal(found.status, 200);
  assert.match(found.text, new RegExp(`data-member-no="${m.memberId}"[\\s\\S]*data-second-factor="on"`));
  assert.match(found.text, /<a href="\/console\/members" aria-current="page">회원 조회<\/a>/);

  const action = `/console/members/${m.memberId}/second-factor/clear`;
  const noCsrf = await op.call('POST', action, { form: { memberNo: String(m.memberId), bizno: m.bizno, reason: '분실' }, noCsrf: true });
  assert.equal(noCsrf.status, 403);
  const noReason = await op.call('POST', action, { form: { memberNo: String(m.memberId), bizno: m.bizno, reason: ' ' } });
  assert.equal(noReason.status, 400);
  assert.match(noReason.text, new RegExp(`id="cm-reason-${m.memberId}-error"`));
  assert.match(noReason.text, new RegExp(`data-member-no="${m.memberId}"`), 'the search shown again');
  const nul = await op.call('POST', action, { form: { memberNo: String(m.memberId), bizno: m.bizno, reason: 'a\u0001b' } });
  assert.equal(nul.status, 400);
  assert.match(nul.text, /제어 문자/);
  assert.ok((await memberRow(m.memberId)).totp_enabled_at, 'refused posts change nothing');
  assert.equal((await clearedAudits(m.memberId)).length, 0);

  const ok = await op.call('POST', action, { form: { memberNo: String(m.memberId), bizno: m.bizno, reason: '분실 (본인 확인)' } });
  assert.deepEqual([ok.status, ok.headers.location], [303, `/console/members?bizno=${m.bizno}&done=second_factor_cleared`]);
  assert.equal((await memberRow(m.memberId)).totp_enabled_at, null);
  const [entry] = await clearedAudits(m.memberId);
  assert.equal(entry?.actor_kind, 'operator');
  assert.notEqual(entry?.actor_label, 'operator-token', 'a console operator is named');
  const again = await op.call('POST', action, { form: { memberNo: String(m.memberId), bizno: m.bizno, reason: '다시' } });
  assert.equal(again.status, 409);
  assert.match((await op.call('GET', `/console/members?bizno=${m.bizno}&lang=en`)).text, /data-second-factor="off">off</);
});
