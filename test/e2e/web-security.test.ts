// Web and operations security over the whole system (issue 8 items 1, 8, 9, 14): the dev mailbox is closed to
// the network but open to a console operator, the TOTP lockout survives redoing the password step, the view
// page's forms refuse non-string values naming the field, every HTML page has its security headers (HSTS when
// configured), /favicon.ico is served, and issuing or reissuing an API key in the portal is Post/Redirect/Get.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { ManualClock } from '../../src/platform/clock.ts';
import { base32Decode, totpCode } from '../../src/modules/accounts/totp.ts';
import { THROTTLE } from '../../src/modules/accounts/login-throttle.ts';
import { buildHttpServer } from '../../src/faces/http-server.ts';
import { freshBizno, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { legacyPost } from '../support/http.ts';
import { legacyInvoiceFields, onboard } from '../support/onboard.ts';
import { Client, makePartner, operatorClient, PASSWORD, request, signUpAndLogin } from './portal-support.ts';

let sys: TestSystem;
let op: Client;
const clock = new ManualClock(new Date());
before(async () => {
  sys = await startTestSystem({}, { clock });
  op = await operatorClient(sys);
});
after(async () => {
  await sys.close();
});

const kstToday = () => new Date(clock.now().getTime() + 9 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');

/** An issued invoice and the recipient's view token (from the mail). */
async function issuedWithToken(): Promise<{ dockey: string; token: string }> {
  const sup = await onboard(sys.url);
  const d = kstToday();
  const r = await legacyPost(sys.url, 'document.aspx', {
    cmd: 'INSERT', ...legacyInvoiceFields(sup, freshBizno(), { doc__proc_state: 'S', doc__write_date: d, item1__month: d.slice(4, 6), item1__day: d.slice(6), item2__month: d.slice(4, 6), item2__day: d.slice(6) }),
  });
  assert.equal(r.code, '0000', r.msg);
  const dockey = String(r['dockey']);
  const mail = await sys.mail.catcher!.waitFor((m) => m.headerLines.some((h) => h.line.includes(dockey)), 15_000);
  const token = new RegExp(`/view/${dockey}\\?t=([A-Za-z0-9_-]+)`).exec(mail.text ?? '')?.[1];
  assert.ok(token);
  return { dockey, token };
}

describe('dev mailbox (item 1)', () => {
  test('from the network: 403 without a session or with a member session, 200 with a console operator session', async () => {
    const remoteAddress = '203.0.113.5';
    const member = await signUpAndLogin(sys);
    const asMember = await sys.app!.inject({ method: 'GET', url: '/dev/mailbox.json', remoteAddress, headers: { cookie: `hb_session=${member.client.cookies.get('hb_session')}` } });
    assert.equal(asMember.statusCode, 403);
    assert.equal((await sys.app!.inject({ method: 'GET', url: '/dev/mailbox', remoteAddress, headers: { 'x-forwarded-for': '127.0.0.1' } })).statusCode, 403);
    const asOperator = await sys.app!.inject({ method: 'GET', url: '/dev/mailbox.json', remoteAddress, headers: { cookie: `hb_session=${op.cookies.get('hb_session')}` } });
    assert.equal(asOperator.statusCode, 200, asOperator.body);
    assert.equal((await request(sys.url, 'GET', '/dev/mailbox')).status, 200, 'a loopback caller still reads it');
  });
});

describe('보안로그인 lockout (item 8)', () => {
  test('redoing the password step after every 4 wrong codes does not reset the count: locked by the limit, only a right code clears it', async () => {
    // its own caller address: the wrong codes below also count against the IP, which other tests log in from
    const ip = '127.0.0.3';
    const { client, loginId } = await signUpAndLogin(sys, ip);
    const secret = base32Decode((await client.call('POST', '/v1/portal/me/totp')).body.secret);
    assert.equal((await client.call('POST', '/v1/portal/me/totp/confirm', { json: { code: totpCode(secret, clock.now()) } })).status, 200);
    clock.advance(30_000);
    const wrong = () => (totpCode(secret, clock.now()) === '000000' ? '111111' : '000000');
    const limit = THROTTLE.max.user;
    let failures = 0;
    let locked: { status: number; body: any } | undefined;
    for (let round = 0; round < 10 && !locked; round++) {
      const b = new Client(sys.url, ip);
      const pw = await b.call('POST', '/v1/portal/session', { json: { loginId, password: PASSWORD } });
      assert.equal(pw.status, 200, `round ${round}: the password step itself is not locked (${pw.text})`);
      for (let i = 0; i < limit - 1 && !locked; i++) {
        const r = await b.call('POST', '/v1/portal/session/code', { json: { code: wrong() } });
        if (r.status === 429) locked = r;
        else {
          assert.equal(r.status, 401);
          failures++;
        }
      }
    }
    assert.ok(locked, 'the second factor locks');
    assert.equal(failures, limit, `locked after exactly ${limit} wrong codes, password steps in between`);
    assert.equal(locked.body.error.field, 'code');
    const row = await sys.database.pool.query("SELECT failures, locked_until FROM login_throttle WHERE scope = 'totp' AND key = (SELECT id::text FROM portal_users WHERE login_id = $1)", [loginId]);
    assert.ok(row.rows[0]?.locked_until, 'the lock is in the database');

    // locked: even the right code after a fresh password step is refused, and so is turning 보안로그인 off
    const c = new Client(sys.url, ip);
    await c.call('POST', '/v1/portal/session', { json: { loginId, password: PASSWORD } });
    assert.equal((await c.call('POST', '/v1/portal/session/code', { json: { code: totpCode(secret, clock.now()) } })).status, 429);
    assert.equal((await client.call('POST', '/v1/portal/me/totp/disable', { json: { password: PASSWORD, code: totpCode(secret, clock.now()) } })).status, 429);

    // the lock expires; a right code then logs in and clears the count
    clock.advance(THROTTLE.lockMs + 30_000);
    const d = new Client(sys.url, ip);
    await d.call('POST', '/v1/portal/session', { json: { loginId, password: PASSWORD } });
    assert.equal((await d.call('POST', '/v1/portal/session/code', { json: { code: totpCode(secret, clock.now()) } })).status, 200);
    const cleared = await sys.database.pool.query("SELECT 1 FROM login_throttle WHERE scope = 'totp' AND key = (SELECT id::text FROM portal_users WHERE login_id = $1)", [loginId]);
    assert.equal(cleared.rowCount, 0);
  });
});

describe('view page forms (item 9)', () => {
  test('repeated or nested form values answer 400 naming the field and change nothing; a plain reject works', async () => {
    const { dockey, token } = await issuedWithToken();
    const form = (body: string) => ({ method: 'POST' as const, url: `/view/${dockey}/reject`, payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const cases: [string, InjectOptions][] = [
      ['reason', form(`t=${token}&reason=a&reason=b`)],
      ['t', form(`t=${token}&t=${token}&reason=x`)],
      ['_csrf', form(`_csrf=${token}&_csrf=x&reason=x`)],
      ['reason', { method: 'POST', url: `/view/${dockey}/reject?t=${token}`, payload: { reason: { a: 1 } } }],
      ['reason', { method: 'POST', url: `/view/${dockey}/reject?t=${token}`, payload: { reason: 7 } }],
      ['t', { method: 'POST', url: `/view/${dockey}/approve`, payload: { t: [token] } }],
      ['t', { method: 'POST', url: `/view/${dockey}/approve?t=${token}&t=${token}` }],
      ['t', { method: 'GET', url: `/view/${dockey}?t=${token}&t=x` }],
      ['t', { method: 'GET', url: `/view/${dockey}/pdf?t=${token}&t=x` }],
    ];
    for (const [field, req] of cases) {
      const r = await sys.app!.inject(req);
      assert.equal(r.statusCode, 400, `${field}: ${req.url} ${String(req.payload)} → ${r.statusCode}`);
      assert.match(r.body, new RegExp(`${field}:`), `names ${field}`);
    }
    const row = await sys.database.pool.query('SELECT proc_state FROM documents WHERE dockey = $1', [dockey]);
    assert.equal(row.rows[0].proc_state, 'S', 'nothing changed');
    const ok = await sys.app!.inject(form(`t=${token}&reason=${encodeURIComponent('금액 오류')}`));
    assert.equal(ok.statusCode, 303);
  });
});

describe('headers, HSTS, favicon (item 14)', () => {
  const CHECKS: [string, RegExp][] = [
    ['content-security-policy', /frame-ancestors 'none'|frame-ancestors 'self'/],
    ['x-content-type-options', /^nosniff$/],
    ['referrer-policy', /^(no-referrer|same-origin|strict-origin-when-cross-origin)$/],
  ];
  test('every HTML page has CSP with frame-ancestors, nosniff and a Referrer-Policy; /docs still renders', async () => {
    const { dockey, token } = await issuedWithToken();
    const pages = ['/portal/login', '/portal/signup', '/console/login', `/view/${dockey}?t=${token}`, `/view/${dockey}?t=wrong`, '/dev/mailbox', '/docs', '/docs/'];
    for (const url of pages) {
      const r = await request(sys.url, 'GET', url);
      assert.equal(r.status < 500, true, url);
      if (!String(r.headers['content-type']).startsWith('text/html')) continue;
      for (const [name, want] of CHECKS) assert.match(String(r.headers[name] ?? ''), want, `${url}: ${name}`);
    }
    const docs = await request(sys.url, 'GET', '/docs');
    assert.equal(docs.status, 200);
    assert.match(docs.text, /swagger-ui-bundle\.js/);
    const csp = String(docs.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/, 'swagger-ui loads its own scripts');
    for (const asset of ['swagger-ui-bundle.js', 'swagger-initializer.js', 'swagger-ui.css']) assert.equal((await request(sys.url, 'GET', `/docs/static/${asset}`)).status, 200, asset);
  });

  test('HSTS only when configured (HANBILL_HSTS or an https public URL)', async () => {
    assert.equal((await request(sys.url, 'GET', '/healthz')).headers['strict-transport-security'], undefined);
    const app = await buildHttpServer({ ctx: { ...sys.ctx, config: { ...sys.ctx.config, hstsMaxAge: 600 } }, operatorToken: sys.operatorToken });
    try {
      for (const url of ['/healthz', '/docs/', '/no-such-page']) {
        assert.equal((await app.inject({ method: 'GET', url })).headers['strict-transport-security'], 'max-age=600', url);
      }
    } finally {
      await app.close();
    }
  });

  test('/favicon.ico is a real icon, cached', async () => {
    const r = await sys.app!.inject({ method: 'GET', url: '/favicon.ico' });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['content-type'], 'image/x-icon');
    assert.match(String(r.headers['cache-control']), /max-age=\d{4,}/);
    const ico = r.rawPayload;
    assert.deepEqual([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)], [0, 1, 1], 'ICONDIR: reserved 0, type icon, one image');
    const size = ico.readUInt32LE(6 + 8);
    const offset = ico.readUInt32LE(6 + 12);
    assert.equal(offset + size, ico.length, 'the image fills the file');
    assert.equal(ico.readUInt32LE(offset), 40, 'a BITMAPINFOHEADER');
  });
});

describe('API key Post/Redirect/Get (item 14)', () => {
  test('issuing and reissuing redirect (303); the key shows once on the next page, never in the URL; a refresh resubmits nothing', async () => {
    const p = await makePartner(sys, op);
    const issue = await p.client.call('POST', '/portal/api/keys', { form: { _csrf: p.client.csrf, ips: '127.0.0.1' } });
    assert.equal(issue.status, 303, issue.text.slice(0, 300));
    const location = String(issue.headers.location);
    assert.match(location, /^\/portal\/api\/keys/);
    const shown = await p.client.call('GET', location);
    const accessKey = /id="access-key">([^<]+)</.exec(shown.text)?.[1];
    assert.ok(accessKey, 'the new key is shown on the redirected page');
    assert.ok(!location.includes(accessKey) && !issue.text.includes(accessKey));
    const again = await p.client.call('GET', location);
    assert.ok(!again.text.includes(accessKey), 'shown once');
    const keys = await p.client.call('GET', '/v1/portal/api-keys');
    assert.equal(keys.body.data.length, 1, 'the refresh issued nothing');

    const id = keys.body.data[0].id;
    const re = await p.client.call('POST', `/portal/api/keys/${id}/reissue`, { form: { _csrf: p.client.csrf } });
    assert.equal(re.status, 303);
    const reShown = await p.client.call('GET', String(re.headers.location));
    const newKey = /id="access-key">([^<]+)</.exec(reShown.text)?.[1];
    assert.ok(newKey && newKey !== accessKey);
    assert.match(reShown.text, /재발급/);
    const refresh = await p.client.call('GET', String(re.headers.location));
    assert.ok(!refresh.text.includes(newKey));
    const legacy = await request(sys.url, 'POST', '/_member.aspx', { form: { cmd: 'INSERT', fmt: 'json', bizno: freshBizno() }, headers: { authorization: `Bearer ${newKey}` } });
    // the answer's code, not its text: a request id such as "b98b2006-…" once matched /200[56]/ in CI
    const legacyCode = String((JSON.parse(legacy.text) as { code?: string; result?: { code?: string } }).result?.code ?? JSON.parse(legacy.text).code);
    assert.ok(!['2005', '2006'].includes(legacyCode), `the key shown after the redirect is the live one: ${legacy.text.slice(0, 200)}`);
  });

  test('the allow-list refuses 0.0.0.0 and :: naming the field', async () => {
    const p = await makePartner(sys, op);
    for (const ip of ['0.0.0.0', '::', '255.255.255.255', '224.0.0.1']) {
      const r = await p.client.call('POST', '/v1/portal/api-keys', { json: { ips: [ip] } });
      assert.equal(r.status, 400, ip);
      assert.equal(r.body.error.field, 'ips[0]', ip);
    }
  });
});
