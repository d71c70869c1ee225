/**
 * Single REST issue latency on an otherwise idle server (issue 13: p99 ≤ 15 ms at 200 requests/s on PostgreSQL):
 * the built server started as `npm start` starts it (bench/customer-flow.bench.ts `startServer`: embedded PGlite
 * in a temp folder, or PostgreSQL when DATABASE_URL is set), one member with a certificate, then
 * `POST /v1/subscriptions/{id}/documents` with `issue: true` from a separate open-loop load process
 * (bench/fixed-rate-load.ts) at each rate for a fixed time. Nothing else runs against the server; the mail each
 * issued document queues is sent by the same server while the load runs (mail on, as the customer's server does) —
 * HANBILL_MAIL_PDF=off in the environment renders no PDF for it.
 *
 * Run: npm run build && node --import tsx bench/issue-latency.bench.ts
 *      DATABASE_URL=postgres://postgres@127.0.0.1:5432/<scratch db> node --import tsx bench/issue-latency.bench.ts
 *      BENCH_RATES=50,100,200 BENCH_RATE_SECONDS=10 BENCH_CPU_PROF=/tmp/prof-dir …   (server under node --cpu-prof)
 * Prints figures only; asserts nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { memberWithCertificate, sampleDocument, todayKst } from '../test/e2e/nts-support.ts';
import type { TestSystem } from '../test/support/test-system.ts';
import { runLoadProcess, sampleRss, startServer } from './customer-flow.bench.ts';
import type { LoadResult } from './fixed-rate-load.ts';

const databaseUrl = process.env['DATABASE_URL'] || undefined;
const rates = (process.env['BENCH_RATES'] ?? '50,100,200').split(',').map(Number);
const seconds = Number(process.env['BENCH_RATE_SECONDS'] ?? 10);
const goalP99 = 15;
const engine = databaseUrl ? `PostgreSQL (${new URL(databaseUrl).pathname.slice(1)})` : 'PGlite (embedded)';
const mailPdf = process.env['HANBILL_MAIL_PDF'] ?? 'on';
const log = (s: string) => process.stderr.write(`[issue-latency ${engine}] ${s}\n`);

const profDir = process.env['BENCH_CPU_PROF'];
if (profDir) fs.mkdirSync(profDir, { recursive: true });
const nodeArgs = profDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profDir)}`] : [];

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-bench-latency-'));
const server = await startServer(databaseUrl, dataDir, { nodeArgs });
log(`server ready at ${server.url}; mail on, PDF ${mailPdf}`);
const rss = sampleRss(server.child.pid!);
const results: { rate: number; load: LoadResult; loadavg: string; cpuMsPerIssue: number }[] = [];
/** The server's CPU time (user + system, all threads) in ms, from /proc: steadier than latency on a busy machine. */
const cpuMs = (pid: number) => {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime in clock ticks (100/s)
};
try {
  const { member } = await memberWithCertificate({ url: server.url } as TestSystem);
  const today = todayKst();
  for (const rate of rates) {
    log(`${rate} requests/s for ${seconds} s`);
    const cpu0 = cpuMs(server.child.pid!);
    const load = await runLoadProcess({
      url: `${server.url}/v1/subscriptions/${member.subscriptionId}/documents`,
      headers: { 'x-svc-key': member.svcKey },
      body: { issue: true, document: sampleDocument('0101', member.bizno, today) },
      rate,
      durationMs: seconds * 1000,
    });
    await new Promise((r) => setTimeout(r, 2000)); // let the queued mail drain a little between rates
    // CPU of the whole server while it issued and (mostly) mailed this rate's documents, per issued document
    results.push({ rate, load, loadavg: os.loadavg()[0]!.toFixed(2), cpuMsPerIssue: (cpuMs(server.child.pid!) - cpu0) / Math.max(1, load.ok) });
  }
} finally {
  rss.stop();
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

console.log(`Single REST issue (issue: true, mail on, PDF ${mailPdf}) — ${engine}, Node ${process.version}, ${os.cpus().length} cores`);
console.log('| rate goal | achieved | ok / sent | p50 ms | p90 ms | p99 ms | p99 goal | max ms | server CPU ms / issue (incl. mail) | load avg (1 min) |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const { rate, load, loadavg, cpuMsPerIssue } of results) {
  const f = (n: number) => n.toFixed(1);
  console.log(`| ${rate}/s | ${f(load.achievedRate)}/s | ${load.ok} / ${load.sent}${load.dropped ? ` (${load.dropped} dropped)` : ''} | ${f(load.p50)} | ${f(load.p90)} | ${f(load.p99)} | ≤ ${goalP99}${rate === 200 && databaseUrl ? (load.p99 <= goalP99 ? ' met' : ' NOT met') : ''} | ${f(load.max)} | ${cpuMsPerIssue.toFixed(2)} | ${loadavg} |`);
  if (load.failed) console.log(`note: ${load.failed} failed at ${rate}/s: ${JSON.stringify(load.statuses)}`);
}
console.log(`server RSS max ${rss.max().toFixed(0)} MB; server log ${server.logFile}`);
if (profDir) console.log(`CPU profiles: ${profDir}`);
