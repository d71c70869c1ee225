/**
 * What one bulk batch of 100 issued documents costs, with nothing else running (the `api` role: its mail is queued,
 * never sent): wall ms, this process's CPU and — on a PostgreSQL on this machine — the server's CPU per batch (the
 * ticks of every `postgres` process, /proc), beside the bound measured in the same run: a pgbench-style 100-row
 * INSERT (pgbench_history rows) through the same pool, its wall ms and the server's CPU.
 *
 * Run: node --import tsx bench/bulk-write-cost.bench.ts            (embedded PGlite in a temp folder: no server CPU)
 *      DATABASE_URL=postgres://…/scratch node --import tsx bench/bulk-write-cost.bench.ts
 * Options: BENCH_BATCHES (default 30). Prints figures only; asserts nothing.
 */
import os from 'node:os';
import { sql } from 'kysely';
import { insertDocumentsBulk } from '../src/modules/documents/insert-documents-bulk.ts';
import { onboard } from '../test/support/onboard.ts';
import { benchInvoice } from './support/bench-invoice.ts';
import { startBenchSystem } from './support/bench-system.ts';
import { postgresCpuMs } from './support/proc-cpu.ts';

const BATCHES = Number(process.env['BENCH_BATCHES'] ?? 30);
const { sys, close } = await startBenchSystem('bulk-cost', { HANBILL_ROLES: 'api' });
const db = sys.ctx.db;
const postgres = sys.database.engine !== 'pglite';

const doc = benchInvoice;

/** CPU ms of every `postgres` process on this machine (0 on PGlite, whose database runs in this process). */
const serverCpuMs = (): number => (postgres ? postgresCpuMs() : 0);

async function measure(batches: number, run: (b: number) => Promise<void>) {
  const c0 = serverCpuMs();
  const u0 = process.cpuUsage();
  const t0 = performance.now();
  for (let b = 0; b < batches; b++) await run(b);
  const u = process.cpuUsage(u0);
  return { wall: (performance.now() - t0) / batches, cpu: (u.user + u.system) / 1000 / batches, server: (serverCpuMs() - c0) / batches };
}

try {
  const sub = await onboard(sys.url!);
  const tenant = { subscriptionId: sub.sinchno, ...(await db.selectFrom('subscriptions').select(['member_id as memberId', 'package_id as packageId']).where('id', '=', sub.sinchno).executeTakeFirstOrThrow()) };
  const batch = (b: number) => Array.from({ length: 100 }, (_, i) => ({ input: doc(b * 100 + i), issue: true }));
  for (let w = 0; w < 3; w++) await insertDocumentsBulk(sys.ctx, tenant, batch(1000 + w)); // warm-up
  const inputs = Array.from({ length: BATCHES }, (_, b) => batch(b));
  const docs = await measure(BATCHES, async (b) => {
    const r = await insertDocumentsBulk(sys.ctx, tenant, inputs[b]!);
    if (r.some((x) => !x.ok)) throw new Error('bulk item refused');
  });

  await sql`CREATE TABLE IF NOT EXISTS bench_pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22))`.execute(db);
  const bound = await measure(BATCHES * 3, async (b) => {
    const values = sql.join(Array.from({ length: 100 }, (_, i) => sql`(${i % 10}, 1, ${b * 100 + i}, ${(i * 7919) % 5000}, now(), null)`));
    await db.transaction().execute((tx) => sql`INSERT INTO bench_pgbench_history (tid, bid, aid, delta, mtime, filler) VALUES ${values}`.execute(tx));
  });
  await sql`DROP TABLE bench_pgbench_history`.execute(db);

  const server = (ms: number) => (postgres ? `${ms.toFixed(1)} ms` : '—');
  console.log(`One bulk batch of 100 issued documents, nothing else running (${sys.database.engine}, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(2)}, ${BATCHES} batches)`);
  console.log('| per batch of 100 | wall | this process CPU | PostgreSQL CPU | docs/s |');
  console.log('|---|---|---|---|---|');
  console.log(`| insertDocumentsBulk (issue, mail queued) | ${docs.wall.toFixed(1)} ms | ${docs.cpu.toFixed(1)} ms | ${server(docs.server)} | ${(100_000 / docs.wall).toFixed(0)} |`);
  console.log(`| bound: pgbench-style 100-row INSERT | ${bound.wall.toFixed(1)} ms | ${bound.cpu.toFixed(1)} ms | ${server(bound.server)} | ${(100_000 / bound.wall).toFixed(0)} rows/s |`);
} finally {
  await close();
}
