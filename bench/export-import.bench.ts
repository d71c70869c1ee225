/**
 * hanbill export / import throughput (issue 15 item 1): an embedded data folder holding N synthetic events (jsonb
 * payload, xid8, timestamptz: the widest common row) exported to a dump, the dump imported into a new PostgreSQL
 * database; beside the bound measured in the same run: the same N rows written on that PostgreSQL server by one
 * INSERT … SELECT generate_series (no client, no parsing).
 *
 * Run: node --import tsx bench/export-import.bench.ts        BENCH_ROWS=200000 (default)
 *      BENCH_PG=postgres://postgres@127.0.0.1:5432/postgres (the server the databases are created on)
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { runExport, runImport } from '../src/cli/commands/export-import.ts';
import { scratchDatabases } from '../test/support/transfer-support.ts';

const N = Number(process.env['BENCH_ROWS'] ?? 200_000);
const ADMIN = process.env['BENCH_PG'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const FILL = `INSERT INTO events (type, object_type, object_id, state, data, occurred_at, partner_id, subscription_id)
  SELECT 'document.issued', 'document', 'D' || lpad(g::text, 12, '0'), 'issued',
         jsonb_build_object('dockey', 'D' || g, 'issueId', lpad(g::text, 24, '0'), 'amount', g * 1000, 'buyer', '(주)구매상사', 'lines', jsonb_build_array(1, 2, 3)),
         now() - (g || ' seconds')::interval, 1, 1
    FROM generate_series(1, ${N}) g`;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-xfer-bench-'));
const databases = scratchDatabases(ADMIN);
await databases.connect();
const create = (prefix: string) => databases.create(prefix);
const io = { stdout: process.stdout, stderr: { write: () => true } as unknown as NodeJS.WritableStream };
try {
  const source = await openDatabase({ kind: 'pglite', dataDir: path.join(work, 'pgdata') });
  await migrate(source.pool);
  await source.pool.query(FILL);
  await source.close();

  const dump = path.join(work, 'bench.dump.gz');
  let t = performance.now();
  if ((await runExport(['--data-dir', work, '--out', dump], {}, io)) !== 0) throw new Error('export failed');
  const exportMs = performance.now() - t;

  const target = await create('xfer_bench');
  const key = crypto.randomBytes(32).toString('hex');
  t = performance.now();
  if ((await runImport(['--in', dump], { DATABASE_URL: target, HANBILL_MASTER_KEY: key }, io)) !== 0) throw new Error('import failed');
  const importMs = performance.now() - t;

  const bound = await create('xfer_bound');
  const b = await openDatabase({ kind: 'postgres', url: bound, max: 1 });
  await migrate(b.pool);
  t = performance.now();
  await b.pool.query(FILL);
  const boundMs = performance.now() - t;
  await b.close();

  const mb = fs.statSync(dump).size / 1e6;
  const rate = (ms: number) => Math.round(N / (ms / 1000)).toLocaleString('en-US');
  console.log(`rows ${N.toLocaleString('en-US')}, dump ${mb.toFixed(1)} MB (gzip)`);
  console.log(`export  (PGlite folder → file)        ${(exportMs / 1000).toFixed(1)} s  ${rate(exportMs)} rows/s`);
  console.log(`import  (file → new PostgreSQL db)     ${(importMs / 1000).toFixed(1)} s  ${rate(importMs)} rows/s  (includes running the migrations)`);
  console.log(`bound   (INSERT … generate_series)     ${(boundMs / 1000).toFixed(1)} s  ${rate(boundMs)} rows/s`);
} finally {
  await databases.dropAll();
  fs.rmSync(work, { recursive: true, force: true });
}
