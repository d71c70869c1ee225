// The client's HTTP core against a local server: retries with backoff on 429 / 5xx / network errors and which
// requests may be retried, Retry-After, the Idempotency-Key reused on every retry, time-outs, error mapping,
// headers and query encoding.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { HanbillClient } from '../src/client.ts';
import { HanbillError } from '../src/errors.ts';
import { backoffMs, parseRetryAfter, resolveRetry } from '../src/retry.ts';
import { apiError, localServer, type LocalServer, type Reply, type Seen } from './local-server.ts';

const servers: LocalServer[] = [];
after(async () => Promise.all(servers.map((s) => s.close())));

async function setup(handle: (req: Seen, i: number) => Reply | Promise<Reply>, options: { retries?: number; timeoutMs?: number; maxRetryAfterMs?: number } = {}) {
  const server = await localServer(handle);
  servers.push(server);
  const client = new HanbillClient({
    baseUrl: server.url,
    apiKey: 'pk_test',
    subscription: { id: 42, serviceKey: 'svc-42' },
    retry: { retries: options.retries ?? 3, baseDelayMs: 2, maxDelayMs: 20, maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000 },
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  return { server, client };
}

const SMS = { from: '0212345678', to: '01012345678', text: '안녕하세요' };
const ACCEPTED = { batchId: 1, queued: 1 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function rejection(p: Promise<unknown>): Promise<HanbillError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof HanbillError, `a HanbillError, not ${String(err)}`);
    return err;
  }
  assert.fail('the call should have failed');
}

describe('retries', () => {
  test('a GET is retried after 503 and 500 until it succeeds', async () => {
    const { server, client } = await setup((_, i) => (i < 2 ? { status: i === 0 ? 503 : 500, body: apiError(i === 0 ? 503 : 500, 'internal') } : { status: 200, body: { dockey: 'D1' } }));
    const doc = await client.documents.get('D1');
    assert.equal((doc as unknown as { dockey: string }).dockey, 'D1');
    assert.equal(server.seen.length, 3);
    assert.ok(server.seen.every((s) => s.method === 'GET' && s.url === '/v1/subscriptions/42/documents/D1'));
  });

  test('an idempotent POST is retried after a 5xx and a lost answer with the same Idempotency-Key (a UUID)', async () => {
    const { server, client } = await setup((_, i) => (i === 0 ? { status: 502, body: '<html>bad gateway</html>', headers: { 'content-type': 'text/html' } } : i === 1 ? { status: 200, drop: true } : { status: 202, body: ACCEPTED }));
    assert.deepEqual(await client.messaging.sms(SMS), ACCEPTED);
    assert.equal(server.seen.length, 3);
    const keys = server.seen.map((s) => s.headers['idempotency-key']);
    assert.match(String(keys[0]), UUID);
    assert.deepEqual(keys, [keys[0], keys[0], keys[0]], 'one key for every attempt of the call');
    assert.deepEqual(JSON.parse(server.seen[0]!.body), { from: SMS.from, text: SMS.text, type: 'sms', recipients: [{ to: SMS.to }] });
    await client.messaging.sms(SMS);
    assert.notEqual(server.seen[3]!.headers['idempotency-key'], keys[0], 'a new call gets a new key');
  });

  test('a caller-given Idempotency-Key is sent as is', async () => {
    const { server, client } = await setup(() => ({ status: 202, body: ACCEPTED }));
    await client.messaging.sms(SMS, { idempotencyKey: 'order-1234' });
    assert.equal(server.seen[0]!.headers['idempotency-key'], 'order-1234');
  });

  test('a POST the server does not deduplicate is not retried after a 5xx or a lost answer, but is after a 429', async () => {
    const five = await setup(() => ({ status: 500, body: apiError(500, 'internal') }));
    const e = await rejection(five.client.documents.bulk({ documents: [] }));
    assert.equal(e.status, 500);
    assert.equal(five.server.seen.length, 1);
    assert.ok(five.server.seen[0]!.headers['idempotency-key'], 'every POST carries a key');

    const lost = await setup(() => ({ status: 200, drop: true }));
    const n = await rejection(lost.client.documents.bulk({ documents: [] }));
    assert.equal(n.code, 'network_error');
    assert.equal(lost.server.seen.length, 1);

    const limited = await setup((_, i) => (i === 0 ? { status: 429, body: apiError(429, 'rate_limited') } : { status: 200, body: { data: [], failed: 0, succeeded: 0 } }));
    await limited.client.documents.bulk({ documents: [] });
    assert.equal(limited.server.seen.length, 2);
  });

  test('Retry-After is waited for (seconds); a wait longer than maxRetryAfterMs is not', async () => {
    const times: number[] = [];
    const { server, client } = await setup((_, i) => {
      times.push(Date.now());
      return i === 0 ? { status: 429, body: apiError(429, 'rate_limited'), headers: { 'retry-after': '1' } } : { status: 200, body: { data: [], hasMore: false } };
    });
    await client.documents.list();
    assert.equal(server.seen.length, 2);
    assert.ok(times[1]! - times[0]! >= 950, `waited ${times[1]! - times[0]!} ms`);

    const far = await setup(() => ({ status: 429, body: apiError(429, 'rate_limited'), headers: { 'retry-after': '120' } }), { maxRetryAfterMs: 5000 });
    const e = await rejection(far.client.documents.list());
    assert.equal(e.retryAfterMs, 120_000);
    assert.equal(far.server.seen.length, 1);
  });

  test("a 429 of a month's usage limit is not retried", async () => {
    const { server, client } = await setup(() => ({ status: 429, body: apiError(429, 'usage_limit_exceeded') }));
    const e = await rejection(client.documents.list());
    assert.equal(e.code, 'usage_limit_exceeded');
    assert.equal(server.seen.length, 1);
  });

  test('gives up after `retries` retries and says how many attempts it made', async () => {
    const { server, client } = await setup(() => ({ status: 503, body: apiError(503, 'unavailable') }), { retries: 2 });
    const e = await rejection(client.documents.list());
    assert.equal(e.status, 503);
    assert.equal(e.attempts, 3);
    assert.equal(server.seen.length, 3);
  });

  test('a refused connection is retried even for a POST (nothing reached the server)', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const client = new HanbillClient({ baseUrl: `http://127.0.0.1:${port}`, subscription: { id: 1, serviceKey: 'k' }, retry: { retries: 2, baseDelayMs: 1 } });
    const e = await rejection(client.documents.bulk({ documents: [] }));
    assert.equal(e.code, 'network_error');
    assert.equal(e.status, 0);
    assert.equal(e.attempts, 3);
    assert.match(e.message, /ECONNREFUSED/);
  });

  test('an attempt that takes longer than timeoutMs fails with code timeout (and is retried when it may be)', async () => {
    const { server, client } = await setup((_, i) => (i === 0 ? { status: 200, body: { data: [], hasMore: false }, delayMs: 400 } : { status: 200, body: { data: [], hasMore: false } }), { timeoutMs: 100 });
    assert.deepEqual(await client.documents.list(), { data: [], hasMore: false });
    assert.equal(server.seen.length, 2);
    const slow = await setup(() => ({ status: 200, body: {}, delayMs: 400 }), { timeoutMs: 100, retries: 0 });
    assert.equal((await rejection(slow.client.documents.list())).code, 'timeout');
  });

  test('backoff grows exponentially within [d/2, d] and is capped; Retry-After as seconds or a date', () => {
    const p = resolveRetry({ baseDelayMs: 100, maxDelayMs: 1000 });
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffMs(n, p, () => 0)), [50, 100, 200, 400, 500]);
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffMs(n, p, () => 0.999999)), [100, 200, 400, 800, 1000]);
    assert.equal(parseRetryAfter('7', 0), 7000);
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4000), 6000);
    assert.equal(parseRetryAfter('soon', 0), undefined);
    assert.equal(parseRetryAfter(null, 0), undefined);
    assert.throws(() => resolveRetry({ retries: -1 }), RangeError);
  });
});

describe('errors', () => {
  test("an error answer becomes a HanbillError with the server's status, code, field, requestId and legacy code", async () => {
    const { client } = await setup(() => ({ status: 400, body: apiError(400, 'field_invalid', 'document.buyer.id') }));
    const e = await rejection(client.documents.issue({ kind: 'tax_invoice' } as never));
    assert.equal(e.status, 400);
    assert.equal(e.code, 'field_invalid');
    assert.equal(e.field, 'document.buyer.id');
    assert.equal(e.requestId, 'req-field_invalid');
    assert.equal(e.legacyCode, '9999');
    assert.match(e.message, /^document\.buyer\.id: 오류 \(error\)$/);
    assert.equal(e.attempts, 1, 'a 4xx is not retried');
  });

  test('a non-JSON error answer becomes http_<status> with an excerpt', async () => {
    const { client } = await setup(() => ({ status: 404, body: 'no such thing', headers: { 'content-type': 'text/plain' } }));
    const e = await rejection(client.documents.get('X'));
    assert.equal(e.code, 'http_404');
    assert.match(e.message, /no such thing/);
  });

  test('a redirect is not followed: it is an error', async () => {
    const { server, client } = await setup(() => ({ status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } }));
    const e = await rejection(client.documents.get('X'));
    assert.equal(e.status, 302);
    assert.equal(server.seen.length, 1);
  });

  test('a subscription route without a subscription is a usage error before any request', async () => {
    const { server } = await setup(() => ({ status: 200, body: {} }));
    const client = new HanbillClient({ baseUrl: server.url, apiKey: 'pk' });
    const e = await rejection(client.documents.list());
    assert.equal(e.code, 'client_usage');
    assert.equal(e.field, 'subscription');
    assert.equal(server.seen.length, 0);
    assert.throws(() => new HanbillClient({ baseUrl: 'ftp://x' }), (err: HanbillError) => err.field === 'baseUrl');
  });
});

describe('requests', () => {
  test('Authorization, X-Svc-Key on subscription routes only, JSON body, encoded path and query', async () => {
    const { server, client } = await setup(() => ({ status: 200, body: { data: [], hasMore: false } }));
    await client.documents.list({ procState: 'S', limit: 3, dockeys: 'a,b' });
    await client.documents.get('a/b c');
    await client.billing.bills.list({ state: 'due' });
    const [list, get, bills] = server.seen;
    assert.equal(list!.url, '/v1/subscriptions/42/documents?procState=S&limit=3&dockeys=a%2Cb');
    assert.equal(list!.headers['authorization'], 'Bearer pk_test');
    assert.equal(list!.headers['x-svc-key'], 'svc-42');
    assert.equal(list!.headers['idempotency-key'], undefined, 'only POSTs carry a key');
    assert.equal(get!.url, '/v1/subscriptions/42/documents/a%2Fb%20c');
    assert.equal(bills!.url, '/v1/partner/bills?state=due');
    assert.equal(bills!.headers['x-svc-key'], undefined);
    const other = client.forSubscription({ id: 7, serviceKey: 'svc-7' });
    await other.nts.file(['D1', 'D2']);
    const filed = server.seen[3]!;
    assert.equal(filed.url, '/v1/subscriptions/7/nts-filings');
    assert.equal(filed.headers['x-svc-key'], 'svc-7');
    assert.equal(filed.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(filed.body), { dockeys: ['D1', 'D2'] });
  });

  test('a file answer (PDF) is returned as bytes; 204 as undefined', async () => {
    const { client } = await setup((req) => (req.method === 'DELETE' ? { status: 204 } : { status: 200, body: '%PDF-1.4', headers: { 'content-type': 'application/pdf' } }));
    const pdf = await client.documents.pdf('D1');
    assert.equal(Buffer.from(pdf).toString('latin1'), '%PDF-1.4');
    assert.equal(await client.documents.delete('D1'), undefined);
  });
});
