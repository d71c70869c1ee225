/**
 * Mail throughput (issue 13 item 4): each figure beside its goal and the bound measured in the same run.
 *
 *  1. PDF CPU per tax invoice (renderInvoicePdf on this thread, process.cpuUsage around each document; the
 *     documents differ in their names, so each embeds its own font subset) — goal ≤ 5 ms.
 *  2. The bound: raw SMTP sends/s through the pooled transport to the in-process catcher (real sockets on
 *     127.0.0.1; the catcher keeps every message, parsed only when read), without attachment and with a ready-made
 *     invoice PDF + XML of the real size attached (no rendering, no database).
 *  3. End to end: documents issued on the embedded PGlite (or DATABASE_URL) queue their mails; then the mail
 *     jobs run (claim, outbox and document rows, mail text, PDF on the render worker thread, standard XML,
 *     SMTP to the catcher, outbox and job updates) with N concurrent job loops — goal ≥ 200 mails/s with the
 *     PDF attached. 2 loops are what the shared general lane of one embedded process runs today (main.ts).
 *
 * Run: node --import tsx bench/mail.bench.ts        BENCH_DOCS=500 (documents per end-to-end run)
 *      BENCH_STAGES=pdf,smtp,e2e (the default: all)     BENCH_LOOPS=2,16 (job loops of the end-to-end runs)
 *      BENCH_MAIL_BATCH=16 (mail jobs per claim, as main.ts runs them: MAIL_BATCH; 1 = one job per claim)
 *      DATABASE_URL=postgres://… node --import tsx bench/mail.bench.ts
 * Prints figures only; asserts nothing but that every mail arrived.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { startSystem } from '../src/main.ts';
import { silentLogger } from '../src/platform/context.ts';
import { JobWorker } from '../src/platform/jobs.ts';
import { mailQueue } from '../src/modules/documents/issue-document.ts';
import { MAIL_BATCH, sendDocumentMailsHandler } from '../src/modules/documents/send-document-mail.ts';
import { buildStandardXml } from '../src/modules/documents/standard-xml.ts';
import { renderInvoicePdf } from '../src/modules/documents/render/invoice-pdf.ts';
import { renderInvoicePdfOffThread } from '../src/modules/documents/render/pdf-render-pool.ts';
import { issuedMeta, richTaxInvoice } from '../src/modules/documents/render/render-fixtures.ts';
import { createMailCatcher } from '../src/simulators/smtp/mail-catcher.ts';
import { createSmtpTransport, type OutgoingMail } from '../src/modules/mail/mail-transport.ts';
import { issueDocuments, registerMember, sampleDocument, todayKst } from '../test/e2e/nts-support.ts';
import { waitFor } from '../test/support/wait-for.ts';
import type { TestSystem } from '../test/support/test-system.ts';

const DOCS = Number(process.env['BENCH_DOCS'] ?? 500);
const MAIL_BATCH_SIZE = Number(process.env['BENCH_MAIL_BATCH'] ?? MAIL_BATCH);
const PDF_GOAL_MS = 5;
const MAIL_GOAL_PER_S = 200;

const rows: { figure: string; value: string; bound: string }[] = [];
const row = (figure: string, value: string, bound: string) => rows.push({ figure, value, bound });

/** Hangul syllables for names that differ per document (most are outside the prepared font subset). */
function name(i: number): string {
  let s = '';
  for (let k = 0, n = i * 7919 + 13; k < 5; k++, n = Math.floor(n / 37) + k * 101) s += String.fromCharCode(0xac00 + ((n * 2654435761) % 11172));
  return s;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function pdfCpu(): Promise<Buffer> {
  const cpuMs = async (f: () => Promise<unknown>) => {
    const c0 = process.cpuUsage();
    await f();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  const first = await cpuMs(() => renderInvoicePdf(richTaxInvoice(3), issuedMeta()));
  const docs = Array.from({ length: 300 }, (_, i) => {
    const d = richTaxInvoice(1 + (i % 5));
    return { ...d, supplier: { ...d.supplier, name: `(주)${name(i)}` }, buyer: { ...d.buyer, name: `${name(i + 1000)} 상사` } };
  });
  for (const d of docs.slice(0, 20)) await renderInvoicePdf(d, issuedMeta());
  const times: number[] = [];
  let bytes = 0;
  let sample: Buffer = Buffer.alloc(0);
  for (const d of docs) {
    const ms = await cpuMs(async () => {
      sample = await renderInvoicePdf(d, issuedMeta());
    });
    times.push(ms);
    bytes += sample.length;
  }
  times.sort((a, b) => a - b);
  row('PDF CPU per tax invoice, median (300 documents, 1–5 lines)', `${quantile(times, 0.5).toFixed(2)} ms`, `goal ≤ ${PDF_GOAL_MS} ms`);
  row('PDF CPU per tax invoice, p99', `${quantile(times, 0.99).toFixed(2)} ms`, `goal ≤ ${PDF_GOAL_MS} ms`);
  row('PDF size, mean', `${(bytes / docs.length / 1024).toFixed(1)} KB`, '');
  row('first PDF of the process (font parse + prepared subsets)', `${first.toFixed(0)} ms CPU`, 'once per process and thread');
  return renderInvoicePdf(richTaxInvoice(3), issuedMeta());
}

/**
 * Raw SMTP: `mails` messages, `inFlight` at a time, over a pool of `maxConnections`: sends/s, and this process's CPU
 * per send (the transport and the catcher both run here).
 */
async function rawSmtp(mail: OutgoingMail, mails: number, maxConnections: number, inFlight: number): Promise<{ rate: number; cpuMs: number }> {
  const catcher = createMailCatcher({ maxMails: 50 });
  const transport = createSmtpTransport((await catcher.start()).url, 'Hanbill <no-reply@hanbill.local>', { maxConnections });
  let caught = 0;
  try {
    await Promise.all(Array.from({ length: maxConnections }, () => transport.send(mail))); // open the pool
    let next = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < mails) {
          next += 1;
          const r = await transport.send(mail);
          if (r.accepted.length > 0) caught += 1;
        }
      }),
    );
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    if (caught !== mails) throw new Error(`raw SMTP: ${caught} of ${mails} accepted`);
    return { rate: (mails * 1000) / ms, cpuMs: (cpu.user + cpu.system) / 1000 / mails };
  } finally {
    await transport.close();
    await catcher.stop();
  }
}

async function endToEnd(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-bench-mail-'));
  const config = loadConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    HANBILL_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    HANBILL_ROLES: 'api', // the bench runs the mail jobs itself, with the loops it measures
    HANBILL_CHANNEL: `benchmail${crypto.randomBytes(4).toString('hex')}`,
    HANBILL_MASTER_KEY: process.env['HANBILL_MASTER_KEY'] ?? crypto.randomBytes(32).toString('hex'),
    HANBILL_OPERATOR_TOKEN: process.env['HANBILL_OPERATOR_TOKEN'] ?? crypto.randomBytes(24).toString('base64url'),
    HANBILL_NTS_AUTO_FILE: 'off',
    HANBILL_BILLING_TICK_MS: '0',
  });
  const system = await startSystem(config, { logger: silentLogger });
  const sys = { ...system, url: system.url!, dataDir } as TestSystem;
  const { ctx } = sys;
  try {
    const member = await registerMember(sys);
    // the PDF worker threads load and prepare their fonts on their first document: not part of the figures
    await Promise.all(Array.from({ length: 4 }, () => renderInvoicePdfOffThread(richTaxInvoice(3), issuedMeta())));
    const queue = mailQueue(ctx.config);
    const loopCounts = (process.env['BENCH_LOOPS'] ?? '2,16').split(',').map(Number);
    const runs: [number, boolean][] = [...loopCounts.map((n): [number, boolean] => [n, true]), [loopCounts[loopCounts.length - 1] ?? 16, false]];
    for (const [loops, pdf] of runs) {
      const t0 = performance.now();
      const docs = await issueDocuments(ctx, member, Array.from({ length: DOCS }, () => sampleDocument('0101', member.bizno, todayKst())));
      const issueMs = performance.now() - t0;
      const ids = docs.map((d) => d.id);
      const handlerCtx = pdf ? ctx : { ...ctx, config: { ...ctx.config, mailPdf: false } };
      // the mail queue's handler as main.ts registers it (batches of MAIL_BATCH), or BENCH_MAIL_BATCH=1: one job per claim
      const handler = { ...sendDocumentMailsHandler(handlerCtx, sys.mail.transport), batchSize: MAIL_BATCH_SIZE };
      const worker = new JobWorker(ctx.db, { handlers: { [queue]: handler }, concurrency: loops, idlePollMs: 50 });
      const c0 = process.cpuUsage();
      const t1 = performance.now();
      worker.start();
      await waitFor(
        () => ctx.db.selectFrom('jobs').select('id').where('queue', '=', queue).where('state', 'in', ['pending', 'running']).limit(1).execute(),
        (open) => open.length === 0,
        { what: `${DOCS} mails sent`, timeoutMs: 30 * 60_000, intervalMs: 50 },
      );
      const ms = performance.now() - t1;
      const c = process.cpuUsage(c0);
      await worker.stop();
      const sent = await ctx.db.selectFrom('mail_outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('document_id', 'in', ids).where('state', '=', 'sent').executeTakeFirstOrThrow();
      if (Number(sent.n) !== DOCS) throw new Error(`${sent.n} of ${DOCS} mails sent`);
      const rate = (DOCS * 1000) / ms;
      const processCpu = (c.user + c.system) / 1000 / DOCS;
      row(
        `end to end, ${loops} job loops × ${MAIL_BATCH_SIZE} mails, ${pdf ? 'PDF + XML attached' : 'XML only (HANBILL_MAIL_PDF=off)'}`,
        `${rate.toFixed(0)} mails/s`,
        `goal ≥ ${MAIL_GOAL_PER_S}/s (${((rate / MAIL_GOAL_PER_S) * 100).toFixed(0)} %); process CPU ${processCpu.toFixed(1)} ms/mail (all threads: jobs, database, PDF worker, SMTP client and catcher); issuing ${DOCS} took ${(issueMs / 1000).toFixed(1)} s`,
      );
    }
  } finally {
    await system.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const stages = new Set((process.env['BENCH_STAGES'] ?? 'pdf,smtp,e2e').split(','));
const pdf = stages.has('pdf') ? await pdfCpu() : await renderInvoicePdf(richTaxInvoice(3), issuedMeta());
const small: OutgoingMail = {
  to: ['김철수 <buyer@example.kr>'],
  subject: '[전자세금계산서] (주)한빌소프트 → (주)한빌서비스 2026-11-23 공급가액 4,520,000원',
  text: '세금계산서가 발행되었습니다. https://hanbill.local/view/abc',
  html: '<h1>세금계산서 발행 안내</h1><p>공급가액 <b>4,520,000원</b></p>',
};
const xml = Buffer.from(buildStandardXml(richTaxInvoice(3), { issueId: '202611234200023800000017', issueDateTime: new Date() }), 'utf8');
const withFiles: OutgoingMail = {
  ...small,
  attachments: [
    { filename: '세금계산서.pdf', content: pdf, contentType: 'application/pdf' },
    { filename: '세금계산서.xml', content: xml, contentType: 'application/xml' },
  ],
};
if (stages.has('smtp')) {
  const rawSmall = await rawSmtp(small, 1000, 5, 50);
  const rawFiles = await rawSmtp(withFiles, 500, 5, 50);
  row('bound: raw SMTP, no attachment, pool of 5, 50 in flight', `${rawSmall.rate.toFixed(0)} sends/s`, `transport + catcher only; ${rawSmall.cpuMs.toFixed(2)} ms CPU per send`);
  row(`bound: raw SMTP, ready PDF (${(pdf.length / 1024).toFixed(0)} KB) + XML attached, pool of 5`, `${rawFiles.rate.toFixed(0)} sends/s`, `goal ≥ ${MAIL_GOAL_PER_S}/s; ${rawFiles.cpuMs.toFixed(2)} ms CPU per send (transport + catcher)`);
}
if (stages.has('e2e')) await endToEnd();

const cpu = os.cpus();
console.log(
  `mail benchmark — Node ${process.version}, ${cpu[0]?.model ?? 'CPU'} × ${cpu.length}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ` +
    `${process.env['DATABASE_URL'] ? 'PostgreSQL' : 'PGlite (embedded)'}; catcher = smtp-server + mailparser in this process\n`,
);
const w = Math.max(...rows.map((r) => r.figure.length));
const v = Math.max(...rows.map((r) => r.value.length));
for (const r of rows) console.log(`${r.figure.padEnd(w)}  ${r.value.padStart(v)}  ${r.bound}`);
