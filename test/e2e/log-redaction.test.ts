// Secrets never reach the log (issue 8 item 11): the system runs with the production logger set-up writing to a
// buffer at debug level (request logging on), a full flow sends every kind of secret in query strings, bodies,
// headers and cookies, and the captured log must contain none of them — while still logging those requests.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/platform/log-redaction.ts';
import { freshBizno, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { legacyPost } from '../support/http.ts';
import { legacyInvoiceFields, onboard } from '../support/onboard.ts';
import { Client, makePartner, operatorClient, PASSWORD, request, signUpAndLogin } from './portal-support.ts';
import { memberWithCertificate } from './nts-support.ts';
import { base32Decode, totpCode } from '../../src/modules/accounts/totp.ts';

const lines: string[] = [];
let sys: TestSystem;
before(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  sys = await startTestSystem({ LOG_LEVEL: 'debug' }, { logger: createLogger('debug', sink) });
});
after(async () => {
  await sys.close();
});

test('a full flow with secrets in query strings, bodies, headers and cookies leaves none of them in the log', async () => {
  const secrets = new Map<string, string>();
  const base = sys.url;

  // seed A: register, subscribe, GETSVCKEY (body), then the same credentials and svc_key in query strings
  const sup = await onboard(base);
  secrets.set('member password', sup.pwd).set('svc_key', sup.svcKey);
  const q = (o: Record<string, string | number>) => new URLSearchParams(Object.entries(o).map(([k, v]): [string, string] => [k, String(v)])).toString();
  await request(base, 'POST', `/_auth.aspx?${q({ cmd: 'GETSVCKEY', bizno: sup.bizno, id: sup.id, pwd: sup.pwd })}`);
  await request(base, 'GET', `/_auth.aspx?${q({ cmd: 'GETSVCKEY', bizno: sup.bizno, id: sup.id, PWD: sup.pwd })}`);
  const { sinch_no: _s, svc_key: _k, ...docFields } = legacyInvoiceFields(sup, freshBizno(), { doc__proc_state: 'S', doc__write_date: kstToday(), item1__month: kstToday().slice(4, 6), item1__day: kstToday().slice(6), item2__month: kstToday().slice(4, 6), item2__day: kstToday().slice(6) });
  const form = Object.fromEntries(Object.entries({ cmd: 'INSERT', ...docFields }).map(([k, v]) => [k, String(v)]));
  const issued = await request(base, 'POST', `/document.aspx?${q({ sinch_no: sup.sinchno, svc_key: sup.svcKey, fmt: 'json' })}`, { form });
  const dockey = /"dockey"\s*:\s*"(TI[0-9A-Z]+)"|<dockey>(TI[0-9A-Z]+)</.exec(issued.text)?.slice(1).find(Boolean);
  assert.ok(dockey, `issued: ${issued.text.slice(0, 300)}`);

  // the recipient's view link, with its token in the query string and a reject form carrying it in the body
  const mail = await sys.mail.catcher!.waitFor((m) => m.headerLines.some((h) => h.line.includes(dockey)), 15_000);
  const token = new RegExp(`/view/${dockey}\\?t=([A-Za-z0-9_-]+)`).exec(mail.text ?? '')?.[1];
  assert.ok(token, 'view token in the mail');
  secrets.set('view token', token);
  assert.equal((await request(base, 'GET', `/view/${dockey}?t=${token}`)).status, 200);
  await request(base, 'GET', `/view/${dockey}/pdf?t=${token}`);
  await request(base, 'POST', `/view/${dockey}/reject`, { form: { t: token, reason: '금액 오류' } });

  // REST: password in a JSON body, svc_key in a header
  await request(base, 'POST', '/v1/auth/service-key', { json: { bizno: sup.bizno, loginId: sup.id, password: sup.pwd } });
  await request(base, 'GET', `/v1/subscriptions/${sup.sinchno}/documents`, { headers: { 'x-svc-key': sup.svcKey } });

  // portal: password, session cookie, CSRF token (also in a query string), a partner's Access Key
  const op = await operatorClient(sys);
  const partner = await makePartner(sys, op);
  const key = await partner.client.call('POST', '/v1/portal/api-keys', { json: { ips: ['127.0.0.1'] } });
  assert.equal(key.status, 201, key.text);
  secrets.set('access key', key.body.accessKey).set('portal password', PASSWORD).set('csrf token', partner.client.csrf);
  secrets.set('session cookie', partner.client.cookies.get('hb_session')!).set('operator session', op.cookies.get('hb_session')!);
  await partner.client.call('GET', `/portal/mypage/profile?_csrf=${encodeURIComponent(partner.client.csrf)}`);
  await request(base, 'POST', '/_member.aspx', { form: { cmd: 'INSERT', bizno: freshBizno() }, headers: { authorization: `Bearer ${key.body.accessKey}` } });
  await request(base, 'GET', `/v1/subscriptions/${sup.sinchno}/documents?svc_key=${sup.svcKey}&access_key=${key.body.accessKey}`);
  const login = new Client(base);
  await login.call('POST', '/portal/login', { form: { loginId: partner.loginId, password: PASSWORD } });
  const { loginId } = await signUpAndLogin(sys);
  await request(base, 'POST', `/v1/portal/session?password=${PASSWORD}`, { json: { loginId, password: PASSWORD } });

  // 보안로그인: the TOTP secret and the recovery codes are shown once, the code is sent to confirm it
  const totpUser = await signUpAndLogin(sys);
  const enrol = await totpUser.client.call('POST', '/v1/portal/me/totp');
  const totpSecret = String(enrol.body.secret);
  const on = await totpUser.client.call('POST', '/v1/portal/me/totp/confirm', { json: { code: totpCode(base32Decode(totpSecret), new Date()) } });
  assert.equal(on.status, 200, on.text);
  secrets.set('TOTP secret', totpSecret);
  (on.body.recoveryCodes as string[]).forEach((c, i) => secrets.set(`recovery code ${i + 1}`, c));

  // a signing certificate's private-key password (NPKI upload over REST)
  const { identity } = await memberWithCertificate(sys);
  secrets.set('certificate password', identity.password);

  await sys.worker!.drain();
  const log = lines.join('');
  // the requests above were logged (else this test could not fail): URL paths with parameter names, not values
  assert.match(log, /incoming request/);
  assert.match(log, new RegExp(`/view/${dockey}\\?t=`));
  assert.match(log, /svc_key=/);
  for (const [what, secret] of secrets) {
    assert.ok(secret && secret.length >= 8, `${what} is a real secret`);
    for (const form of new Set([secret, encodeURIComponent(secret)])) assert.ok(!log.includes(form), `${what} appears in the log`);
  }
});

function kstToday(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
}
