/**
 * What the observability hooks add to one request (issue 15 item 3), in process, with no database: a Fastify app
 * answering one route that writes one module log line (as a use case does through ctx.log), measured
 *   A. plain: Fastify's request logging, the module line through the process logger as it was;
 *   B. with the hooks: X-Request-Id validation and header, the AsyncLocalStorage log fields (onRequest and
 *      preValidation), the module line through contextualLogger (a child logger per request), the request counter
 *      and duration histogram (onResponse);
 * each over `BENCH_N` injected requests (light-my-request: no sockets), alternated in rounds, logs to /dev/null.
 * The single-issue path does far more (a transaction, the signature, the jobs): its p50 is milliseconds.
 *
 * Run: node --import tsx bench/observability-overhead.bench.ts     (BENCH_N=20000 BENCH_ROUNDS=5)
 * Prints figures only; asserts nothing.
 */
import fs from 'node:fs';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { createLogger } from '../src/platform/log-redaction.ts';
import { contextualLogger } from '../src/platform/log-context.ts';
import { requestContext, requestIdOf } from '../src/faces/request-context.ts';
import { httpMetrics } from '../src/faces/http-metrics.ts';
import type { Logger } from '../src/platform/context.ts';

const n = Number(process.env['BENCH_N'] ?? 20_000);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 5);

async function build(withHooks: boolean) {
  const base = createLogger('info', fs.createWriteStream('/dev/null'));
  const log: Logger = withHooks ? contextualLogger(base) : base;
  const app = Fastify({ loggerInstance: base as unknown as FastifyBaseLogger, ...(withHooks ? { genReqId: requestIdOf } : {}) });
  if (withHooks) {
    requestContext(app);
    httpMetrics(app);
  }
  app.post('/v1/things/:id', async (req) => {
    log.info({ id: (req.params as { id: string }).id }, 'thing done');
    return { ok: true };
  });
  await app.ready();
  return app;
}

async function run(app: Awaited<ReturnType<typeof build>>): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    await app.inject({ method: 'POST', url: `/v1/things/${i}`, payload: { a: i }, headers: { 'x-request-id': `bench-${i}` } });
  }
  return Number(process.hrtime.bigint() - t0) / 1e3 / n; // µs per request
}

const plain = await build(false);
const hooked = await build(true);
await run(plain);
await run(hooked); // warm-up
const a: number[] = [];
const b: number[] = [];
for (let r = 0; r < rounds; r++) {
  a.push(await run(plain));
  b.push(await run(hooked));
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
console.log(`requests per round ${n}, rounds ${rounds} (median of rounds, µs per injected request)`);
console.log(`A plain            ${median(a).toFixed(1)} µs   rounds ${a.map((x) => x.toFixed(1)).join(' ')}`);
console.log(`B with the hooks   ${median(b).toFixed(1)} µs   rounds ${b.map((x) => x.toFixed(1)).join(' ')}`);
console.log(`added              ${(median(b) - median(a)).toFixed(1)} µs per request`);
await plain.close();
await hooked.close();
