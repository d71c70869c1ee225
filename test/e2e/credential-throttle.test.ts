// Member credentials (GETSVCKEY, RESETKEY, SINCHSERVICE, POST /v1/auth/service-key, POST /v1/subscriptions)
// are throttled per (business number, login ID) and per IP, with the state in the database (issue 8, item 6).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/platform/clock.ts';
import { startTestSystem, freshBizno, freshLoginId, type TestSystem } from '../support/test-system.ts';
import { onboard, type Onboarded } from '../support/onboard.ts';
import { parseLegacyXml } from '../support/http.ts';
import { request } from './portal-support.ts';
import { usePrivateDatabase, type PrivateDatabase } from '../support/private-database.ts';

let sys: TestSystem;
let priv: PrivateDatabase;
const clock = new ManualClock(new Date('2026-05-04T03:00:00Z'));
before(async () => {
  // the IP counters are keyed by fixed local addresses at a fixed clock: on a shared PostgreSQL database a second
  // run of this file would find the first run's counts, so it has a database of its own
  priv = await usePrivateDatabase('throttle');
  sys = await startTestSystem({}, { clock });
});
after(async () => {
  await sys.close();
  await priv.drop();
});

const WINDOW_MS = 15 * 60_000;

/** Each test uses its own caller IP (the whole 127.0.0.0/8 is local), so IP counters never mix. */
const restKey = (m: Onboarded, ip: string, password = m.pwd, headers: Record<string, string> = {}) =>
  request(sys.url, 'POST', '/v1/auth/service-key', { json: { bizno: m.bizno, loginId: m.id, password }, localAddress: ip, headers });

async function legacy(ip: string, page: string, form: Record<string, string>) {
  const r = await request(sys.url, 'POST', `/${page}`, { form, localAddress: ip });
  assert.equal(r.status, 200);
  return parseLegacyXml(r.text);
}
const getSvcKey = (m: Onboarded, ip: string, pwd = m.pwd) => legacy(ip, '_auth.aspx', { cmd: 'GETSVCKEY', bizno: m.bizno, id: m.id, pwd });
const resetKey = (m: Onboarded, ip: string, pwd = m.pwd) => legacy(ip, '_auth.aspx', { cmd: 'RESETKEY', bizno: m.bizno, id: m.id, pwd });
const sinchService = (m: Onboarded, ip: string, pwd = m.pwd) =>
  legacy(ip, '_service.aspx', { cmd: 'SINCHSERVICE', bizno: m.bizno, id: m.id, pwd, pack_code: '1', svcunit_code: '1', amount: '0', vat: '0', total_amount: '0' });

function assertRetryAfter(r: { status: number; body: any; headers: Record<string, unknown> }, field: string) {
  assert.equal(r.status, 429, JSON.stringify(r.body));
  assert.equal(r.body.error.code, 'rate_limited');
  assert.equal(r.body.error.field, field);
  assert.equal(r.body.error.legacyCode, '2007');
  const retryAfter = Number(r.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= WINDOW_MS / 1000, `Retry-After: ${String(r.headers['retry-after'])}`);
  assert.match(r.body.error.message, new RegExp(`retry after ${retryAfter} s`));
}

describe('member credential throttling', () => {
  test('5 wrong passwords lock the member: the right one is refused (429 + Retry-After, 2007 on every legacy cmd) until the lock ends', async () => {
    const ip = '127.0.1.1';
    const m = await onboard(sys.url);
    const other = await onboard(sys.url);
    for (let i = 0; i < 5; i++) {
      const r = await restKey(m, ip, 'Wrong1234!');
      assert.equal(r.status, 401, `guess ${i + 1}`);
      assert.equal(r.body.error.code, 'credentials_mismatch');
    }
    assertRetryAfter(await restKey(m, ip), 'loginId');
    for (const call of [getSvcKey, resetKey, sinchService]) {
      const a = await call(m, ip);
      assert.equal(a.code, '2007', JSON.stringify(a));
      assert.match(a.msg, /retry after \d+ s/);
      assert.equal((a as { field?: string }).field, 'id');
    }
    // nothing was done while locked: the key is unchanged, no second subscription
    const subs = await sys.database.pool.query('SELECT count(*)::int AS n FROM subscriptions s JOIN members m ON m.id = s.member_id WHERE m.bizno = $1', [m.bizno]);
    assert.equal(subs.rows[0].n, 1);
    // the state is in the database (shared by every api process), keyed by business number and ID
    const rows = await sys.database.pool.query("SELECT key, locked_until FROM login_throttle WHERE scope = 'member' AND key LIKE $1", [`${m.bizno}%`]);
    assert.equal(rows.rows.length, 1);
    assert.ok(rows.rows[0].locked_until > clock.now());

    // another member from the same IP is not affected
    const ok = await restKey(other, ip);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.serviceKey, other.svcKey);
    // nor is this member's ID under another business number (the key is the pair)
    assert.equal((await getSvcKey({ ...other, id: m.id }, ip)).code, '2001');

    clock.advance(WINDOW_MS + 1000);
    const back = await restKey(m, ip);
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.equal(back.body.serviceKey, m.svcKey);
  });

  test('failures on every credential entry point count together; a success clears the member count', async () => {
    const ip = '127.0.1.2';
    const m = await onboard(sys.url);
    assert.equal((await getSvcKey(m, ip, 'Wrong1234!')).code, '2001');
    assert.equal((await resetKey(m, ip, 'Wrong1234!')).code, '2001');
    assert.equal((await sinchService(m, ip, 'Wrong1234!')).code, '2001');
    assert.equal((await restKey(m, ip, 'Wrong1234!')).status, 401);
    // a success before the fifth failure starts the count again
    assert.equal((await getSvcKey(m, ip)).code, '0000');
    for (let i = 0; i < 4; i++) assert.equal((await getSvcKey(m, ip, 'Wrong1234!')).code, '2001');
    assert.equal((await getSvcKey(m, ip)).code, '0000');
    // the fifth consecutive failure locks, whichever entry point it came through
    for (let i = 0; i < 4; i++) assert.equal((await getSvcKey(m, ip, 'Wrong1234!')).code, '2001');
    const sub = await request(sys.url, 'POST', '/v1/subscriptions', {
      json: { bizno: m.bizno, loginId: m.id, password: 'Wrong1234!', packageId: 1, unitIds: [1], amount: 0, vat: 0, totalAmount: 0 },
      localAddress: ip,
    });
    assert.equal(sub.status, 401);
    assertRetryAfter(await restKey(m, ip), 'loginId');
    clock.advance(WINDOW_MS + 1000);
  });

  test('an Idempotency-Key does not roll the failure count back with the request', async () => {
    const ip = '127.0.1.3';
    const m = await onboard(sys.url);
    const body = (password: string) => ({ bizno: m.bizno, loginId: m.id, password, packageId: 1, unitIds: [1], amount: 0, vat: 0, totalAmount: 0 });
    for (let i = 0; i < 5; i++) {
      const r = await request(sys.url, 'POST', '/v1/subscriptions', { json: body('Wrong1234!'), localAddress: ip, headers: { 'idempotency-key': `guess-${i}-${freshLoginId()}` } });
      assert.equal(r.status, 401, JSON.stringify(r.body));
    }
    const locked = await request(sys.url, 'POST', '/v1/subscriptions', { json: body(m.pwd), localAddress: ip, headers: { 'idempotency-key': `right-${freshLoginId()}` } });
    assertRetryAfter(locked, 'loginId');
    clock.advance(WINDOW_MS + 1000);
    const key = `after-${freshLoginId()}`;
    const created = await request(sys.url, 'POST', '/v1/subscriptions', { json: body(m.pwd), localAddress: ip, headers: { 'idempotency-key': key } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const replay = await request(sys.url, 'POST', '/v1/subscriptions', { json: body(m.pwd), localAddress: ip, headers: { 'idempotency-key': key } });
    assert.deepEqual(replay.body, created.body);
  });

  test('20 failures from one IP lock that IP across IDs (unknown ones too); other IPs are not affected; the lock ends', async () => {
    const ip = '127.0.1.4';
    const m = await onboard(sys.url);
    for (let i = 0; i < 20; i++) {
      const stranger = { ...m, bizno: freshBizno(), id: freshLoginId('nobody') };
      const r = i % 2 ? await restKey(stranger, ip, 'Wrong1234!') : { status: (await getSvcKey(stranger, ip, 'Wrong1234!')).code === '2001' ? 401 : 0 };
      assert.equal(r.status, 401, `guess ${i + 1}`);
    }
    assertRetryAfter(await restKey(m, ip), 'loginId');
    const legacyLocked = await getSvcKey(m, ip);
    assert.equal(legacyLocked.code, '2007');
    assert.match(legacyLocked.msg, /IP/);
    const elsewhere = await restKey(m, '127.0.1.5');
    assert.equal(elsewhere.status, 200, JSON.stringify(elsewhere.body));
    clock.advance(WINDOW_MS + 1000);
    assert.equal((await restKey(m, ip)).status, 200);
  });

  test('bad input is a field error and counts nothing', async () => {
    const ip = '127.0.1.6';
    const m = await onboard(sys.url);
    for (let i = 0; i < 25; i++) {
      const r = await request(sys.url, 'POST', '/v1/auth/service-key', { json: { bizno: '1234567890', loginId: m.id, password: 'x' }, localAddress: ip });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.field, 'bizno');
    }
    assert.equal((await restKey(m, ip)).status, 200);
  });
});
