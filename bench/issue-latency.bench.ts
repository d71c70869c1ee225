/**
 * Single REST issue latency on an otherwise idle server (issue 13: p99 ≤ 15 ms at 200 requests/s on PostgreSQL):
 * the built server started as `npm start` starts it (bench/customer-flow.bench.ts `startServer`: embedded PGlite
 * in a temp folder, or PostgreSQL when DATABASE_URL is set), one member with a certificate, then
 * `POST /v1/subscriptions/{id}/documents` with `issue: true` from a separate open-loop load process
 * (bench/fixed-rate-load.ts) at each rate for a fixed time. Nothing else runs against the server; the mail each
 * issued document queues is sent by the same server while the load runs (mail on, as the customer's server does) —
 * HANBILL_MAIL_PDF=off in the environment renders no PDF for it. After each rate the bench waits until every
 * document issued so far is mailed (a light MULTILIST by send date, once a second) and prints how long that took
 * after the load (to the second), and the server's CPU per issue including all of its mail.
 *
 * Run: npm run build && node --import tsx bench/issue-latency.bench.ts
 *      DATABASE_URL=postgres://postgres@127.0.0.1:5432/<scratch db> node --import tsx bench/issue-latency.bench.ts
 *      BENCH_RATES=50,100,200 BENCH_RATE_SECONDS=10 BENCH_CPU_PROF=/tmp/prof-dir …   (server under node --cpu-prof)
 *      BENCH_IDLE_SECONDS=15 …   (the server idles before each rate after the first: a burst after a quiet spell)
 *      BENCH_LOCK_SAMPLES=1 DATABASE_URL=…   (PostgreSQL: backends waiting on a lock, sampled every 10 ms)
 *      BENCH_LOAD_TRACE=/tmp/trace-dir …   (each request's due time, latency and status, one file per rate)
 *      BENCH_MAIL=off …   (HANBILL_ROLES=api: the mail is queued, never sent — the request path alone)
 * Prints figures only; asserts nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { memberWithCertificate, sampleDocument, todayKst } from '../test/e2e/nts-support.ts';
import type { TestSystem } from '../test/support/test-system.ts';
import { runLoadProcess, sampleRss, startServer } from './customer-flow.bench.ts';
import { legacyPost } from '../test/support/http.ts';
import type { LoadResult } from './fixed-rate-load.ts';
import { processCpuMs } from './support/proc-cpu.ts';
import pg from 'pg';

const databaseUrl = process.env['DATABASE_URL'] || undefined;
const rates = (process.env['BENCH_RATES'] ?? '50,100,200').split(',').map(Number);
const seconds = Number(process.env['BENCH_RATE_SECONDS'] ?? 10);
/** BENCH_IDLE_SECONDS: the server idles this long before each rate after the first (a burst after a quiet spell). */
const idleSeconds = Number(process.env['BENCH_IDLE_SECONDS'] ?? 0);
const goalP99 = 15;
const engine = databaseUrl ? `PostgreSQL (${new URL(databaseUrl).pathname.slice(1)})` : 'PGlite (embedded)';
const mailPdf = process.env['HANBILL_MAIL_PDF'] ?? 'on';
/** BENCH_MAIL=off: the server runs the `api` role only, so the mail jobs are queued but no worker sends them (the request path alone). */
const mailOn = process.env['BENCH_MAIL'] !== 'off';
const log = (s: string) => process.stderr.write(`[issue-latency ${engine}] ${s}\n`);

/** BENCH_LOAD_TRACE=<dir>: each rate's requests, one line each (due ms from the start, latency ms, status), to find when the slow ones cluster. */
const traceDir = process.env['BENCH_LOAD_TRACE'];
if (traceDir) fs.mkdirSync(traceDir, { recursive: true });
const profDir = process.env['BENCH_CPU_PROF'];
if (profDir) fs.mkdirSync(profDir, { recursive: true });
const nodeArgs = profDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profDir)}`] : [];

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-bench-latency-'));
const server = await startServer(databaseUrl, dataDir, { nodeArgs, ...(mailOn ? {} : { env: { HANBILL_ROLES: 'api' } }) });
log(`server ready at ${server.url}; ${mailOn ? `mail on, PDF ${mailPdf}` : 'no mail'}`);
const rss = sampleRss(server.child.pid!);
const results: { rate: number; load: LoadResult; loadavg: string; drainSeconds: number; cpuMsPerIssue: number; lockWaiters: string }[] = [];

/**
 * PostgreSQL: how many of the database's backends wait on a lock (pg_stat_activity, wait_event_type 'Lock'), sampled
 * every 10 ms while the load runs — issues queue on the write date's approval-number row (issue-serials.ts), so this
 * says how much of the latency is that queue. Its mean and the share of samples with any waiter. BENCH_LOCK_SAMPLES=1
 * only: the 100 queries a second are load of their own on a small machine.
 */
const lockSamples = process.env['BENCH_LOCK_SAMPLES'] === '1';
function sampleLockWaiters(url: string): { stop(): Promise<string> } {
  const client = new pg.Client({ connectionString: url });
  let samples = 0;
  let waiters = 0;
  let withAny = 0;
  let running = true;
  const done = (async () => {
    await client.connect();
    while (running) {
      const r = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
      samples++;
      waiters += r.rows[0]!.n;
      if (r.rows[0]!.n > 0) withAny++;
      await new Promise((res) => setTimeout(res, 10));
    }
    await client.end();
  })();
  return {
    async stop() {
      running = false;
      await done;
      return samples ? `${(waiters / samples).toFixed(2)} (${((100 * withAny) / samples).toFixed(0)} %)` : '—';
    },
  };
}
try {
  const { member } = await memberWithCertificate({ url: server.url } as TestSystem);
  const today = todayKst();
  let issued = 0;
  const document = sampleDocument('0101', member.bizno, today);
  const mailedToday = async () => {
    const r = await legacyPost(server.url, 'document.aspx', { cmd: 'MULTILIST', sinch_no: member.subscriptionId, svc_key: member.svcKey, sdate: today, edate: today, date_type: 'S', page_size: 1 });
    if (r.code !== '0000') throw new Error(`MULTILIST: ${r.code} ${r.msg}`);
    return Number(r['total']);
  };
  for (const rate of rates) {
    if (idleSeconds > 0 && results.length > 0) {
      log(`idle for ${idleSeconds} s`);
      await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    }
    log(`${rate} requests/s for ${seconds} s`);
    const cpu0 = processCpuMs(server.child.pid!);
    const locks = databaseUrl && lockSamples ? sampleLockWaiters(databaseUrl) : undefined;
    const load = await runLoadProcess({
      url: `${server.url}/v1/subscriptions/${member.subscriptionId}/documents`,
      headers: { 'x-svc-key': member.svcKey },
      body: { issue: true, document },
      rate,
      durationMs: seconds * 1000,
      ...(traceDir ? { traceFile: path.join(traceDir, `rate-${rate}-${results.length + 1}.txt`) } : {}),
    });
    // every document of this rate mailed (a light MULTILIST counts those sent today), so the CPU per issue holds
    // all of its mail: read before that, it left out the mail still queued (the earlier 4.5–5.5 ms figure did)
    const lockWaiters = locks ? await locks.stop() : databaseUrl ? 'not sampled' : 'n/a (one connection)';
    issued += load.ok;
    if (load.ok < load.sent) log(`statuses: ${JSON.stringify(load.statuses)}`);
    const tLoadEnd = performance.now();
    const loadavg = os.loadavg()[0]!.toFixed(2);
    const deadline = tLoadEnd + 300_000;
    while (mailOn && (await mailedToday()) < issued) {
      if (performance.now() > deadline) throw new Error(`mail not drained within 300 s at ${rate}/s`);
      // each poll is a request, and requests make the mail yield (platform/foreground.ts): poll sparsely
      await new Promise((r) => setTimeout(r, 1000));
    }
    const drainSeconds = (performance.now() - tLoadEnd) / 1000;
    results.push({ rate, load, loadavg, drainSeconds, cpuMsPerIssue: (processCpuMs(server.child.pid!) - cpu0) / Math.max(1, load.ok), lockWaiters });
  }
} finally {
  rss.stop();
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

console.log(`Single REST issue (issue: true, ${mailOn ? `mail on, PDF ${mailPdf}` : 'mail queued, not sent: api role only'}) — ${engine}, Node ${process.version}, ${os.cpus().length} cores`);
console.log('| rate goal | achieved | ok / sent | p50 ms | p90 ms | p99 ms | p99 goal | max ms | all mailed, s after the load | server CPU ms / issue (incl. its mail) | backends waiting on a lock: mean (share of 10 ms samples) | load avg (1 min) |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const { rate, load, loadavg, drainSeconds, cpuMsPerIssue, lockWaiters } of results) {
  const f = (n: number) => n.toFixed(1);
  console.log(`| ${rate}/s | ${f(load.achievedRate)}/s | ${load.ok} / ${load.sent}${load.dropped ? ` (${load.dropped} dropped)` : ''} | ${f(load.p50)} | ${f(load.p90)} | ${f(load.p99)} | ≤ ${goalP99}${rate === 200 && databaseUrl ? (load.p99 <= goalP99 ? ' met' : ' NOT met') : ''} | ${f(load.max)} | ${drainSeconds.toFixed(1)} | ${cpuMsPerIssue.toFixed(2)} | ${lockWaiters} | ${loadavg} |`);
  if (load.failed) console.log(`note: ${load.failed} failed at ${rate}/s: ${JSON.stringify(load.statuses)}`);
}
console.log(`server RSS max ${rss.max().toFixed(0)} MB; server log ${server.logFile}`);
if (profDir) console.log(`CPU profiles: ${profDir}`);
