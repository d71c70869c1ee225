/**
 * A database for one test file. With TEST_DATABASE_URL: that PostgreSQL database, shared by all test
 * files (tests isolate by tenant: each makes its own members with fresh business numbers). Without it: an
 * in-memory PGlite loaded from a migrated template that is built once and cached under .tmp/.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, pgliteOptions, wrapPglite, type Database } from '../../src/platform/db/database.ts';
import { listMigrations, migrate } from '../../src/platform/db/migrate.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

export async function openTestDatabase(): Promise<Database> {
  const url = process.env['TEST_DATABASE_URL'];
  if (url) {
    const database = await openDatabase({ kind: 'postgres', url, max: 5 });
    await migrate(database.pool);
    return database;
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const template = await migratedTemplate();
  const pglite = await PGlite.create({ loadDataDir: new Blob([fs.readFileSync(template)]), ...(await pgliteOptions()) });
  const database = wrapPglite(pglite);
  await migrate(database.pool); // no-op unless the template is stale
  return database;
}

async function migratedTemplate(): Promise<string> {
  const hash = crypto.createHash('sha256');
  for (const m of listMigrations()) hash.update(m.name).update(m.sql);
  const dir = path.join(ROOT, '.tmp');
  const file = path.join(dir, `pglite-template-${hash.digest('hex').slice(0, 16)}.tar.gz`);
  if (fs.existsSync(file)) return file;
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create(await pgliteOptions());
  const database = wrapPglite(pglite);
  await migrate(database.pool);
  const dump = await pglite.dumpDataDir('gzip');
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
  fs.renameSync(tmp, file); // atomic: parallel test files never read a half-written template
  await database.close();
  return file;
}
