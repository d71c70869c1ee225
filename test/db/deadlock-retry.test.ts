// A real deadlock on PostgreSQL: its victim's error reaches retryingDeadlock as 40P01 through Kysely and node-postgres,
// and the statement, run again once the other transaction ended, succeeds (send-document-mail.ts records sent mails so).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Database } from '../../src/platform/db/database.ts';
import { retryingDeadlock } from '../../src/platform/db/deadlock-retry.ts';
import { openTestDatabase } from '../support/test-database.ts';

let database: Database;
before(async () => {
  database = await openTestDatabase();
});
after(async () => {
  await database.close();
});

test('a statement chosen as a deadlock victim runs again and succeeds', { skip: process.env['TEST_DATABASE_URL'] ? false : 'PostgreSQL only (PGlite has one connection)' }, async () => {
  // keys of this run only: advisory locks are server-wide
  const a = Math.floor(Math.random() * 1e9);
  const b = a + 1;
  const other = await database.pool.connect();
  let attempts = 0;
  try {
    await other.query('BEGIN');
    await other.query('SELECT pg_advisory_xact_lock($1)', [b]);
    // the statement takes a, then waits for b (held by the other transaction)
    const victim = retryingDeadlock(async () => {
      attempts++;
      // the target list is evaluated in order: a, then b
      const r = await sql<{ done: boolean }>`SELECT pg_advisory_xact_lock(${a}::bigint) AS first, pg_advisory_xact_lock(${b}::bigint) AS second, true AS done`.execute(database.db);
      return r.rows[0]!.done;
    });
    // wait until it holds a and waits for b, then close the cycle: the other transaction asks for a
    for (let i = 0; i < 200; i++) {
      const waiting = await database.pool.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = $1`, [b]);
      if (waiting.rowCount) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    // the statement waited first, so its deadlock check (after deadlock_timeout) runs first and it is the victim:
    // its lock on a goes, this one is granted
    await other.query('SELECT pg_advisory_xact_lock($1)', [a]);
    await other.query('COMMIT');
    assert.equal(await victim, true);
    assert.equal(attempts, 2, 'the victim ran again once');
  } finally {
    await other.query('ROLLBACK').catch(() => undefined);
    other.release();
  }
});
