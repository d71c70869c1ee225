/**
 * Webhook deliveries per second (issue 14), beside the bound measured in the same run.
 *
 *  1. The bound: signed POSTs per second from a plain loop — the same HTTP function the deliver job uses
 *     (postWebhook: resolve, check, one new connection per request, no redirects) and the same HMAC signing, with as
 *     many concurrent loops as the webhook lane has job loops (main.ts: 4 on PGlite, 8 on PostgreSQL), to the same
 *     local receiver. No database.
 *  2. End to end: N events recorded in the log (one transaction per 500, as a bulk change would) for a partner with
 *     one endpoint subscribed to their type; the clock starts at the first commit and stops when the receiver has
 *     N requests with N distinct delivery ids: the dispatcher loop's fan-out, the claims, the deliver jobs, each
 *     attempt's POST and its log row. The first delivery's latency after its commit is printed too.
 *  3. Latency on the idle system: 20 single events, one at a time, each from its commit to the receiver (the
 *     dispatcher polls every HANBILL_WEBHOOK_POLL_MS, 200 ms by default: about half of it on average).
 *  4. The idle dispatcher with a full log: BENCH_LOG_EVENTS events (default 200,000, 30 days of a busy installation)
 *     of a partner without endpoints added to the log, then dispatcher rounds with nothing to do, each timed; a round
 *     runs every HANBILL_WEBHOOK_POLL_MS on every worker, whatever the traffic.
 *
 * Run: node --import tsx bench/webhooks.bench.ts                       BENCH_EVENTS=2000 (default)
 *      DATABASE_URL=postgres://postgres@127.0.0.1:5432/hanbill_bench node --import tsx bench/webhooks.bench.ts
 * Prints figures only; asserts that every event arrived once, signed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { startBenchSystem } from './support/bench-system.ts';
import { inTransaction } from '../src/platform/db/transaction.ts';
import { recordEvents } from '../src/modules/events/record-event.ts';
import { postWebhook } from '../src/modules/webhooks/webhook-http.ts';
import { createWebhooks } from '../src/modules/webhooks/webhooks.ts';
import { signatureHeader, verifyWebhookSignature } from '../src/modules/webhooks/webhook-signature.ts';
import { registerEndpoint, webhookPartner } from '../test/e2e/webhooks-support.ts';
import type { TestSystem } from '../test/support/test-system.ts';

const N = Number(process.env['BENCH_EVENTS'] ?? 2000);
const LOG_EVENTS = Number(process.env['BENCH_LOG_EVENTS'] ?? 200_000);
const engine = process.env['DATABASE_URL'] ? 'postgres' : 'pglite';
const LOOPS = engine === 'pglite' ? 4 : 8;

let received = 0;
let firstAt = 0;
const ids = new Set<string>();
let sample: { body: string; header: string } | undefined;
let onRequest: (() => void) | undefined;
const receiver = http.createServer((req, res) => {
  onRequest?.();
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received++;
    if (received === 1) firstAt = performance.now();
    const id = req.headers['hanbill-delivery'];
    if (typeof id === 'string') ids.add(id);
    if (!sample && id) sample = { body: Buffer.concat(chunks).toString('utf8'), header: String(req.headers['hanbill-signature']) };
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

// 1. the bound
const secret = 'whsec_benchbenchbenchbenchbenchbenchbenchbench';
const body = JSON.stringify({ id: '1', type: 'document.issued', occurredAt: '2026-12-06T12:00:00.000+09:00', subscriptionId: 1, object: { type: 'document', id: 'D1', state: 'S' }, data: {} });
let next = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: LOOPS }, async () => {
    while (next < N) {
      next++;
      const r = await postWebhook({ url, body, timeoutMs: 10_000, allowPrivate: true, headers: { 'content-type': 'application/json', 'hanbill-signature': signatureHeader([secret], Math.floor(Date.now() / 1000), body) } });
      if (r.status !== 200) throw new Error(`bound: ${r.status} ${r.error}`);
    }
  }),
);
const boundPerS = N / ((performance.now() - t0) / 1000);
received = 0;

// 2. end to end
const { sys, close } = await startBenchSystem('webhooks', { HANBILL_WEBHOOK_ALLOW_HTTP: '1', HANBILL_WEBHOOK_ALLOW_PRIVATE: '1' });
try {
  const p = await webhookPartner(sys as TestSystem);
  const ep = await registerEndpoint(p, url, ['document.issued']);
  const at = sys.ctx.clock.now();
  const start = performance.now();
  for (let i = 0; i < N; i += 500) {
    await inTransaction(sys.ctx.db, (tx) =>
      recordEvents(tx, Array.from({ length: Math.min(500, N - i) }, (_, k) => ({ type: 'document.issued' as const, objectId: `B${i + k}`, state: 'S', at, partnerId: p.partnerId }))),
    );
  }
  const deadline = Date.now() + 300_000;
  while (ids.size < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - start) / 1000;
  if (ids.size < N) throw new Error(`only ${ids.size} of ${N} delivered in 300 s`);
  await new Promise((r) => setTimeout(r, 300));
  const verified = sample ? verifyWebhookSignature({ body: sample.body, header: sample.header, secrets: [ep.secret] }).ok : false;
  if (!verified) throw new Error('a delivery did not verify');
  const perS = N / seconds;
  const latencies: number[] = [];
  for (let i = 0; i < 20; i++) {
    const got = new Promise<void>((resolve) => (onRequest = resolve));
    const t = performance.now();
    await inTransaction(sys.ctx.db, (tx) => recordEvents(tx, [{ type: 'document.issued', objectId: `L${i}`, state: 'S', at: sys.ctx.clock.now(), partnerId: p.partnerId }]));
    await got;
    latencies.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 37)); // not in step with the poll
  }
  latencies.sort((a, b) => a - b);

  // 4. idle rounds over a full log (the webhooks of the system keep running: time the rounds this process asks for)
  await sql`INSERT INTO events (partner_id, type, object_type, object_id, state, occurred_at)
            SELECT NULL, 'document.issued', 'document', 'F' || g, 'S', now() FROM generate_series(1, ${LOG_EVENTS}) g`.execute(sys.ctx.db);
  await sql`ANALYZE events`.execute(sys.ctx.db);
  await sys.webhooks.dispatch(); // past the filler
  // the same dispatcher on a database handle that counts statements and transactions (each also BEGIN and COMMIT)
  let statements = 0;
  let transactions = 0;
  const counting = sys.ctx.db.withPlugin({ transformQuery: (a) => (statements++, a.node), transformResult: async (a) => a.result });
  const begin = counting.transaction.bind(counting);
  counting.transaction = () => (transactions++, begin());
  const idle = createWebhooks({ ...sys.ctx, db: counting });
  const rounds: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    await idle.dispatch();
    rounds.push(performance.now() - t);
  }
  rounds.sort((a, b) => a - b);

  console.log(`webhooks bench (${engine}, ${N} events, ${LOOPS} loops in the lane)`);
  console.log(`  raw signed POSTs (plain loop, ${LOOPS} concurrent) ${boundPerS.toFixed(0).padStart(6)}/s   (bound)`);
  console.log(`  deliveries end to end                         ${perS.toFixed(0).padStart(6)}/s   ${(perS / boundPerS * 100).toFixed(0)} % of the bound; ${N} events in ${seconds.toFixed(2)} s`);
  console.log(`  first delivery after the first commit           ${(firstAt - start).toFixed(0).padStart(4)} ms`);
  console.log(`  one event on the idle system, commit → received  p50 ${latencies[9]!.toFixed(0)} ms, max ${latencies[19]!.toFixed(0)} ms (20 events)`);
  console.log(`  idle dispatcher round, ${LOG_EVENTS} events in the log  p50 ${rounds[14]!.toFixed(2)} ms, max ${rounds[29]!.toFixed(2)} ms (30 rounds), ${((statements + 2 * transactions) / 30).toFixed(1)} round trips to the database each`);
  console.log(`  requests received ${received}, distinct delivery ids ${ids.size} (duplicates: ${received - ids.size})`);
} finally {
  await close();
  receiver.closeAllConnections();
  receiver.close();
}
