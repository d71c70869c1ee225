// Observability (issue 15 item 3): the request id on every log line of a request (modules' ctx.log lines too) and
// in every answer (X-Request-Id, error bodies), a caller's X-Request-Id validated; GET /metrics behind its token
// (loopback only without one), counting requests by route pattern and reading queue depth from the jobs table;
// /readyz on a closed database answers a fixed text and the request id, the reason going to the log only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import net from 'node:net';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { createLogger } from '../../src/platform/log-redaction.ts';
import { enqueueJob } from '../../src/platform/jobs.ts';
import { freshLoginId, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { legacyPost } from '../support/http.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const METRICS_TOKEN = crypto.randomBytes(24).toString('base64url');

function captured(): { lines: Record<string, unknown>[]; logger: ReturnType<typeof createLogger> } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger('info', sink) };
}

let sys: TestSystem;
let log: Record<string, unknown>[];
before(async () => {
  const c = captured();
  log = c.lines;
  sys = await startTestSystem({ LOG_LEVEL: 'info', HANBILL_METRICS_TOKEN: METRICS_TOKEN }, { logger: c.logger });
});
after(async () => {
  await sys.close();
});

/** The log lines written while `fn` ran (the system's own background lines are those of jobs: they carry jobId). */
async function linesDuring<T>(fn: () => Promise<T>): Promise<{ result: T; lines: Record<string, unknown>[] }> {
  const from = log.length;
  const result = await fn();
  await new Promise((r) => setTimeout(r, 20)); // pino writes asynchronously to a stream
  return { result, lines: log.slice(from) };
}

describe('request id', () => {
  test('a valid X-Request-Id is kept: in the answer header, the error body, and on every log line of the request — a module\'s ctx.log line included', async () => {
    const id = `obs.${freshLoginId()}_A-1`;
    // an unsigned bank notice: the module logs a warning through ctx.log, after the JSON body was read
    const { result: res, lines } = await linesDuring(() =>
      fetch(`${sys.url}/bank/notices`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': id }, body: JSON.stringify({ type: 'deposit', pad: 'x'.repeat(100_000) }) }),
    );
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('x-request-id'), id);
    await res.arrayBuffer();
    const moduleLine = lines.find((l) => l['msg'] === 'bank notice refused: bad or missing signature');
    assert.ok(moduleLine, `the module's line is logged: ${JSON.stringify(lines)}`);
    assert.equal(moduleLine['reqId'], id);
    const ofRequest = lines.filter((l) => l['jobId'] === undefined);
    assert.ok(ofRequest.length >= 1);
    for (const l of ofRequest) assert.equal(l['reqId'], id, `every line of the request carries its id: ${JSON.stringify(l)}`);
  });

  test('Fastify\'s request lines and a REST error answer carry the same id', async () => {
    const id = `r-${freshLoginId()}`;
    const { result: res, lines } = await linesDuring(() => fetch(`${sys.url}/v1/members`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': id }, body: '{"bizno":"1"}' }));
    const body = (await res.json()) as { error: { requestId: string } };
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-request-id'), id);
    assert.equal(body.error.requestId, id);
    const mine = lines.filter((l) => l['jobId'] === undefined);
    assert.ok(mine.some((l) => l['msg'] === 'incoming request') && mine.some((l) => l['msg'] === 'request completed'), JSON.stringify(mine));
    for (const l of mine) assert.equal(l['reqId'], id);
  });

  test('an X-Request-Id that is too long or has other characters is replaced by a fresh UUID', async () => {
    for (const bad of ['x'.repeat(129), 'has space', 'semi;colon', 'slash/es', '']) {
      const res = await fetch(`${sys.url}/v1/no-such-route`, { headers: { 'x-request-id': bad } });
      const body = (await res.json()) as { error: { requestId: string; code: string } };
      assert.equal(res.status, 404);
      assert.equal(body.error.code, 'route_not_found');
      assert.match(res.headers.get('x-request-id') ?? '', UUID, JSON.stringify(bad));
      assert.equal(body.error.requestId, res.headers.get('x-request-id'));
    }
    const longest = 'a'.repeat(128);
    const ok = await fetch(`${sys.url}/healthz`, { headers: { 'x-request-id': longest } });
    assert.equal(ok.headers.get('x-request-id'), longest);
    await ok.arrayBuffer();
    const none = await fetch(`${sys.url}/healthz`);
    assert.match(none.headers.get('x-request-id') ?? '', UUID);
    await none.arrayBuffer();
  });

  test('an HTML error page (member web, console) shows the request id under its error, the same as its header', async () => {
    for (const [path, form] of [
      ['/member/login', { bizno: '1234567890', loginId: 'nobody', password: 'Wrong-pass1' }],
      ['/console/login', { loginId: 'nobody', password: 'Wrong-pass1' }],
    ] as const) {
      const res = await fetch(`${sys.url}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: sys.url }, body: new URLSearchParams(form).toString() });
      const page = await res.text();
      assert.ok(res.status >= 400 && res.status < 500, `${path}: ${res.status}`);
      const id = res.headers.get('x-request-id') ?? '';
      assert.match(id, UUID);
      assert.ok(page.includes('role="alert"'), `${path}: an error banner`);
      assert.ok(page.includes(`data-request-id="${id}"`), `${path}: the request id under it`);
    }
  });

  test('a legacy error answer carries request_id, the same as its header', async () => {
    const r = await legacyPost(sys.url, '_member.aspx', { cmd: 'INSERT', bizno: '12' });
    assert.notEqual(r.code, '0000');
    assert.match(String(r['request_id']), UUID);
  });
});

describe('/metrics', () => {
  const scrape = async (auth?: string) => {
    const res = await fetch(`${sys.url}/metrics`, { headers: auth ? { authorization: auth } : {} });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };

  test('refused without the token or with another one; answered with it, in text format 0.0.4', async () => {
    const none = await scrape();
    assert.equal(none.status, 401);
    assert.equal((JSON.parse(none.text) as { error: { code: string; field: string } }).error.field, 'Authorization');
    assert.equal((await scrape(`Bearer ${METRICS_TOKEN}x`)).status, 401);
    assert.equal((await scrape(`Bearer ${sys.operatorToken}`)).status, 401, 'the operator token is not the metrics token');
    const ok = await scrape(`Bearer ${METRICS_TOKEN}`);
    assert.equal(ok.status, 200);
    assert.equal(ok.type, 'text/plain; version=0.0.4; charset=utf-8');
    assert.match(ok.text, /^# TYPE hanbill_http_requests_total counter$/m);
    assert.match(ok.text, /^# TYPE hanbill_http_request_duration_seconds histogram$/m);
    assert.match(ok.text, /^process_resident_memory_bytes \d+$/m);
    assert.match(ok.text, /^nodejs_eventloop_utilization [\d.]+$/m);
    assert.match(ok.text, /^hanbill_database_up 1$/m);
    // every sample line is `name{labels} value`
    for (const line of ok.text.split('\n').filter((l) => l && !l.startsWith('#'))) assert.match(line, /^[a-z_:][a-z0-9_:]*(\{[^}]*\})? (-?[\d.e+-]+|NaN|\+Inf)$/, line);
  });

  test('without a token configured, only loopback callers get an answer; others the 404 of an unknown path', async () => {
    const config = sys.ctx.config;
    sys.ctx.config = { ...config, metricsToken: undefined };
    try {
      const local = await sys.app!.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' });
      assert.equal(local.statusCode, 200);
      const remote = await sys.app!.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' });
      assert.equal(remote.statusCode, 404);
      assert.equal(remote.json().error.code, 'route_not_found');
    } finally {
      sys.ctx.config = config;
    }
  });

  test('requests are counted by route pattern (never the URL sent), unknown paths as "unmatched"', async () => {
    const sub = `9${crypto.randomInt(1e8, 1e9)}`;
    // the sum over every status of one method and route
    const count = (text: string, labels: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith(`hanbill_http_requests_total{${labels},status="`))
        .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    const route = 'method="GET",route="/v1/subscriptions/:subscriptionId/documents/:dockey"';
    const before = await scrape(`Bearer ${METRICS_TOKEN}`);
    for (let i = 0; i < 3; i++) await (await fetch(`${sys.url}/v1/subscriptions/${sub}/documents/DOCKEY${i}`)).arrayBuffer();
    await (await fetch(`${sys.url}/no/such/${sub}`)).arrayBuffer();
    const afterScrape = await scrape(`Bearer ${METRICS_TOKEN}`);
    assert.equal(count(afterScrape.text, route) - count(before.text, route), 3, afterScrape.text.split('\n').filter((l) => l.includes('documents/:dockey')).join('\n'));
    const unmatched = 'method="GET",route="unmatched"';
    assert.ok(count(afterScrape.text, unmatched) - count(before.text, unmatched) >= 1);
    assert.ok(!afterScrape.text.includes(sub), 'no raw URL (with its ids) is a label');
    assert.match(afterScrape.text, /^hanbill_http_request_duration_seconds_count\{method="GET",route="\/v1\/subscriptions\/:subscriptionId\/documents\/:dockey"\} \d+$/m);
    assert.match(afterScrape.text, /^hanbill_http_request_duration_seconds_bucket\{method="GET",route="\/v1\/subscriptions\/:subscriptionId\/documents\/:dockey",le="\+Inf"\} \d+$/m);
  });

  test('queue depth and the oldest due age of a queue with due jobs come from the jobs table', async () => {
    // a queue no worker serves: its jobs stay due
    const queue = `obs_${freshLoginId()}`;
    await enqueueJob(sys.ctx.db, queue, { n: 1 }, { runAt: new Date(Date.now() - 120_000) });
    await enqueueJob(sys.ctx.db, queue, { n: 2 });
    await enqueueJob(sys.ctx.db, queue, { n: 3 }, { runAt: new Date(Date.now() + 3_600_000) });
    try {
      const { text } = await scrape(`Bearer ${METRICS_TOKEN}`);
      assert.match(text, new RegExp(`^hanbill_job_queue_depth\\{queue="${queue}"\\} 2$`, 'm'));
      assert.match(text, new RegExp(`^hanbill_job_queue_scheduled\\{queue="${queue}"\\} 1$`, 'm'));
      assert.match(text, new RegExp(`^hanbill_job_queue_running\\{queue="${queue}"\\} 0$`, 'm'));
      const age = Number(new RegExp(`^hanbill_job_queue_oldest_due_age_seconds\\{queue="${queue}"\\} ([\\d.]+)$`, 'm').exec(text)?.[1]);
      assert.ok(age >= 119 && age < 600, String(age));
    } finally {
      await sql`DELETE FROM jobs WHERE queue = ${queue}`.execute(sys.ctx.db);
    }
  });
});

test('/readyz on a closed database: 503, a fixed text and the request id; the reason only in the log', async () => {
  const c = captured();
  const broken = await startTestSystem({ LOG_LEVEL: 'info' }, { logger: c.logger });
  try {
    const ok = await fetch(`${broken.url}/readyz`);
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();
    await broken.database.close();
    const res = await fetch(`${broken.url}/readyz`, { headers: { 'x-request-id': 'readyz-check-1' } });
    const text = await res.text();
    assert.equal(res.status, 503);
    assert.deepEqual(JSON.parse(text), { status: 'unavailable', database: 'unavailable', requestId: 'readyz-check-1' });
    assert.equal(res.headers.get('x-request-id'), 'readyz-check-1');
    await new Promise((r) => setTimeout(r, 20));
    const logged = c.lines.filter((l) => l['reqId'] === 'readyz-check-1' && l['msg'] === 'readiness check: database unavailable');
    assert.equal(logged.length, 1);
    assert.ok(JSON.stringify(logged[0]!['err']).length > 10, 'the error itself is in the log line');
  } finally {
    // its database is already closed: closing it again may refuse, the rest of the system is stopped all the same
    await broken.close().catch(() => {});
  }
});

test('a worker-only process serves GET /metrics on HANBILL_METRICS_PORT (same token rule), nothing else', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(p));
    });
  });
  const worker = await startTestSystem({ HANBILL_ROLES: 'worker', HANBILL_METRICS_PORT: String(port), HANBILL_METRICS_TOKEN: METRICS_TOKEN });
  const queue = `obsw_${freshLoginId()}`;
  try {
    assert.equal(worker.app, undefined, 'no api');
    await enqueueJob(worker.ctx.db, queue, { n: 1 });
    const base = `http://127.0.0.1:${port}`;
    const refused = await fetch(`${base}/metrics`);
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('x-request-id')?.length, 36);
    await refused.arrayBuffer();
    const ok = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    const text = await ok.text();
    assert.equal(ok.status, 200);
    assert.match(text, /^# TYPE hanbill_jobs_finished_total counter$/m);
    assert.match(text, new RegExp(`^hanbill_job_queue_depth\\{queue="${queue}"\\} 1$`, 'm'));
    const other = await fetch(`${base}/healthz`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(other.status, 404);
    await other.arrayBuffer();
  } finally {
    await sql`DELETE FROM jobs WHERE queue = ${queue}`.execute(worker.ctx.db);
    await worker.close();
  }
});
