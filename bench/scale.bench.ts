/**
 * The customer's flow on one PostgreSQL with 1 process (api + worker) and with 2 `HANBILL_ROLES=api` + 2
 * `HANBILL_ROLES=worker` processes (issue 13 item 7), printed side by side. So that only the process count differs,
 * both runs share what a multi-process installation shares: one NTS simulator (`hanbill nts-sim`, result delay 0;
 * its results are pushed to the first API process) and one SMTP catcher (in this process). Measured over HTTP:
 * 1,000 invoices issued with mail by bulk REST (100 per request, 4 in flight, spread over the API processes), then
 * REQNTS of all at once (spread too); mailed and settled counted by MULTILIST probes; the summed RSS of the server
 * processes (the sum of each one's maximum).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/<scratch> npm run build && node --import tsx bench/scale.bench.ts
 *   BENCH_DOCS=1000
 * Prints figures only; asserts nothing. On a machine of 2 cores more processes share the same 2 cores.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMailCatcher } from '../src/simulators/smtp/mail-catcher.ts';
import { issueSelfSignedCertificate } from '../src/modules/signing/self-signed-certificate.ts';
import { memberWithCertificate, sampleDocument, todayKst } from '../test/e2e/nts-support.ts';
import { legacyPost, rest } from '../test/support/http.ts';
import type { TestSystem } from '../test/support/test-system.ts';
import { inBatches, retryingReset, rsaSignsPerSecond, sampleRss, startServer, type Server } from './customer-flow.bench.ts';

const databaseUrl = process.env['DATABASE_URL'];
if (!databaseUrl) throw new Error('DATABASE_URL (a scratch PostgreSQL database) is required: several processes share one database');
const DOCS = Number(process.env['BENCH_DOCS'] ?? 1000);
const root = path.resolve(import.meta.dirname, '..');

async function freeNtsSim(stateDir: string): Promise<{ url: string; stop: () => void }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, ['bin/hanbill.js', 'nts-sim', '--port', String(port), '--result-delay-ms', '0', '--state-dir', stateDir], { cwd: root, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (await fetch(`${url}/kmCert.der`).then((r) => r.ok, () => false)) return { url, stop: () => child.kill('SIGTERM') };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('nts-sim not ready in 30 s');
}

interface ScaleResult {
  label: string;
  bulkRate: number;
  mailRate: number;
  filingRate: number;
  rssMb: number;
}

async function run(label: string, apis: number, workers: number, shared: Record<string, string>): Promise<ScaleResult> {
  const log = (s: string) => process.stderr.write(`[scale ${label}] ${s}\n`);
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-scale-'));
  const servers: Server[] = [];
  const rss: ReturnType<typeof sampleRss>[] = [];
  const channels = { HANBILL_CHANNEL: `scale${crypto.randomBytes(4).toString('hex')}`, HANBILL_NTS_CHANNEL: `scale${crypto.randomBytes(4).toString('hex')}` };
  try {
    const start = async (roles: string, publicUrl?: string) => {
      const s = await startServer(databaseUrl, path.join(base, `p${servers.length}`), { workerOnly: roles === 'worker', env: { ...shared, ...channels, HANBILL_ROLES: roles, ...(publicUrl ? { HANBILL_PUBLIC_URL: publicUrl } : {}) } });
      servers.push(s);
      rss.push(sampleRss(s.child.pid!));
      return s;
    };
    const apiServers: Server[] = [];
    if (workers === 0) apiServers.push(await start('api,worker'));
    else {
      for (let i = 0; i < apis; i++) apiServers.push(await start('api'));
      // a worker process serves no HTTP of its own that the simulator could push to: results go to the first API
      for (let i = 0; i < workers; i++) await start('worker', apiServers[0]!.url);
    }
    const first = apiServers[0]!;
    log(`${servers.length} processes ready`);
    const { member } = await memberWithCertificate({ url: first.url } as TestSystem);
    const today = todayKst();
    const headers = { 'x-svc-key': member.svcKey };
    const count = async (filter: Record<string, string>) => {
      const r = await retryingReset(() => legacyPost(first.url, 'document.aspx', { cmd: 'MULTILIST', sinch_no: member.subscriptionId, svc_key: member.svcKey, sdate: today, edate: today, page_size: 1, ...filter }));
      if (r.code !== '0000') throw new Error(`MULTILIST: ${r.code} ${r.msg}`);
      return Number(r['total']);
    };
    const docs = Array.from({ length: DOCS }, (_, i) => ({ issue: true, subkey: `scale-${i}`, document: sampleDocument(i % 2 ? '0301' : '0101', member.bizno, today) }));
    let turn = 0;
    const tBulk = performance.now();
    const answers = await inBatches(docs, 100, 4, async (batch) => {
      const api = apiServers[turn++ % apiServers.length]!;
      const r = await retryingReset(() => rest(api.url, 'POST', `/v1/subscriptions/${member.subscriptionId}/documents/bulk`, { documents: batch }, headers));
      if (r.status !== 200 || r.body.failed !== 0) throw new Error(`bulk: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      return r.body.data.map((d: { document: { dockey: string } }) => d.document.dockey) as string[];
    });
    const tBulkDone = performance.now();
    const dockeys = answers.flat();
    const tReq = performance.now();
    await Promise.all(
      Array.from({ length: Math.ceil(dockeys.length / 100) }, async (_, i) => {
        const api = apiServers[i % apiServers.length]!;
        const r = await retryingReset(() => legacyPost(api.url, 'taxinvoice.aspx', { cmd: 'REQNTS', sinch_no: member.subscriptionId, svc_key: member.svcKey, dockeys: dockeys.slice(i * 100, i * 100 + 100).join(',') }));
        if (r.code !== '0000') throw new Error(`REQNTS: ${r.code} ${r.msg}`);
      }),
    );
    let tMailed = 0;
    let tSettled = 0;
    const deadline = Date.now() + 15 * 60_000;
    while (!tMailed || !tSettled) {
      if (Date.now() > deadline) throw new Error('flow did not finish in 15 minutes');
      await new Promise((r) => setTimeout(r, 250));
      if (!tSettled && (await count({ nts_state: '3' })) + (await count({ nts_state: '4' })) >= dockeys.length) tSettled = performance.now();
      if (!tMailed && (await count({ date_type: 'S' })) >= dockeys.length) tMailed = performance.now();
    }
    const failed = await count({ nts_state: '4' });
    if (failed) log(`${failed} filings failed (state 4)`);
    return {
      label,
      bulkRate: (DOCS * 1000) / (tBulkDone - tBulk),
      mailRate: (DOCS * 1000) / (tMailed - tBulk),
      filingRate: (DOCS * 1000) / (tSettled - tReq),
      rssMb: rss.reduce((a, r) => a + r.max(), 0),
    };
  } finally {
    for (const r of rss) r.stop();
    for (const s of servers.reverse()) await s.stop();
    fs.rmSync(base, { recursive: true, force: true });
  }
}

const catcher = createMailCatcher({ maxMails: 100 });
const { url: smtpUrl } = await catcher.start();
const simDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-scale-nts-'));
const sim = await freeNtsSim(simDir);
// the ASP key registered with the NTS (a production installation has one; the simulator accepts a self-signed one)
const asp = issueSelfSignedCertificate({ commonName: 'Hanbill ASP (scale bench)' });
const shared = {
  HANBILL_NTS_ASP_KEY: asp.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
  HANBILL_NTS_ASP_CERT: `-----BEGIN CERTIFICATE-----\n${asp.certDer.toString('base64')}\n-----END CERTIFICATE-----\n`,
  SMTP_URL: smtpUrl,
  NTS_GATEWAY_URL: sim.url,
  HANBILL_MASTER_KEY: crypto.randomBytes(32).toString('hex'),
  HANBILL_OPERATOR_TOKEN: crypto.randomBytes(24).toString('base64url'),
};
try {
  const rsa = rsaSignsPerSecond();
  const one = await run('1 process (api,worker)', 1, 0, shared);
  const many = await run('2 api + 2 worker', 2, 2, shared);
  const f = (x: number, d = 0) => x.toFixed(d).padStart(10);
  console.log(`Scale — ${DOCS} documents, PostgreSQL, Node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; node RSA-2048 ${rsa.toFixed(0)}/s on one core`);
  console.log('| figure | 1 process | 2 api + 2 worker | ratio |');
  console.log('|---|---|---|---|');
  for (const [name, a, b, d] of [
    ['bulk issue with mail, docs/s', one.bulkRate, many.bulkRate, 0],
    ['bulk start → all mailed, mails/s', one.mailRate, many.mailRate, 1],
    ['REQNTS → all settled, docs/s', one.filingRate, many.filingRate, 0],
    ['RSS of the server processes, MB (sum of maxima)', one.rssMb, many.rssMb, 0],
  ] as const) console.log(`| ${name} | ${f(a, d)} | ${f(b, d)} | ${(b / a).toFixed(2)} |`);
} finally {
  sim.stop();
  await catcher.stop();
  fs.rmSync(simDir, { recursive: true, force: true });
}
