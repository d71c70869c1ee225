// Issue-and-mail throughput and REST issue latency. Prints figures; asserts nothing.
//   node --import tsx bench/issue.bench.ts              (embedded PGlite in a temp folder)
//   DATABASE_URL=postgres://… node --import tsx bench/issue.bench.ts   (PostgreSQL; use a scratch database)
// Options: BENCH_DOCS (default 400), BENCH_CONCURRENCY (default 16), BENCH_BULK_ONLY=1 (skip the single POSTs).
// The bulk rows are printed beside their bound measured in the same run on the same engine: a pgbench-style
// insert rate (pgbench_history rows, 100 per transaction in one multi-row INSERT, through the same pool).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { sql } from 'kysely';
import { startSystem } from '../src/main.ts';
import { insertDocumentsBulk } from '../src/modules/documents/insert-documents-bulk.ts';
import { silentLogger } from '../src/platform/context.ts';
import { onboard } from '../test/support/onboard.ts';
import { benchInvoice } from './support/bench-invoice.ts';

const N = Number(process.env['BENCH_DOCS'] ?? 400);
const C = Number(process.env['BENCH_CONCURRENCY'] ?? 16);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-bench-'));
const config = loadConfig({
  PORT: '0', HOST: '127.0.0.1', HANBILL_DATA_DIR: dataDir, LOG_LEVEL: 'silent',
  HANBILL_MASTER_KEY: crypto.randomBytes(32).toString('hex'), HANBILL_OPERATOR_TOKEN: crypto.randomBytes(24).toString('base64url'),
  ...(process.env['DATABASE_URL'] ? { DATABASE_URL: process.env['DATABASE_URL'] } : {}),
  NTS_SIM_RESULT_DELAY_MS: '600000',
});
const sys = await startSystem(config, { logger: silentLogger });
const engine = sys.database.engine;
const url = sys.url!;

const doc = benchInvoice;

async function post(sub: { sinchno: number; svcKey: string }, pathPart: string, body: unknown): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${url}/v1/subscriptions/${sub.sinchno}/documents${pathPart}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-svc-key': sub.svcKey }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  if (res.status >= 300) throw new Error(`HTTP ${res.status}`);
  return performance.now() - t0;
}

async function mailedCount(sinchno: number): Promise<number> {
  const r = await sys.ctx.db.selectFrom('mail_outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('subscription_id', '=', sinchno).where('state', '=', 'sent').executeTakeFirstOrThrow();
  return Number(r.n);
}

async function waitMailed(sinchno: number, n: number): Promise<void> {
  while ((await mailedCount(sinchno)) < n) await new Promise((r) => setTimeout(r, 50));
}

const pct = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const rows: string[][] = [];

// warm-up: JIT, font load, PDF renderer, pooled SMTP connections
const warm = await onboard(url);
for (let i = 0; i < 10; i++) await post(warm, '', { issue: true, document: doc(i) });
await waitMailed(warm.sinchno, 10);

if (process.env['BENCH_BULK_ONLY'] !== '1') { // single requests, C at a time
  const sub = await onboard(url);
  const lat: number[] = [];
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: C }, async () => {
    while (next < N) {
      const i = next++;
      lat.push(await post(sub, '', { issue: true, document: doc(i) }));
    }
  }));
  const acked = performance.now() - t0;
  await waitMailed(sub.sinchno, N);
  const mailed = performance.now() - t0;
  rows.push([`single POST, ${C} concurrent`, String(N), (N / (acked / 1000)).toFixed(0), (N / (mailed / 1000)).toFixed(0), pct(lat, 50).toFixed(1), pct(lat, 99).toFixed(1)]);
}

/** pgbench-style bound: pgbench_history rows, 100 per transaction in one multi-row INSERT; rows/s. */
async function batchInsertRate(rowsTotal: number): Promise<number> {
  const db = sys.ctx.db;
  await sql`CREATE TABLE IF NOT EXISTS bench_pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22))`.execute(db);
  const t0 = performance.now();
  for (let b = 0; b < rowsTotal / 100; b++) {
    const values = sql.join(Array.from({ length: 100 }, (_, i) => sql`(${i % 10}, 1, ${b * 100 + i}, ${(i * 7919) % 5000}, now(), null)`));
    await db.transaction().execute((tx) => sql`INSERT INTO bench_pgbench_history (tid, bid, aid, delta, mtime, filler) VALUES ${values}`.execute(tx));
  }
  const rate = rowsTotal / ((performance.now() - t0) / 1000);
  await sql`DROP TABLE bench_pgbench_history`.execute(db);
  return rate;
}
const bound = await batchInsertRate(Math.max(N, 2000));
const ratio = (docsPerS: number) => `${(docsPerS / bound).toFixed(3)}`;
const bulkRows: string[][] = [];

{ // in process: insertDocumentsBulk of 100, sequential (no HTTP, no JSON)
  const sub = await onboard(url);
  const tenant = { subscriptionId: sub.sinchno, ...(await sys.ctx.db.selectFrom('subscriptions').select(['member_id as memberId', 'package_id as packageId']).where('id', '=', sub.sinchno).executeTakeFirstOrThrow()) };
  const t0 = performance.now();
  for (let b = 0; b < N / 100; b++) {
    const r = await insertDocumentsBulk(sys.ctx, tenant, Array.from({ length: 100 }, (_, i) => ({ input: doc(b * 100 + i), issue: true })));
    if (r.some((x) => !x.ok)) throw new Error('bulk item refused');
  }
  const rate = N / ((performance.now() - t0) / 1000);
  bulkRows.push(['insertDocumentsBulk of 100, in process, sequential', String(N), rate.toFixed(0), bound.toFixed(0), ratio(rate)]);
  await waitMailed(sub.sinchno, N); // each mode starts without the previous one's mail backlog (its own mail is in flight)
}

{ // bulk requests of 100, 4 in flight (the customer's flow of issue 13)
  const sub = await onboard(url);
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < N / 100) {
      const b = next++;
      await post(sub, '/bulk', { documents: Array.from({ length: 100 }, (_, i) => ({ issue: true, document: doc(b * 100 + i) })) });
    }
  }));
  const rate = N / ((performance.now() - t0) / 1000);
  bulkRows.push(['bulk POST of 100, 4 in flight (HTTP ack)', String(N), rate.toFixed(0), bound.toFixed(0), ratio(rate)]);
  await waitMailed(sub.sinchno, N);
}

{ // bulk requests of 100
  const sub = await onboard(url);
  const t0 = performance.now();
  const lat: number[] = [];
  for (let b = 0; b < N / 100; b++) {
    lat.push(await post(sub, '/bulk', { documents: Array.from({ length: 100 }, (_, i) => ({ issue: true, document: doc(b * 100 + i) })) }));
  }
  const acked = performance.now() - t0;
  await waitMailed(sub.sinchno, N);
  const mailed = performance.now() - t0;
  rows.push(['bulk POST of 100, sequential', String(N), (N / (acked / 1000)).toFixed(0), (N / (mailed / 1000)).toFixed(0), `${pct(lat, 50).toFixed(0)}/req`, `${pct(lat, 99).toFixed(0)}/req`]);
  bulkRows.push(['bulk POST of 100, sequential (HTTP ack)', String(N), (N / (acked / 1000)).toFixed(0), bound.toFixed(0), ratio(N / (acked / 1000))]);
}

console.log(`\nIssue-and-mail on ${engine} (${os.cpus().length} cores, Node ${process.version}); mail: pooled SMTP to the in-process catcher, each with PDF + XML`);
console.log('| mode | documents | issued/s (HTTP ack) | issued+mailed/s | p50 ms | p99 ms |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(`\nBulk issuance on ${engine} beside the same run's pgbench-style bound (pgbench_history rows, 100 per transaction, one multi-row INSERT); goal ≥ 1,000 docs/s on PGlite, ≥ 5,000 on PostgreSQL`);
console.log('| mode | documents | docs/s | bound rows/s | docs/s ÷ bound |');
console.log('|---|---|---|---|---|');
for (const r of bulkRows) console.log(`| ${r.join(' | ')} |`);

await sys.close();
fs.rmSync(dataDir, { recursive: true, force: true });
