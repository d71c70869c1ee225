/**
 * `npm run bench`: builds dist/ (the server runs as `npm start` runs it), then runs the customer-flow benchmark
 * (bench/customer-flow.bench.ts) on the embedded PGlite and, when DATABASE_URL is set, again on that PostgreSQL
 * database, and prints one table per engine: each figure beside its bound measured in the same run and the ratio.
 *
 *   npm run bench
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/hanbill_bench npm run bench
 *   BENCH_DOCS=1000 BENCH_RATE=200 BENCH_RATE_SECONDS=10 BENCH_NO_BUILD=1 npm run bench
 *   BENCH_SERVER_ROOT=/path/to/other/checkout npm run bench   (start that checkout's built server: A/B runs; no build)
 *   BENCH_ENGINE=postgres DATABASE_URL=… npm run bench         (one engine only: pglite or postgres)
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { flowOptionsFromEnv, formatTable, runCustomerFlow, type FlowResult } from './customer-flow.bench.ts';

const root = path.resolve(import.meta.dirname, '..');
if (!process.env['BENCH_NO_BUILD'] && !process.env['BENCH_SERVER_ROOT']) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });

// BENCH_ENGINE=pglite or postgres runs that engine alone (A/B runs of one engine)
const only = process.env['BENCH_ENGINE'];
const results: FlowResult[] = [];
if (only !== 'postgres') results.push(await runCustomerFlow(flowOptionsFromEnv(undefined)));
const databaseUrl = process.env['DATABASE_URL'];
if (databaseUrl && only !== 'pglite') results.push(await runCustomerFlow(flowOptionsFromEnv(databaseUrl)));
console.log(formatTable(results));
