/**
 * Forward-only plain-SQL migrations: migrations/NNNN_name.sql, applied in name order, each in its own
 * transaction, recorded in schema_migrations. A session advisory lock keeps concurrent starters
 * (several API/worker processes on one PostgreSQL) from applying the same file twice.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');
const LOCK_ID = 7_301_512_001;
const SCHEMA_MIGRATIONS_DDL = 'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())';

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

export function listMigrations(dir = MIGRATIONS_DIR): { name: string; sql: string }[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => ({ name, sql: fs.readFileSync(path.join(dir, name), 'utf8') }));
}

export async function migrate(pool: pg.Pool, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
    try {
      await client.query(SCHEMA_MIGRATIONS_DDL);
      const done = new Set((await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
      const applied: string[] = [];
      for (const m of listMigrations(dir)) {
        if (done.has(m.name)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [m.name]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw new Error(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
        }
        applied.push(m.name);
      }
      return { applied, alreadyApplied: done.size };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]);
    }
  } finally {
    client.release();
  }
}

/**
 * Apply the migrations named in `names`, in order, on a client already inside a transaction: `hanbill import`
 * brings an empty database to a dump's level and loads its rows in one transaction, so a refused import leaves
 * the database as empty as it found it.
 */
export async function applyMigrationsInTransaction(client: pg.ClientBase, names: ReadonlySet<string>, dir = MIGRATIONS_DIR): Promise<string[]> {
  await client.query(SCHEMA_MIGRATIONS_DDL);
  const done = new Set((await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
  const applied: string[] = [];
  for (const m of listMigrations(dir)) {
    if (!names.has(m.name) || done.has(m.name)) continue;
    try {
      await client.query(m.sql);
    } catch (err) {
      throw new Error(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
    }
    await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [m.name]);
    applied.push(m.name);
  }
  return applied;
}
