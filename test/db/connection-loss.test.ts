// PostgreSQL ends idle pooled connections (a restart, pg_terminate_backend): the pool drops them and the system goes on.
// Without the pool's 'error' listener (main.ts) the terminated idle client's error event would end the process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { usePrivateDatabase } from '../support/private-database.ts';
import { startTestSystem } from '../support/test-system.ts';

test('idle connections terminated by the server are replaced; queries and /readyz go on', { skip: process.env['TEST_DATABASE_URL'] ? false : 'PostgreSQL only' }, async () => {
  const privateDb = await usePrivateDatabase('connloss');
  const sys = await startTestSystem();
  try {
    // several clients idle in the pool
    await Promise.all(Array.from({ length: 3 }, () => sys.database.pool.query('SELECT pg_sleep(0.05)')));
    assert.ok(sys.database.pool.idleCount >= 1);
    const admin = new pg.Client({ connectionString: process.env['TEST_DATABASE_URL'] });
    await admin.connect();
    try {
      const killed = await admin.query<{ n: string }>(
        `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      assert.ok(Number(killed.rows[0]!.n) >= 1, 'the system had connections to end');
    } finally {
      await admin.end();
    }
    await new Promise((r) => setTimeout(r, 300));
    const r = await sys.database.pool.query<{ one: number }>('SELECT 1 AS one');
    assert.equal(r.rows[0]!.one, 1);
    const ready = await fetch(`${sys.url}/readyz`);
    assert.equal(ready.status, 200);
  } finally {
    await sys.close();
    await privateDb.drop();
  }
});
