/**
 * Request rate limits (src/faces/rate-limits.ts): per credential and per client IP, 429 with Retry-After on the REST,
 * legacy and portal faces, the window's end restoring service, and (PostgreSQL) one limit across two systems.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { ManualClock } from '../../src/platform/clock.ts';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';

const WINDOW_START = new Date('2026-03-02T01:00:00.000Z'); // a window boundary (60 s windows)

async function get(base: string, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(base + path, { headers, redirect: 'manual' });
}

function assertRefused(res: Response, expectRetryAfterAtMost = 60): number {
  assert.equal(res.status, 429, `status of a refused request`);
  const retryAfter = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= expectRetryAfterAtMost, `Retry-After ${res.headers.get('retry-after')}`);
  return retryAfter;
}

test('per IP: the limit counts every face together, answers 429 + Retry-After in each face\'s shape, and the next window serves again', async (t) => {
  const clock = new ManualClock(new Date(WINDOW_START.getTime() + 20_000));
  const sys: TestSystem = await startTestSystem({ HANBILL_RATE_LIMIT_PER_IP: '4', HANBILL_RATE_LIMIT_PER_KEY: '1000' }, { clock });
  t.after(() => sys.close());
  for (let i = 0; i < 4; i++) assert.equal((await get(sys.url, '/v1/login-ids/someone1')).status, 200, `request ${i + 1} of 4`);
  // probes and the loopback dev pages are not counted
  assert.equal((await get(sys.url, '/healthz')).status, 200);

  const rest = await get(sys.url, '/v1/login-ids/someone1');
  assert.equal(assertRefused(rest), 40, '40 s left of the window');
  const body = (await rest.json()) as { error: { code: string; message: string; legacyCode: string; details: Record<string, unknown>; requestId: string } };
  assert.equal(body.error.code, 'too_many_requests');
  assert.equal(body.error.legacyCode, '2007');
  assert.match(body.error.message, /요청 한도\(4건\).*\(too many requests per IP; retry after 40 s\)/);
  assert.deepEqual(body.error.details, { retryAfterSeconds: 40, limit: 4, per: 'ip' });
  assert.equal(rest.headers.get('x-request-id'), body.error.requestId);

  const legacy = await fetch(`${sys.url}/_member.aspx`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'cmd=CHECKID&id=someone' });
  assertRefused(legacy);
  const xml = await legacy.text();
  assert.match(legacy.headers.get('content-type') ?? '', /text\/xml/);
  assert.match(xml, /<code>2007<\/code>/);
  assert.match(xml, /<msg>[^<]*too many requests per IP/);
  const legacyJson = await fetch(`${sys.url}/_member.aspx?fmt=json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'cmd=CHECKID&id=someone' });
  assertRefused(legacyJson);
  assert.equal(((await legacyJson.json()) as { code: string }).code, '2007');

  const portal = await get(sys.url, '/portal/login');
  assertRefused(portal);
  assert.match(portal.headers.get('content-type') ?? '', /text\/html/);
  assert.match(await portal.text(), /요청이 너무 많습니다 \(Too many requests\)/);
  const view = await get(sys.url, '/view/0000000000000000');
  assertRefused(view);

  // the next window: served again
  clock.advance(40_000);
  assert.equal((await get(sys.url, '/v1/login-ids/someone1')).status, 200);
  assert.equal((await get(sys.url, '/portal/login')).status, 200);
});

test('a request Fastify refuses before any route code (no such route, a body over the limit, malformed JSON) counts once, like any other', async (t) => {
  const clock = new ManualClock(new Date(WINDOW_START.getTime() + 20_000));
  const sys: TestSystem = await startTestSystem({ HANBILL_RATE_LIMIT_PER_IP: '4', HANBILL_RATE_LIMIT_PER_KEY: '1000', HANBILL_BODY_LIMIT: '1024' }, { clock });
  t.after(() => sys.close());
  const post = (body: string) => fetch(`${sys.url}/v1/members`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  assert.equal((await get(sys.url, '/v1/no-such-route')).status, 404);
  assert.equal((await post(JSON.stringify({ pad: 'x'.repeat(2048) }))).status, 413);
  assert.equal((await post('{"bizno":')).status, 400);
  assert.equal((await get(sys.url, '/v1/login-ids/someone1')).status, 200, 'the 4th request of 4');
  assertRefused(await get(sys.url, '/v1/login-ids/someone1'));
});

test('per key: each credential (bearer key, session cookie) has its own count across faces; another key and the IP are unaffected', async (t) => {
  const clock = new ManualClock(new Date(WINDOW_START.getTime() + 59_500));
  const sys: TestSystem = await startTestSystem({ HANBILL_RATE_LIMIT_PER_IP: '1000', HANBILL_RATE_LIMIT_PER_KEY: '3' }, { clock });
  t.after(() => sys.close());
  const keyA = { authorization: `Bearer ${crypto.randomBytes(24).toString('base64url')}` };
  const keyB = { authorization: `Bearer ${crypto.randomBytes(24).toString('base64url')}` };
  // an unknown key is refused by the guard (401) but counted: guessing keys is rate-limited too
  for (let i = 0; i < 2; i++) assert.equal((await get(sys.url, '/v1/partner/me', keyA)).status, 401);
  const legacyOk = await fetch(`${sys.url}/_member.aspx`, { method: 'POST', headers: { ...keyA, 'content-type': 'application/x-www-form-urlencoded' }, body: 'cmd=CHECKID&id=someone' });
  assert.notEqual(legacyOk.status, 429, 'the third request with key A, on the legacy face');
  const refused = await get(sys.url, '/v1/partner/me', keyA);
  assert.equal(assertRefused(refused), 1, 'half a second left: Retry-After rounds up to 1');
  assert.equal(((await refused.json()) as { error: { details: { per: string } } }).error.details.per, 'key');
  const legacyRefused = await fetch(`${sys.url}/_member.aspx`, { method: 'POST', headers: { ...keyA, 'content-type': 'application/x-www-form-urlencoded' }, body: 'cmd=CHECKID&id=someone' });
  assertRefused(legacyRefused);
  assert.match(await legacyRefused.text(), /<code>2007<\/code>[\s\S]*too many requests per API key or session/);
  // key B and no key at all (the IP) still pass
  assert.equal((await get(sys.url, '/v1/partner/me', keyB)).status, 401);
  assert.equal((await get(sys.url, '/v1/login-ids/someone1')).status, 200);

  // a portal session cookie is a credential too (counted whether or not the session is valid)
  const session = { cookie: `hb_session=${crypto.randomBytes(24).toString('base64url')}` };
  for (let i = 0; i < 3; i++) assert.notEqual((await get(sys.url, '/portal/mypage/profile', session)).status, 429, `portal request ${i + 1} of 3`);
  const page = await get(sys.url, '/portal/mypage/profile', session);
  assertRefused(page);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);

  clock.advance(1_000);
  assert.equal((await get(sys.url, '/v1/partner/me', keyA)).status, 401, 'the next window: key A counts from zero');
});

test('two systems on one PostgreSQL enforce one limit', { skip: process.env['TEST_DATABASE_URL'] ? false : 'PGlite: each system has its own in-process database, one process by design (run with TEST_DATABASE_URL)' }, async (t) => {
  const clock = new ManualClock(new Date(WINDOW_START.getTime() + 10_000));
  // one installation = one channel; each test system otherwise gets a channel of its own
  const env = { HANBILL_RATE_LIMIT_PER_IP: '10', HANBILL_RATE_LIMIT_PER_KEY: '1000', HANBILL_CHANNEL: `t${crypto.randomBytes(6).toString('hex')}` };
  const one = await startTestSystem(env, { clock });
  t.after(() => one.close());
  const two = await startTestSystem(env, { clock });
  t.after(() => two.close());
  const statuses = await Promise.all(Array.from({ length: 14 }, (_, i) => get(i % 2 ? two.url : one.url, '/v1/login-ids/someone1').then((r) => r.status)));
  assert.equal(statuses.filter((s) => s === 200).length, 10, `10 served across both systems: ${statuses.join(',')}`);
  assert.equal(statuses.filter((s) => s === 429).length, 4);
  assertRefused(await get(one.url, '/v1/login-ids/someone1'));
  assertRefused(await get(two.url, '/v1/login-ids/someone1'));
});
