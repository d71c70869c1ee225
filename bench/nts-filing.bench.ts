/**
 * NTS filing throughput: documents signed, packed, encrypted, transmitted (KEC SOAP over HTTP to the shipped
 * simulator, which decrypts and validates every invoice), and settled (results pushed back and stored) per
 * second — printed beside the raw RSA-2048 signing rate measured in the same run, the physical bound of the
 * signing step on one core.
 *
 * The simulator runs in its own process (`hanbill nts-sim`), as the NTS is another machine: its validation
 * (≈ 4 ms per invoice: XML parsing, signature verification, rules) is not the platform's cost.
 *
 * Run: node --import tsx bench/nts-filing.bench.ts            (embedded PGlite in a temp folder)
 *      DATABASE_URL=postgres://… node --import tsx bench/nts-filing.bench.ts
 *      BENCH_DOCS=2000 BENCH_BATCH=100 …                       (documents, dockeys per REQNTS)
 * Prints figures only; asserts nothing.
 */
import crypto, { constants, sign } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { startSystem } from '../src/main.ts';
import { silentLogger } from '../src/platform/context.ts';
import { spawn } from 'node:child_process';
import { computeTaxInvoiceSignature } from '../src/modules/signing/index.ts';
import { buildStandardXml } from '../src/modules/documents/standard-xml.ts';
import { mailQueue } from '../src/modules/documents/issue-document.ts';
import { filingStates, issueDocuments, memberWithCertificate, reqnts, sampleDocument, todayKst } from '../test/e2e/nts-support.ts';
import { isPresent, waitFor } from '../test/support/wait-for.ts';
import type { TestSystem } from '../test/support/test-system.ts';

const DOCS = Number(process.env['BENCH_DOCS'] ?? 1000);
const BATCH = Math.min(100, Number(process.env['BENCH_BATCH'] ?? 100));

function rsaRate(durationMs = 2000): number {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const doc = sampleDocument('0101', '1388602200', todayKst());
  const signedInfo = Buffer.from(computeTaxInvoiceSignature(buildStandardXml(doc, { issueId: `${todayKst()}4100000100000001`, issueDateTime: new Date() })).canonicalSignedInfo);
  const warm = performance.now() + 300;
  while (performance.now() < warm) sign('sha256', signedInfo, { key: privateKey, padding: constants.RSA_PKCS1_PADDING });
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < durationMs) {
    for (let i = 0; i < 10; i++) sign('sha256', signedInfo, { key: privateKey, padding: constants.RSA_PKCS1_PADDING });
    n += 10;
  }
  return (n * 1000) / (performance.now() - start);
}

async function main(): Promise<void> {
  const engine = process.env['DATABASE_URL'] ? 'postgres' : 'pglite (embedded, files in a temp folder)';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-bench-nts-'));
  const child = spawn(process.execPath, ['bin/hanbill.js', 'nts-sim', '--port', '0', '--result-delay-ms', '0', '--registration-id', '41000001'], {
    cwd: path.resolve(import.meta.dirname, '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const simUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`nts-sim exited with ${code}`)));
  });
  const sim = {
    url: simUrl,
    stats: async () => (await (await fetch(`${simUrl}/_sim/stats`)).json()) as { submissions: number },
    close: async () => {
      child.kill('SIGTERM');
    },
  };
  const config = loadConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    HANBILL_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    HANBILL_MASTER_KEY: process.env['HANBILL_MASTER_KEY'] ?? crypto.randomBytes(32).toString('hex'),
    HANBILL_OPERATOR_TOKEN: process.env['HANBILL_OPERATOR_TOKEN'] ?? crypto.randomBytes(24).toString('base64url'),
    NTS_GATEWAY_URL: sim.url,
    HANBILL_NTS_CHANNEL: `bench${crypto.randomBytes(4).toString('hex')}`,
    HANBILL_NTS_POLL_MS: '2000',
    HANBILL_NTS_RETRY_MS: '100',
    HANBILL_NTS_AUTO_FILE: 'off',
  });
  const t00 = performance.now();
  const logger = process.env["BENCH_TRACE"] ? { ...silentLogger, info: (o: object | string, m?: string) => console.log((performance.now() - t00).toFixed(0), m ?? o, typeof o === "object" ? JSON.stringify(o).slice(0, 150) : "") } : silentLogger;
  const system = await startSystem(config, { logger });
  const sys = { ...system, url: system.url!, dataDir } as TestSystem;
  try {
    const { member } = await memberWithCertificate(sys);
    const today = todayKst();
    const t0 = performance.now();
    const docs = await issueDocuments(sys.ctx, member, Array.from({ length: DOCS }, (_, i) => sampleDocument(i % 2 ? '0301' : '0101', member.bizno, today)));
    // issuing queues a mail per document: let the mail worker finish first, so the figures are filing alone
    await waitFor(
      () => sys.ctx.db.selectFrom('jobs').select('id').where('queue', '=', mailQueue(sys.ctx.config)).where('state', 'in', ['pending', 'running']).limit(1).execute(),
      (open) => open.length === 0,
      { what: 'issue mails sent', timeoutMs: 30 * 60_000, intervalMs: 100 },
    );
    const tIssued = performance.now();
    for (let i = 0; i < docs.length; i += BATCH) {
      const r = await reqnts(sys, member, docs.slice(i, i + BATCH).map((d) => d.dockey));
      if (r.code !== '0000') throw new Error(`REQNTS: ${r.code} ${r.msg}`);
    }
    const tRequested = performance.now();
    let tAcked = 0;
    const states = await waitFor(
      async () => {
        const open = await sys.ctx.db
          .selectFrom('nts_filings')
          .select(['state'])
          .where('subscription_id', '=', member.subscriptionId)
          .where('state', 'in', ['queued', 'packing', 'sent'])
          .execute();
        if (!tAcked && !open.some((f) => f.state !== 'sent')) tAcked = performance.now();
        return open.length === 0 ? filingStates(sys, docs.map((d) => d.dockey)) : undefined;
      },
      isPresent,
      { what: 'all documents settled', timeoutMs: 30 * 60_000, intervalMs: 20 },
    );
    const tSettled = performance.now();
    const ok = [...states.values()].filter((s) => s.nts_result_code === 'SUC001').length;
    const filingMs = tSettled - tIssued;
    const rate = rsaRate();
    const stats = await sim.stats();
    const cpu = os.cpus();
    const line = (label: string, value: string) => console.log(`${label.padEnd(58)} ${value}`);
    console.log(`NTS filing benchmark — Node ${process.version}, ${cpu[0]?.model ?? 'CPU'} × ${cpu.length} (API + worker in one Node process, the NTS simulator in another), ${engine}\n`);
    line('documents (SUC001 / total)', `${ok} / ${DOCS}`);
    line('dockeys per REQNTS', String(BATCH));
    line('submissions (≤ 100 invoices each)', String(stats.submissions));
    line('issuing + mailing (bench setup, documents use case)', `${(tIssued - t0).toFixed(0)} ms`);
    line('REQNTS calls (queueing)', `${(tRequested - tIssued).toFixed(0)} ms`);
    const sentMs = tAcked - tIssued;
    line('first REQNTS → every document signed, packed, sent (acked)', `${sentMs.toFixed(0)} ms`);
    line('first REQNTS → last document settled (NTS results stored)', `${filingMs.toFixed(0)} ms`);
    line('throughput: signed, packed, transmitted', `${((DOCS * 1000) / sentMs).toFixed(0)} documents/s`);
    line('throughput: signed, packed, transmitted and settled', `${((DOCS * 1000) / filingMs).toFixed(0)} documents/s`);
    line('raw RSA-2048 PKCS#1 v1.5 SHA-256 signatures, one core', `${rate.toFixed(0)} /s`);
    line('transmitted throughput / raw signing rate', `${(((DOCS * 1000) / sentMs / rate) * 100).toFixed(1)} %`);
    line('settled throughput / raw signing rate', `${(((DOCS * 1000) / filingMs / rate) * 100).toFixed(1)} %`);
  } finally {
    await system.close();
    await sim.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
