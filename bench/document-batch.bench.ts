// Document batches (issue 14 item 3): one batch of 10,000 documents (1 % invalid) — request → 202, and → every item
// handled (docs/s) — printed beside the bulk route's rate (POST …/documents/bulk, 100 a request, one request at a
// time) measured in the same run on the same engine (each on a fresh server, so one's mails do not slow the other):
// the batch issues through the same set-based path, so that rate is its bound. Prints figures; asserts nothing.
//   node --import tsx bench/document-batch.bench.ts                                  (embedded PGlite in a temp folder)
//   DATABASE_URL=postgres://… node --import tsx bench/document-batch.bench.ts        (PostgreSQL; use a scratch database)
// BENCH_BATCH_DOCS (default 10000). The server is `hanbill serve` from the sources in a child process (the client
// stays out of its event loop); mail goes to its in-process catcher, without PDFs (HANBILL_MAIL_PDF=off).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serveChild } from '../test/support/child-server.ts';
import { onboard, type Onboarded } from '../test/support/onboard.ts';
import { batchBody, faultOf, privateDate, type BatchView } from '../test/e2e/document-batches-support.ts';

const N = Number(process.env['BENCH_BATCH_DOCS'] ?? 10_000);
const pgUrl = process.env['DATABASE_URL'];
/** A server of its own for each measurement: the mails one run queued do not compete with the next. */
async function startServer() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-bench-batch-'));
  const channel = `bench${crypto.randomBytes(4).toString('hex')}`;
  const server = await serveChild({
    HANBILL_DATA_DIR: dataDir,
    LOG_LEVEL: 'error',
    HANBILL_CHANNEL: channel,
    HANBILL_NTS_CHANNEL: `${channel}n`,
    HANBILL_NTS_AUTO_FILE: 'off',
    HANBILL_BILLING_TICK_MS: '0',
    HANBILL_MAIL_PDF: 'off',
    ...(pgUrl ? { DATABASE_URL: pgUrl, HANBILL_MASTER_KEY: crypto.randomBytes(32).toString('hex'), HANBILL_OPERATOR_TOKEN: crypto.randomBytes(24).toString('base64url') } : {}),
  });
  return {
    url: server.url,
    stop: async () => {
      server.child.kill('SIGTERM');
      await server.exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
let server = await startServer();
const engine = pgUrl ? 'PostgreSQL' : 'PGlite';

async function call(s: Onboarded, method: string, pathPart: string, body?: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server.url}/v1/subscriptions/${s.sinchno}${pathPart}`, { method, headers: { 'x-svc-key': s.svcKey, ...(body ? { 'content-type': 'application/json' } : {}) }, body });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`HTTP ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return { status: res.status, json };
}

/** JIT, schemas, the first issue of a subscription. */
async function warmUp(): Promise<void> {
  const warm = await onboard(server.url);
  await call(warm, 'POST', '/documents/bulk', JSON.stringify({ documents: batchBody(100, privateDate(), 'warm').documents }));
  await call(warm, 'POST', '/document-batches', JSON.stringify(batchBody(100, privateDate(), 'warm2')));
}

try {
  await warmUp();

  // the bound: the bulk route, N documents, 100 a request, one request at a time
  const bulkSub = await onboard(server.url);
  const bulkDocs = batchBody(N, privateDate(), crypto.randomBytes(4).toString('hex')).documents;
  let t0 = performance.now();
  for (let i = 0; i < N; i += 100) await call(bulkSub, 'POST', '/documents/bulk', JSON.stringify({ documents: bulkDocs.slice(i, i + 100) }));
  const bulkRate = N / ((performance.now() - t0) / 1000);
  await server.stop();
  server = await startServer();
  await warmUp();

  // the batch: one request of N documents
  const sub = await onboard(server.url);
  const body = JSON.stringify(batchBody(N, privateDate(), crypto.randomBytes(4).toString('hex')));
  t0 = performance.now();
  const posted = await call(sub, 'POST', '/document-batches', body);
  const acceptMs = performance.now() - t0;
  const id = (posted.json as BatchView).id;
  let view: BatchView;
  for (;;) {
    view = (await call(sub, 'GET', `/document-batches/${id}?limit=1`)).json as BatchView;
    if (view.state === 'completed') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const allMs = performance.now() - t0;
  const invalid = Array.from({ length: N }, (_, i) => i).filter((i) => faultOf(i) !== undefined).length;
  if (view.issued !== N - invalid || view.failed !== invalid) throw new Error(`batch ended ${JSON.stringify(view)}`);
  const batchRate = N / (allMs / 1000);

  const load = os.loadavg()[0]!.toFixed(1);
  console.log(`\nDocument batch of ${N} (${invalid} invalid), ${engine}, body ${(Buffer.byteLength(body) / 1e6).toFixed(1)} MB, load average ${load} on ${os.cpus().length} cores`);
  console.log('| measure | figure |');
  console.log('|---|---|');
  console.log(`| request → 202 | ${acceptMs.toFixed(0)} ms |`);
  console.log(`| request → all ${N} handled | ${(allMs / 1000).toFixed(1)} s, ${batchRate.toFixed(0)} docs/s |`);
  console.log(`| bound: POST …/documents/bulk, 100 a request, sequential | ${bulkRate.toFixed(0)} docs/s |`);
  console.log(`| batch / bound | ${(batchRate / bulkRate).toFixed(2)} |`);
} finally {
  await server.stop();
}
