/**
 * What the request rate limits (src/faces/rate-limits.ts: one UPSERT on rate_limit_windows per request) add to the
 * single-issue path: one system, one partner member, `BENCH_N` single REST issues (POST …/documents, issue: true, the
 * mail queued) one after another over HTTP, alternating rounds with the limits on (defaults) and off (both limits 0:
 * the hook is not installed), p50 / p90 of each. Also the counter's UPSERT alone, `BENCH_N` times.
 *
 * Run: DATABASE_URL=postgres://… node --import tsx bench/rate-limit-overhead.bench.ts   (BENCH_N=200 BENCH_ROUNDS=3)
 *      without DATABASE_URL: embedded PGlite. Prints figures only; asserts nothing.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { startSystem, type System } from '../src/main.ts';
import { silentLogger } from '../src/platform/context.ts';
import { makeRequestCounter } from '../src/modules/access/count-request.ts';
import { onboard } from '../test/support/onboard.ts';
import { sampleDocument, todayKst } from '../test/e2e/nts-support.ts';

const n = Number(process.env['BENCH_N'] ?? 200);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
const databaseUrl = process.env['DATABASE_URL'];

async function start(limits: boolean): Promise<{ sys: System; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-rl-bench-'));
  const config = loadConfig({
    PORT: '0', HOST: '127.0.0.1', HANBILL_DATA_DIR: dir, LOG_LEVEL: 'silent',
    HANBILL_MASTER_KEY: crypto.randomBytes(32).toString('hex'), HANBILL_OPERATOR_TOKEN: crypto.randomBytes(24).toString('base64url'),
    HANBILL_CHANNEL: `rl${crypto.randomBytes(4).toString('hex')}`, HANBILL_BILLING_TICK_MS: '0', HANBILL_EVENT_RETENTION_SWEEP_MS: '0', HANBILL_MESSAGE_HISTORY_PURGE: 'off',
    HANBILL_ROLES: 'api',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(limits ? {} : { HANBILL_RATE_LIMIT_PER_KEY: '0', HANBILL_RATE_LIMIT_PER_IP: '0' }),
  });
  return { sys: await startSystem(config, { logger: silentLogger }), dir };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function issues(sys: System, m: { sinchno: number; svcKey: string; bizno: string }): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const body = JSON.stringify({ issue: true, document: sampleDocument('0101', m.bizno, todayKst()) });
    const t0 = performance.now();
    const res = await fetch(`${sys.url}/v1/subscriptions/${m.sinchno}/documents`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-svc-key': m.svcKey }, body });
    await res.arrayBuffer();
    out.push(performance.now() - t0);
    if (res.status !== 201) throw new Error(`issue: HTTP ${res.status}`);
  }
  return out;
}

const results: Record<'on' | 'off', number[]> = { on: [], off: [] };
for (let r = 0; r < rounds; r++) {
  for (const mode of r % 2 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
    const { sys, dir } = await start(mode === 'on');
    try {
      // without the API guard's partner key: the member's own svc_key (the seed-A onboarding)
      const m = await onboard(sys.url!);
      await issues(sys, m).then((xs) => xs.slice(0, 10)); // warm up
      results[mode].push(...(await issues(sys, m)));
    } finally {
      await sys.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}
console.log(`engine: ${databaseUrl ? 'PostgreSQL' : 'PGlite'}; ${rounds} rounds × ${n} single REST issues, sequential`);
for (const mode of ['off', 'on'] as const) console.log(`limits ${mode.padEnd(3)}: p50 ${pct(results[mode], 50).toFixed(2)} ms, p90 ${pct(results[mode], 90).toFixed(2)} ms`);

const { sys, dir } = await start(true);
const counter = makeRequestCounter(sys.ctx);
const bucket = [{ name: `${sys.ctx.config.channel}|ip|bench`, limit: 1e9 }, { name: `${sys.ctx.config.channel}|key|bench`, limit: 1e9 }];
const times: number[] = [];
for (let i = 0; i < n * 5; i++) {
  const t0 = performance.now();
  await counter.count(bucket);
  times.push(performance.now() - t0);
}
console.log(`counter UPSERT alone (2 buckets, ${n * 5}×): p50 ${pct(times, 50).toFixed(3)} ms, p90 ${pct(times, 90).toFixed(3)} ms`);
await sys.close();
fs.rmSync(dir, { recursive: true, force: true });
