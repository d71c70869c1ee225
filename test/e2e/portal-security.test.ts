// Portal security over HTTP: cookie attributes, session fixation, CSRF, login throttling, TOTP enrolment
// and login with a code (replay refused, recovery codes once), password change ends other sessions,
// withdrawal, key enumeration and cross-partner access attempts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { ManualClock } from '../../src/platform/clock.ts';
import { base32Decode, totpCode } from '../../src/modules/accounts/totp.ts';
import { authenticateSubscription } from '../../src/modules/subscriptions/authenticate-subscription.ts';
import { withoutRequestId } from '../support/http.ts';
import { usePrivateDatabase, type PrivateDatabase } from '../support/private-database.ts';
import { freshLoginId, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { Client, legacyInsertMember, makePartner, operatorClient, PASSWORD, request, signUpAndLogin } from './portal-support.ts';

let sys: TestSystem;
let op: Client;
let priv: PrivateDatabase;
const clock = new ManualClock(new Date('2026-05-04T03:00:00Z'));
before(async () => {
  // login throttling is keyed by fixed local addresses at a fixed clock: on a shared PostgreSQL database a second run
  // of this file would find the first run's counts, so it has a database of its own
  priv = await usePrivateDatabase('portal_security');
  sys = await startTestSystem({}, { clock });
  op = await operatorClient(sys);
});
after(async () => {
  await sys.close();
  await priv.drop();
});

describe('sessions', () => {
  test('cookie is HttpOnly, SameSite=Lax, Path=/; no Secure on plain http', async () => {
    const { loginId } = await signUpAndLogin(sys);
    const r = await request(sys.url, 'POST', '/v1/portal/session', { json: { loginId, password: PASSWORD } });
    const c = (r.headers['set-cookie'] ?? []).find((x) => x.startsWith('hb_session='))!;
    assert.ok(c, 'session cookie set');
    assert.match(c, /HttpOnly/);
    assert.match(c, /SameSite=Lax/);
    assert.match(c, /Path=\//);
    assert.doesNotMatch(c, /Secure/);
    const https = await startTestSystem({ HANBILL_PUBLIC_URL: 'https://portal.example.kr' });
    try {
      const u = await signUpAndLogin(https);
      const r2 = await request(https.url, 'POST', '/v1/portal/session', { json: { loginId: u.loginId, password: PASSWORD } });
      assert.match((r2.headers['set-cookie'] ?? []).join(';'), /Secure/);
    } finally {
      await https.close();
    }
  });

  test('session fixation: a session id planted before login is not the one after, and grants nothing', async () => {
    const { loginId } = await signUpAndLogin(sys);
    const victim = new Client(sys.url);
    const planted = crypto.randomBytes(32).toString('base64url');
    victim.cookies.set('hb_session', planted);
    const l = await victim.call('POST', '/v1/portal/session', { json: { loginId, password: PASSWORD } });
    assert.equal(l.status, 200);
    assert.notEqual(victim.cookies.get('hb_session'), planted);
    const attacker = new Client(sys.url);
    attacker.cookies.set('hb_session', planted);
    assert.equal((await attacker.call('GET', '/v1/portal/me')).status, 401);
    // an attacker's own valid session planted in the victim's browser is replaced too
    const a = await signUpAndLogin(sys);
    const attackerToken = a.client.cookies.get('hb_session')!;
    const v2 = new Client(sys.url);
    v2.cookies.set('hb_session', attackerToken);
    await v2.call('POST', '/v1/portal/session', { json: { loginId, password: PASSWORD } });
    assert.notEqual(v2.cookies.get('hb_session'), attackerToken);
    assert.equal((await a.client.call('GET', '/v1/portal/me')).status, 401, 'the planted session ended at login');
    assert.equal((await v2.call('GET', '/v1/portal/me')).body.loginId, loginId);
  });

  test('logout ends the session', async () => {
    const { client } = await signUpAndLogin(sys);
    const token = client.cookies.get('hb_session')!;
    assert.equal((await client.call('DELETE', '/v1/portal/session')).status, 200);
    const again = new Client(sys.url);
    again.cookies.set('hb_session', token);
    assert.equal((await again.call('GET', '/v1/portal/me')).status, 401);
  });
});

describe('CSRF', () => {
  test('state changes need the session’s token; a cross-site Origin is refused; nothing changes', async () => {
    const { client } = await signUpAndLogin(sys);
    const change = { name: '바뀐이름', email: 'x@example.kr' };
    const none = await client.call('PATCH', '/v1/portal/me', { json: change, noCsrf: true });
    assert.equal(none.status, 403);
    assert.equal(none.body.error.code, 'csrf_invalid');
    const wrong = await client.call('PATCH', '/v1/portal/me', { json: change, headers: { 'x-csrf-token': 'A'.repeat(43) } });
    assert.equal(wrong.status, 403);
    const other = await signUpAndLogin(sys);
    const foreign = await client.call('PATCH', '/v1/portal/me', { json: change, headers: { 'x-csrf-token': other.client.csrf } });
    assert.equal(foreign.status, 403, 'another session’s token does not fit');
    const cross = await client.call('PATCH', '/v1/portal/me', { json: change, headers: { origin: 'https://evil.example' } });
    assert.equal(cross.status, 403);
    const form = await client.call('POST', '/portal/mypage/profile', { form: { name: '바뀐이름', email: 'x@example.kr' }, noCsrf: true });
    assert.equal(form.status, 403, 'a page form without _csrf is refused');
    assert.equal((await client.call('GET', '/v1/portal/me')).body.name, '김포털', 'nothing changed');
    const ok = await client.call('PATCH', '/v1/portal/me', { json: change });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.name, '바뀐이름');
    const formOk = await client.call('POST', '/portal/mypage/profile', { form: { name: '폼이름', email: 'y@example.kr', _csrf: client.csrf }, noCsrf: true });
    assert.equal(formOk.status, 303);
  });

  test('login from another site is refused (login CSRF)', async () => {
    const { loginId } = await signUpAndLogin(sys);
    const r = await request(sys.url, 'POST', '/v1/portal/session', { json: { loginId, password: PASSWORD }, headers: { origin: 'https://evil.example' } });
    assert.equal(r.status, 403);
  });
});

describe('login throttling', () => {
  test('5 failures lock the account for 15 minutes, even against the right password; logged', async () => {
    const { loginId } = await signUpAndLogin(sys);
    for (let i = 0; i < 5; i++) {
      const r = await request(sys.url, 'POST', '/v1/portal/session', { json: { loginId, password: 'Wrong1234!' }, localAddress: '127.0.0.3' });
      assert.equal(r.status, 401);
    }
    const locked = await request(sys.url, 'POST', '/v1/portal/session', { json: { loginId, password: PASSWORD }, localAddress: '127.0.0.3' });
    assert.equal(locked.status, 429);
    assert.equal(locked.body.error.code, 'rate_limited');
    clock.advance(15 * 60_000 + 1000);
    const ok = await request(sys.url, 'POST', '/v1/portal/session', { json: { loginId, password: PASSWORD }, localAddress: '127.0.0.3' });
    assert.equal(ok.status, 200);
    const audit = await op.call('GET', '/v1/operator/audit-log?action=user.login_failed&limit=500');
    assert.ok(audit.body.data.filter((e: { actorLabel: string }) => e.actorLabel === loginId).length >= 5);
  });

  test('20 failures from one IP lock that IP whatever the account; unknown IDs answer like wrong passwords', async () => {
    const ip = '127.0.0.4';
    const unknown = await request(sys.url, 'POST', '/v1/portal/session', { json: { loginId: freshLoginId('nobody'), password: 'Wrong1234!' }, localAddress: ip });
    assert.equal(unknown.status, 401);
    const known = await signUpAndLogin(sys);
    const wrong = await request(sys.url, 'POST', '/v1/portal/session', { json: { loginId: known.loginId, password: 'Wrong1234!' }, localAddress: ip });
    assert.notEqual(unknown.body.error.requestId, wrong.body.error.requestId);
    assert.deepEqual(withoutRequestId(unknown.body), withoutRequestId(wrong.body), 'no user enumeration');
    for (let i = 0; i < 18; i++) await request(sys.url, 'POST', '/v1/portal/session', { json: { loginId: freshLoginId('x'), password: 'Wrong1234!' }, localAddress: ip });
    const { loginId } = await signUpAndLogin(sys);
    const locked = await request(sys.url, 'POST', '/v1/portal/session', { json: { loginId, password: PASSWORD }, localAddress: ip });
    assert.equal(locked.status, 429);
    const elsewhere = await request(sys.url, 'POST', '/v1/portal/session', { json: { loginId, password: PASSWORD }, localAddress: '127.0.0.5' });
    assert.equal(elsewhere.status, 200);
  });
});

describe('보안로그인 (TOTP)', () => {
  test('enrol with the QR secret, log in with a code; a code works once; recovery codes work once', async () => {
    const { client, loginId } = await signUpAndLogin(sys);
    const start = await client.call('POST', '/v1/portal/me/totp');
    assert.equal(start.status, 200);
    assert.match(start.body.qrSvg, /^<svg/);
    assert.match(start.body.otpauthUrl, /^otpauth:\/\/totp\/Hanbill:/);
    const secret = base32Decode(start.body.secret);
    const stored = await sys.database.pool.query('SELECT totp_pending_sealed FROM portal_users WHERE login_id = $1', [loginId]);
    assert.ok(!Buffer.from(stored.rows[0].totp_pending_sealed).includes(secret), 'the secret is sealed at rest');
    assert.equal((await client.call('POST', '/v1/portal/me/totp/confirm', { json: { code: '000000' === totpCode(secret, clock.now()) ? '111111' : '000000' } })).status, 400);
    const on = await client.call('POST', '/v1/portal/me/totp/confirm', { json: { code: totpCode(secret, clock.now()) } });
    assert.equal(on.status, 200, on.text);
    assert.equal(on.body.recoveryCodes.length, 10);
    assert.equal((await client.call('GET', '/v1/portal/me')).body.totpEnabled, true);

    clock.advance(30_000);
    const b = new Client(sys.url);
    const step1 = await b.call('POST', '/v1/portal/session', { json: { loginId, password: PASSWORD } });
    assert.equal(step1.body.mfaRequired, true);
    assert.equal((await b.call('GET', '/v1/portal/me')).status, 401, 'the password alone gives no access');
    const pendingToken = b.cookies.get('hb_session');
    const bad = await b.call('POST', '/v1/portal/session/code', { json: { code: '12345x' } });
    assert.equal(bad.status, 401);
    const code = totpCode(secret, clock.now());
    const step2 = await b.call('POST', '/v1/portal/session/code', { json: { code } });
    assert.equal(step2.status, 200, step2.text);
    assert.notEqual(b.cookies.get('hb_session'), pendingToken, 'a new session after the second step');
    assert.equal((await b.call('GET', '/v1/portal/me')).body.loginId, loginId);

    const c = new Client(sys.url);
    await c.call('POST', '/v1/portal/session', { json: { loginId, password: PASSWORD } });
    assert.equal((await c.call('POST', '/v1/portal/session/code', { json: { code } })).status, 401, 'a used code is refused (replay)');
    const rc = on.body.recoveryCodes[0];
    assert.equal((await c.call('POST', '/v1/portal/session/code', { json: { code: rc } })).status, 200);
    const d = new Client(sys.url);
    await d.call('POST', '/v1/portal/session', { json: { loginId, password: PASSWORD } });
    assert.equal((await d.call('POST', '/v1/portal/session/code', { json: { code: rc } })).status, 401, 'a recovery code works once');

    clock.advance(30_000);
    const off = await client.call('POST', '/v1/portal/me/totp/disable', { json: { password: PASSWORD, code: totpCode(secret, clock.now()) } });
    assert.equal(off.status, 200, off.text);
    const e = new Client(sys.url);
    assert.equal((await e.call('POST', '/v1/portal/session', { json: { loginId, password: PASSWORD } })).body.mfaRequired, false);
  });
});

describe('account changes', () => {
  test('password change needs the old password and ends the other sessions; withdrawal needs the password', async () => {
    const { client, loginId } = await signUpAndLogin(sys);
    const other = new Client(sys.url);
    await other.call('POST', '/v1/portal/session', { json: { loginId, password: PASSWORD } });
    const wrong = await client.call('POST', '/v1/portal/me/password', { json: { currentPassword: 'Nope12345', newPassword: 'NewPassw0rd!' } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.field, 'currentPassword');
    const ok = await client.call('POST', '/v1/portal/me/password', { json: { currentPassword: PASSWORD, newPassword: 'NewPassw0rd!' } });
    assert.equal(ok.status, 200);
    assert.equal((await other.call('GET', '/v1/portal/me')).status, 401);
    assert.equal((await client.call('GET', '/v1/portal/me')).status, 200);
    assert.equal((await client.call('POST', '/v1/portal/me/withdraw', { json: { password: PASSWORD } })).status, 401);
    assert.equal((await client.call('POST', '/v1/portal/me/withdraw', { json: { password: 'NewPassw0rd!' } })).status, 200);
    assert.equal((await request(sys.url, 'POST', '/v1/portal/session', { json: { loginId, password: 'NewPassw0rd!' } })).status, 401);
    const reuse = await request(sys.url, 'POST', '/v1/portal/signup', { json: { loginId, password: PASSWORD, name: 'x', email: 'x@example.kr' } });
    assert.equal(reuse.status, 409, 'a withdrawn ID is not given out again');
  });
});

describe('key enumeration and cross-partner access', () => {
  test('guessed, truncated or foreign keys get one answer; another partner’s key IDs are not found', async () => {
    const a = await makePartner(sys, op);
    const b = await makePartner(sys, op);
    const ka = await a.client.call('POST', '/v1/portal/api-keys', { json: { ips: ['127.0.0.1'] } });
    const kb = await b.client.call('POST', '/v1/portal/api-keys', { json: { ips: ['127.0.0.1'] } });
    const answers = new Set<string>();
    for (const guess of [`hbk_${'A'.repeat(40)}`, ka.body.accessKey.slice(0, -1), ka.body.key.prefix, 'x', ka.body.accessKey + 'x']) {
      const r = await request(sys.url, 'GET', '/v1/partner/me', { headers: { authorization: `Bearer ${guess}` } });
      assert.equal(r.status, 401);
      answers.add(JSON.stringify(withoutRequestId(r.body)));
    }
    assert.equal(answers.size, 1, 'every wrong key gets the same answer');
    const none = await request(sys.url, 'GET', '/v1/partner/me');
    assert.equal(none.status, 401);

    const idA = ka.body.key.id;
    for (const [method, path, json] of [
      ['GET', `/v1/portal/api-keys/${idA}`, undefined],
      ['PATCH', `/v1/portal/api-keys/${idA}`, { enabled: false }],
      ['PUT', `/v1/portal/api-keys/${idA}/ips`, { ips: ['10.9.9.9'] }],
      ['POST', `/v1/portal/api-keys/${idA}/reissue`, undefined],
      ['DELETE', `/v1/portal/api-keys/${idA}`, undefined],
    ] as const) {
      const r = await b.client.call(method, path, json === undefined ? {} : { json });
      assert.equal(r.status, 404, `${method} ${path}`);
    }
    const pageTry = await b.client.call('POST', `/portal/api/keys/${idA}/delete`, { form: { _csrf: b.client.csrf }, noCsrf: true });
    assert.equal(pageTry.status, 404);
    assert.equal((await request(sys.url, 'GET', '/v1/partner/me', { headers: { authorization: `Bearer ${ka.body.accessKey}` } })).status, 200, 'A’s key still works');

    // A registers a member and a subscription; B's key cannot reach them
    const m = await legacyInsertMember(sys.url, { key: ka.body.accessKey });
    assert.equal(m.code, '0000');
    const sub = await request(sys.url, 'POST', '/_service.aspx', {
      form: { cmd: 'SINCHSERVICE', fmt: 'json', bizno: m.bizno, id: m.loginId, pwd: 'Secret123', pack_code: '1', svcunit_code: '1', amount: '0', vat: '0', total_amount: '0' },
      headers: { authorization: `Bearer ${ka.body.accessKey}` },
    });
    assert.equal(sub.body.code, '0000', JSON.stringify(sub.body));
    const viaB = await request(sys.url, 'POST', '/_auth.aspx', {
      form: { cmd: 'GETSVCKEY', fmt: 'json', bizno: m.bizno, id: m.loginId, pwd: 'Secret123' },
      headers: { authorization: `Bearer ${kb.body.accessKey}` },
    });
    assert.notEqual(viaB.body.code, '0000');
    assert.equal(viaB.body.svc_key, undefined);
    const viaA = await request(sys.url, 'POST', '/_auth.aspx', {
      form: { cmd: 'GETSVCKEY', fmt: 'json', bizno: m.bizno, id: m.loginId, pwd: 'Secret123' },
      headers: { authorization: `Bearer ${ka.body.accessKey}` },
    });
    assert.equal(viaA.body.code, '0000');
    const sinch = Number(viaA.body.sinchno);
    const bSeesSinch = await request(sys.url, 'POST', '/_auth.aspx', {
      form: { cmd: 'GETSVCKEY', fmt: 'json', sinch_no: String(sinch), bizno: m.bizno, id: m.loginId, pwd: 'Secret123' },
      headers: { authorization: `Bearer ${kb.body.accessKey}` },
    });
    assert.equal(bSeesSinch.body.code, '2004');
    await assert.rejects(authenticateSubscription(sys.ctx, sinch, viaA.body.svc_key, { partnerId: b.partnerId }), { code: 'subscription_not_found' });
    const tenant = await authenticateSubscription(sys.ctx, sinch, viaA.body.svc_key, { partnerId: a.partnerId });
    assert.equal(tenant.subscriptionId, sinch);
    const membersB = await request(sys.url, 'GET', '/v1/partner/members', { headers: { authorization: `Bearer ${kb.body.accessKey}` } });
    assert.deepEqual(membersB.body.data, []);
  });

  test('a member session cannot reach the operator API; the operator token can', async () => {
    const { client } = await signUpAndLogin(sys);
    assert.equal((await client.call('GET', '/v1/operator/partners')).status, 401);
    assert.equal((await request(sys.url, 'GET', '/v1/operator/partners', { headers: { authorization: 'Bearer not-the-token-000000000000' } })).status, 401);
    assert.equal((await request(sys.url, 'GET', '/v1/operator/partners', { headers: { authorization: `Bearer ${sys.operatorToken}` } })).status, 200);
  });
});
