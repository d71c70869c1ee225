/**
 * Messaging throughput (issue 10 "Benchmark"): recipients accepted per second in 10,000-recipient requests over
 * HTTP (POST /v1/messages, SMS and AlimTalk with variables), and acceptance → all results stored (dispatch to the
 * carrier, reports pushed back and recorded), printed beside the bounds measured in the same run: the raw rate of
 * one INSERT … SELECT FROM unnest(…) of the same 10,000 rows into message_recipients (rolled back), and the
 * carrier simulator's own send rate (1,000 messages per call, no report URL).
 *
 * The carrier simulator runs in its own process (`hanbill carrier-sim --result-delay-ms 0`, from the sources), as
 * the carrier is another machine; API and worker share this Node process (the embedded default).
 *
 * One request of 100 recipients is sent and delivered first, unmeasured (partitions created, code compiled).
 *
 * Run: node --import tsx bench/messaging.bench.ts             (embedded PGlite in a temp folder)
 *      DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench node --import tsx bench/messaging.bench.ts
 *      BENCH_REQUESTS=3 BENCH_RECIPIENTS=10000 BENCH_TYPES=sms,alimtalk …
 * Prints figures only; asserts nothing.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { startSystem } from '../src/main.ts';
import { silentLogger } from '../src/platform/context.ts';
import { ensureMessagePartitions } from '../src/modules/messaging/sending/message-partitions.ts';
import { sender } from '../test/e2e/messaging-send-support.ts';
import type { TestSystem } from '../test/support/test-system.ts';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 3);
const RECIPIENTS = Number(process.env['BENCH_RECIPIENTS'] ?? 10_000);
const TYPES = (process.env['BENCH_TYPES'] ?? 'sms,alimtalk').split(',').filter(Boolean);

const line = (label: string, value: string) => console.log(`${label.padEnd(62)} ${value}`);
const ms = (n: number) => `${n.toFixed(0)} ms`;
const perS = (n: number, tookMs: number, what: string) => `${((n * 1000) / tookMs).toFixed(0)} ${what}/s`;
// distinct mobile numbers that the simulator delivers (outcome-patterns.ts: anything not 0101111/0107777/0109999/0108888…)
const phone = (k: number) => `0102${String(k).padStart(7, '0')}`;

async function startSim(secret: string): Promise<{ url: string; stop: () => void }> {
  // `hanbill carrier-sim` from the sources (bin/hanbill.js runs dist/, which may be older than the tree)
  const cli = "const { runCarrierSim } = await import('./src/simulators/carrier/cli.ts'); await runCarrierSim(process.argv.slice(1), process.stdout, process.stderr);";
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', cli, '--', '--port', '0', '--result-delay-ms', '0', '--report-secret', secret], {
    cwd: path.resolve(import.meta.dirname, '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`carrier-sim exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** The simulator's own rate: sends of 1,000 messages with no report URL (nothing pushed), one call at a time. */
async function simRate(url: string, total = 20_000): Promise<number> {
  const tag = crypto.randomBytes(4).toString('hex');
  const t0 = performance.now();
  for (let i = 0; i < total; i += 1000) {
    const messages = Array.from({ length: 1000 }, (_, k) => ({ messageId: `bench-${tag}-${i + k}`, kind: 'sms', from: '0212345678', to: phone(i + k), text: '[한빌] 벤치마크 문자입니다', ad: false }));
    // a fresh connection per call: the simulator's keep-alive may close an idle socket as it is reused
    const call = () => fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body: JSON.stringify({ messages }) });
    const res = await call().catch(call);
    await res.arrayBuffer();
  }
  return (total * 1000) / (performance.now() - t0);
}

/** The raw insert bound: the acceptance's recipient rows, one unnest statement, in a transaction rolled back. */
async function rawInsertRate(sys: TestSystem, batchId: number, acceptedAt: Date, rounds = 3): Promise<{ rowsPerS: number; msPerStatement: number }> {
  const n = RECIPIENTS;
  const ids = Array.from({ length: n }, (_, i) => 9_000_000_000 + i);
  const seqs = Array.from({ length: n }, (_, i) => i);
  const phones = seqs.map(phone);
  const refs = seqs.map((i) => `raw-${i}`);
  const kinds = seqs.map(() => 'alimtalk');
  const nulls = seqs.map(() => null);
  const texts = seqs.map((i) => `고객${i}님, 주문하신 상품${i}이 접수되었습니다.\n주문번호: A${i}`);
  const vars = seqs.map((i) => JSON.stringify({ 고객명: `고객${i}`, 상품: `상품${i}`, 주문번호: `A${i}` }));
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    await sys.ctx.db
      .transaction()
      .execute(async (tx) => {
        const t0 = performance.now();
        await sql`
          INSERT INTO message_recipients (id, accepted_at, batch_id, partner_id, seq, phone, client_ref, kind, subject, text, variables, fallback, state)
          SELECT t.id, ${acceptedAt}, ${batchId}, NULL, t.seq, t.phone, t.ref, t.kind, t.subject, t.text, t.variables::jsonb, t.fallback::jsonb, 'queued'
            FROM unnest(${ids}::bigint[], ${seqs}::int[], ${phones}::text[], ${refs}::text[], ${kinds}::text[], ${nulls}::text[], ${texts}::text[], ${vars}::text[], ${nulls}::text[])
              AS t(id, seq, phone, ref, kind, subject, text, variables, fallback)`.execute(tx);
        best = Math.min(best, performance.now() - t0);
        throw new Rollback();
      })
      .catch((e: unknown) => {
        if (!(e instanceof Rollback)) throw e;
      });
  }
  return { rowsPerS: (n * 1000) / best, msPerStatement: best };
}
class Rollback extends Error {}

interface Phase {
  type: string;
  requestMs: number[];
  firstAcceptedAt: number;
  lastAcceptedAt: number;
  allStoredAt: number;
  batchIds: number[];
  delivered: number;
  failed: number;
}

async function main(): Promise<void> {
  const engine = process.env['DATABASE_URL'] ? `postgres (${process.env['DATABASE_URL'].replace(/\/\/[^@]*@/, '//')})` : 'pglite (embedded, files in a temp folder)';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-bench-msg-'));
  const secret = crypto.randomBytes(24).toString('base64url');
  const sim = await startSim(secret);
  const config = loadConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    HANBILL_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    HANBILL_MASTER_KEY: process.env['HANBILL_MASTER_KEY'] ?? crypto.randomBytes(32).toString('hex'),
    HANBILL_OPERATOR_TOKEN: process.env['HANBILL_OPERATOR_TOKEN'] ?? crypto.randomBytes(24).toString('base64url'),
    HANBILL_CHANNEL: `bench${crypto.randomBytes(4).toString('hex')}`,
    HANBILL_MESSAGE_HISTORY_PURGE: 'off',
    CARRIER_GATEWAY_URL: sim.url,
    CARRIER_REPORT_SECRET: secret,
    HANBILL_CARRIER_TIMEOUT_MS: '60000',
  });
  let peakRss = process.memoryUsage().rss;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const system = await startSystem(config, { logger: silentLogger });
  const sys = { ...system, url: system.url!, dataDir } as TestSystem;
  try {
    const s = await sender(sys);
    // warm-up, not measured: one request of 100 recipients, delivered (the month's partitions are created, code compiled)
    const warm = await s.call('POST', '/v1/messages', { type: 'sms', from: s.from, text: '[한빌] 준비', recipients: Array.from({ length: 100 }, (_, i) => ({ to: phone(9_000_000 + i) })) });
    if (warm.status !== 202) throw new Error(`warm-up: ${warm.status} ${warm.text.slice(0, 300)}`);
    for (let t0 = performance.now(); performance.now() - t0 < 60_000; await new Promise((r) => setTimeout(r, 20))) {
      const b = await sys.ctx.db.selectFrom('message_batches').select('state').where('id', '=', Number(warm.body.id)).executeTakeFirst();
      if (b?.state === 'done') break;
    }
    const phases: Phase[] = [];
    let serial = 0;
    for (const type of TYPES) {
      const phase: Phase = { type, requestMs: [], firstAcceptedAt: 0, lastAcceptedAt: 0, allStoredAt: 0, batchIds: [], delivered: 0, failed: 0 };
      for (let q = 0; q < REQUESTS; q++) {
        const base = serial++ * RECIPIENTS;
        const body =
          type === 'alimtalk'
            ? {
                type,
                channelId: s.channelId,
                templateCode: s.templateCode,
                recipients: Array.from({ length: RECIPIENTS }, (_, i) => ({ to: phone(base + i), clientRef: `b${base + i}`, variables: { 고객명: `고객${i}`, 상품: `상품 ${i % 97}`, 주문번호: `A${base + i}` } })),
              }
            : { type, from: s.from, text: '[한빌] 주문하신 상품이 발송되었습니다. 감사합니다.', recipients: Array.from({ length: RECIPIENTS }, (_, i) => ({ to: phone(base + i), clientRef: `b${base + i}` })) };
        const t0 = performance.now();
        const r = await s.call('POST', '/v1/messages', body);
        const t1 = performance.now();
        if (r.status !== 202 && r.status !== 200) throw new Error(`POST /v1/messages: ${r.status} ${r.text.slice(0, 500)}`);
        if (!phase.firstAcceptedAt) phase.firstAcceptedAt = t0;
        phase.lastAcceptedAt = t1;
        phase.requestMs.push(t1 - t0);
        phase.batchIds.push(Number(r.body.id));
      }
      // every result stored: the batches are done
      for (;;) {
        const open = await sys.ctx.db.selectFrom('message_batches').select(['id', 'state', 'success', 'failure']).where('id', 'in', phase.batchIds).execute();
        if (open.every((b) => b.state === 'done')) {
          phase.allStoredAt = performance.now();
          phase.delivered = open.reduce((n, b) => n + Number(b.success), 0);
          phase.failed = open.reduce((n, b) => n + Number(b.failure), 0);
          break;
        }
        if (performance.now() - phase.firstAcceptedAt > 30 * 60_000) throw new Error('not done in 30 minutes');
        await new Promise((r) => setTimeout(r, 20));
      }
      phases.push(phase);
    }

    // bounds, measured after the pipeline is idle
    const acceptedAt = sys.ctx.clock.now();
    await ensureMessagePartitions(sys.ctx.db, acceptedAt);
    const anyBatch = await sys.ctx.db.selectFrom('message_batches').select(['id', 'accepted_at']).where('id', '=', phases[0]!.batchIds[0]!).executeTakeFirstOrThrow();
    const raw = await rawInsertRate(sys, Number(anyBatch.id), new Date(anyBatch.accepted_at));
    const simPerS = await simRate(sim.url);
    const simStats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as { sendCalls: number; pushes: number; reportsPushed: number };
    clearInterval(rssTimer);

    const cpu = os.cpus();
    console.log(`Messaging benchmark — Node ${process.version}, ${cpu[0]?.model ?? 'CPU'} × ${cpu.length}, load ${os.loadavg()[0]!.toFixed(1)} (API + worker in one Node process, the carrier simulator in another, result delay 0), ${engine}\n`);
    for (const p of phases) {
      const sorted = [...p.requestMs].sort((a, b) => a - b);
      const n = p.requestMs.length * RECIPIENTS;
      const sum = p.requestMs.reduce((a, b) => a + b, 0);
      console.log(`${p.type}: ${p.requestMs.length} request(s) of ${RECIPIENTS.toLocaleString('en-US')} recipients, one after another`);
      line('  accepted (sum of request times)', perS(n, sum, 'recipients'));
      line('  request time p50 / max', `${ms(sorted[Math.floor((sorted.length - 1) / 2)]!)} / ${ms(sorted[sorted.length - 1]!)}`);
      line('  first request → all results stored', ms(p.allStoredAt - p.firstAcceptedAt));
      line('  last acceptance → all results stored', ms(p.allStoredAt - p.lastAcceptedAt));
      line('  results stored (delivered / failed)', `${p.delivered} / ${p.failed}`);
      line('  end to end (first request → all stored)', perS(n, p.allStoredAt - p.firstAcceptedAt, 'results'));
    }
    console.log('bounds, same run');
    line(`  raw INSERT … unnest of ${RECIPIENTS.toLocaleString('en-US')} recipient rows, one statement`, `${ms(raw.msPerStatement)} (${raw.rowsPerS.toFixed(0)} rows/s)`);
    line('  carrier simulator alone (1,000 per call, no pushes)', `${simPerS.toFixed(0)} messages/s`);
    line('  simulator: send calls / report pushes / reports pushed', `${simStats.sendCalls} / ${simStats.pushes} / ${simStats.reportsPushed}`);
    line('  peak RSS of the Hanbill process', `${(peakRss / 1024 / 1024).toFixed(0)} MB`);
  } finally {
    clearInterval(rssTimer);
    await system.close();
    sim.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
