/**
 * The job claim with a deep backlog (migration 0022): BENCH_PENDING jobs (default 8,000) enqueued at once on one queue
 * (one run_at, as a bulk enqueues its mail), then BENCH_JOBS of them (default 500) claimed, run (no-op) and finished
 * by a JobWorker — ms per job — beside the bound measured in the same run: the two single-row UPDATEs by primary key a
 * job costs at least (its claim and its finish). Also with a lane of three queues (the first holding the backlog).
 *
 * Run: node --import tsx bench/job-claim.bench.ts            (embedded PGlite in a temp folder)
 *      DATABASE_URL=postgres://… node --import tsx bench/job-claim.bench.ts   (a scratch database)
 * Prints figures only; asserts nothing. Measured 2026-12-06, load 1.5–1.7, A/B against the claim before 0022
 * (8891cd6): PGlite 3.11 → 1.29 ms per job (lane of three 2.91 → 0.87), PostgreSQL 2.10 → 1.08 (1.97 → 0.91).
 */
import os from 'node:os';
import { sql } from 'kysely';
import { enqueueJobs, JobWorker } from '../src/platform/jobs.ts';
import { startBenchSystem } from './support/bench-system.ts';

const PENDING = Number(process.env['BENCH_PENDING'] ?? 8000);
const JOBS = Math.min(PENDING, Number(process.env['BENCH_JOBS'] ?? 500));
const { sys, close } = await startBenchSystem('claim', { HANBILL_ROLES: 'api' });
const db = sys.ctx.db;
try {
  const tag = `bench${Date.now()}`;
  const queues = [`${tag}.a`, `${tag}.b`, `${tag}.c`];
  for (let i = 0; i < PENDING; i += 1000) {
    await enqueueJobs(db, Array.from({ length: Math.min(1000, PENDING - i) }, (_, k) => ({ queue: queues[0]!, payload: { n: i + k } })));
  }
  await enqueueJobs(db, [{ queue: queues[1]!, payload: {} }, { queue: queues[2]!, payload: {} }].flatMap((j) => Array.from({ length: 100 }, () => j)));
  await sql`ANALYZE jobs`.execute(db);

  const perJob = async (lane: string[], n: number) => {
    const worker = new JobWorker(db, { handlers: Object.fromEntries(lane.map((q) => [q, async () => {}])) });
    const t = performance.now();
    const done = await worker.drain(n);
    return (performance.now() - t) / done;
  };
  const one = await perJob([queues[0]!], JOBS);
  const lane = await perJob(queues, JOBS);

  // the bound: a claim and a finish are two single-row UPDATEs by primary key at least
  const ids = (await db.selectFrom('jobs').select('id').where('queue', '=', queues[0]!).where('state', '=', 'pending').limit(JOBS).execute()).map((r) => r.id);
  const t = performance.now();
  for (const id of ids) {
    await sql`UPDATE jobs SET attempts = attempts WHERE id = ${id}`.execute(db);
    await sql`UPDATE jobs SET attempts = attempts WHERE id = ${id}`.execute(db);
  }
  const bound = (performance.now() - t) / ids.length;

  console.log(`job claim with ${PENDING} jobs pending on one queue (${sys.database.engine}, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(2)})`);
  console.log(`  claim + no-op + finish, one queue         ${one.toFixed(2)} ms per job (${JOBS} jobs)`);
  console.log(`  the same, a lane of three queues          ${lane.toFixed(2)} ms per job`);
  console.log(`  bound: two single-row UPDATEs by id       ${bound.toFixed(2)} ms per job; ratio ${(bound / one).toFixed(2)}`);
} finally {
  await close();
}
