/**
 * One database handle for both engines: a PGlite folder (embedded default) or a PostgreSQL server.
 * Both are reached through a `pg.Pool`, so Kysely's stock PostgresDialect and raw SQL behave the same.
 * On PGlite the pool has one connection (PGlite is one session): transactions serialise, never interleave.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Extensions, PGlite } from '@electric-sql/pglite';
import type { DB } from './schema.ts';
import { markDataDirOpen } from './data-dir-lock.ts';
import { usePreparedStatements } from './prepared-statements.ts';
import { pglitePoolConfig } from './pglite-connection.ts';

// int8 (bigint) → number: ids and won amounts stay far below 2^53. numeric stays a string.
pg.types.setTypeParser(20, (v) => Number(v));
// date → 'YYYY-MM-DD' string, never a Date shifted by the process time zone.
pg.types.setTypeParser(1082, (v) => v);

export interface Database {
  db: Kysely<DB>;
  pool: pg.Pool;
  engine: 'pglite' | 'postgres';
  close(): Promise<void>;
}

/**
 * `preparedStatements` (default true): the repeated queries as named prepared statements (prepared-statements.ts).
 * `idleSeconds` (PostgreSQL, default 300; 0: never): how long a pooled connection may stay idle before it is closed.
 */
export type DatabaseTarget = ({ kind: 'postgres'; url: string; max?: number; idleSeconds?: number } | { kind: 'pglite'; dataDir: string | undefined }) & { preparedStatements?: boolean };

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') {
    // idle connections kept for minutes, not pg-pool's 10 s: a connection opened again costs PostgreSQL a backend and
    // every statement it prepares afresh, which made each burst after a quiet spell as slow as the first after a start
    const pool = new pg.Pool({ connectionString: target.url, max: target.max ?? 10, idleTimeoutMillis: (target.idleSeconds ?? 300) * 1000 });
    // A connection the server ends while it is checked out but between queries (a PostgreSQL restart,
    // pg_terminate_backend, a transaction waiting on SMTP) emits 'error' on its client, and the pool listens only
    // while a client is idle: unheard, that event ended the process (test/e2e/faults-infrastructure.test.ts). The
    // query in flight, or the next one, still fails with the error; the pool discards the client when it is released.
    pool.on('connect', (client) => client.on('error', () => {}));
    if (target.preparedStatements !== false) usePreparedStatements(pool);
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      pool,
      engine: 'postgres',
      close: async () => {
        await db.destroy();
        if (!pool.ending) await pool.end(); // Kysely ends the pool only if it ever used it (raw pool users: migrate, export)
      },
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  if (target.dataDir) {
    fs.mkdirSync(target.dataDir, { recursive: true });
    if (!fs.existsSync(path.join(target.dataDir, 'PG_VERSION'))) await initPgliteDataDir(target.dataDir);
  }
  const pglite: PGlite = await PGlite.create({ ...(target.dataDir ? { dataDir: target.dataDir } : {}), ...(await pgliteOptions()) });
  const database = wrapPglite(pglite, { preparedStatements: target.preparedStatements });
  if (!target.dataDir) return database;
  // hanbill.pid: who has the folder open (hanbill export refuses a folder a live server holds)
  const forget = markDataDirOpen(target.dataDir);
  const close = database.close;
  return { ...database, close: async () => { try { await close(); } finally { forget(); } } };
}

/**
 * What every PGlite of ours loads: the contrib extensions the migrations create (pg_trgm for the 문서함 search,
 * migration 0016). PostgreSQL has them as contrib modules; PGlite must be given them when it opens.
 */
export async function pgliteOptions(): Promise<{ extensions: Extensions; postgresqlconf: string }> {
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  // PGlite's default shared_buffers (128 MB) lives in the process's own memory; the operating system caches the
  // data folder's files beneath it anyway. 16 MB (32 until 2026-12-07) keeps an embedded server under 400 MB through
  // `npm run bench`: its peak 391–410 → 365–386 MB, throughput within the noise (docs/performance.md).
  return { extensions: { pg_trgm }, postgresqlconf: 'shared_buffers = 16MB' };
}

/**
 * A new data folder's initdb, in a child process: PGlite's initdb holds ~600 MB of WebAssembly memory that a
 * process never gives back, so the server that opens the folder afterwards starts at a third of that.
 */
async function initPgliteDataDir(dataDir: string): Promise<void> {
  const pglite = import.meta.resolve('@electric-sql/pglite');
  const code = `const { PGlite } = await import(${JSON.stringify(pglite)}); const db = await PGlite.create({ dataDir: ${JSON.stringify(dataDir)} }); await db.close();`;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()).length > 4000 && (stderr = stderr.slice(-4000)));
    child.on('error', reject);
    child.on('exit', (status) => (status === 0 ? resolve() : reject(new Error(`PGlite initdb of ${dataDir} failed (exit ${status}): ${stderr.trim()}`))));
  });
}

/** Wrap an already open PGlite (tests clone a migrated template into memory). */
export function wrapPglite(pglite: PGlite, o: { preparedStatements?: boolean | undefined } = {}): Database {
  const pool = new pg.Pool(pglitePoolConfig(pglite));
  if (o.preparedStatements !== false) usePreparedStatements(pool);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    engine: 'pglite',
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}
