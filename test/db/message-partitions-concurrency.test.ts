// Creating a month's partitions while the delivery pipeline works: no deadlock with transactions that read and
// write the history tables (PostgreSQL: CREATE TABLE … PARTITION OF locks the parent ACCESS EXCLUSIVE, one table
// after the other; a worker that read message_recipients and then updates message_batches deadlocked with it,
// and POST /v1/messages answered 500 with the deadlock). On PGlite (one connection) there is nothing to race.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Database } from '../../src/platform/db/database.ts';
import { ensureMessagePartitions, listMessagePartitions } from '../../src/modules/messaging/sending/message-partitions.ts';
import '../../src/modules/messaging/sending/tables.ts';
import { openTestDatabase } from '../support/test-database.ts';
import { usePrivateDatabase, type PrivateDatabase } from '../support/private-database.ts';

let database: Database;
let privateDb: PrivateDatabase;
before(async () => {
  // new months' partitions are made here: kept away from the other files' tables
  privateDb = await usePrivateDatabase('msgpartc');
  database = await openTestDatabase();
});
after(async () => {
  await database.close();
  await privateDb.drop();
});

const pg = () => process.env['TEST_DATABASE_URL'] !== undefined;

test('a month is partitioned while a worker transaction reads recipients and then updates batches: both finish', { skip: !pg() && 'PGlite has one connection' }, async () => {
  const existing = new Date('2031-03-10T00:00:00+09:00');
  await ensureMessagePartitions(database.db, existing);
  const batch = await database.db
    .insertInto('message_batches')
    .values({ accepted_at: existing, channel: 'test', type: 'sms', sender_number: '0212345678', state: 'sending', total: 1, pending: 1 })
    .returning('id')
    .executeTakeFirstOrThrow();

  const worker = await database.pool.connect();
  try {
    await worker.query("SET lock_timeout = '10s'");
    await worker.query('BEGIN');
    // the worker has read the recipients (as record-results does) …
    await worker.query('SELECT count(*) FROM message_recipients WHERE accepted_at = $1', [existing]);
    // … when acceptance makes the partitions of a new month (a process's first send in it)
    const creating = ensureMessagePartitions(database.db, new Date('2031-06-10T00:00:00+09:00')).then(
      () => 'created',
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 300));
    // … and then updates its batch's counters
    const updating = worker.query('UPDATE message_batches SET success = success + 1, pending = pending - 1 WHERE id = $1 AND accepted_at = $2', [batch.id, existing]).then(
      () => 'updated',
      (e: unknown) => e,
    );
    assert.equal(await updating, 'updated');
    await worker.query('COMMIT');
    assert.equal(await creating, 'created');
  } finally {
    worker.release();
  }
  for (const table of ['message_batches', 'message_recipients', 'message_attempts'] as const) {
    assert.ok((await listMessagePartitions(database.db, table)).some((p) => p.name === `${table}_y2031m06`), table);
  }
  // the new partitions take rows and carry the parent's keys and defaults
  const at = new Date('2031-06-15T00:00:00+09:00');
  const row = await database.db
    .insertInto('message_batches')
    .values({ accepted_at: at, channel: 'test', type: 'sms', sender_number: '0212345678', state: 'done', total: 1, pending: 0 })
    .returning(['id', 'source', 'is_ad'])
    .executeTakeFirstOrThrow();
  assert.equal(row.source, 'api');
  assert.equal(row.is_ad, false);
  const part = await sql<{ part: string }>`SELECT tableoid::regclass::text AS part FROM message_batches WHERE id = ${row.id}`.execute(database.db);
  assert.equal(part.rows[0]!.part, 'message_batches_y2031m06');
  await assert.rejects(sql`INSERT INTO message_batches (id, accepted_at, channel, type, state, total, pending) VALUES (${row.id}, ${at}, 'test', 'sms', 'done', 1, 0)`.execute(database.db), /duplicate key|unique/);
});
