// The PostgreSQL pool's idle connections (DATABASE_POOL_IDLE_SECONDS, platform/db/database.ts): kept for the configured
// time, not pg-pool's 10 s, so a burst after a quiet spell finds them open with their prepared statements.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openDatabase } from '../../src/platform/db/database.ts';

const url = process.env['TEST_DATABASE_URL'];
const skip = url ? false : 'PostgreSQL only (PGlite is one in-process connection)';

async function idleCountAfter(idleSeconds: number | undefined, waitMs: number): Promise<{ before: number; after: number }> {
  const database = await openDatabase({ kind: 'postgres', url: url!, ...(idleSeconds === undefined ? {} : { idleSeconds }) });
  try {
    // two connections at once, so the pool holds two
    await Promise.all([sql`SELECT pg_sleep(0.05)`.execute(database.db), sql`SELECT pg_sleep(0.05)`.execute(database.db)]);
    const before = database.pool.totalCount;
    await new Promise((r) => setTimeout(r, waitMs));
    return { before, after: database.pool.totalCount };
  } finally {
    await database.close();
  }
}

test('an idle connection is closed after idleSeconds', { skip }, async () => {
  assert.deepEqual(await idleCountAfter(1, 1_600), { before: 2, after: 0 });
});

test('by default idle connections outlive pg-pool\'s 10 s (300 s)', { skip, timeout: 30_000 }, async () => {
  assert.deepEqual(await idleCountAfter(undefined, 11_000), { before: 2, after: 2 });
});

test('idleSeconds 0 keeps them for good', { skip, timeout: 30_000 }, async () => {
  assert.deepEqual(await idleCountAfter(0, 1_600), { before: 2, after: 2 });
});
