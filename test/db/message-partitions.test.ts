// Send history in monthly partitions (KST months): created before a month's first row, dropped whole after 12 months.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Database } from '../../src/platform/db/database.ts';
import { ensureMessagePartitions, listMessagePartitions, purgeMessageHistory } from '../../src/modules/messaging/sending/message-partitions.ts';
import '../../src/modules/messaging/sending/tables.ts';
import { openTestDatabase } from '../support/test-database.ts';
import { usePrivateDatabase, type PrivateDatabase } from '../support/private-database.ts';

let database: Database;
let privateDb: PrivateDatabase;
before(async () => {
  // the purge drops whole months: on a shared PostgreSQL it would drop other test files' rows
  privateDb = await usePrivateDatabase('msgpart');
  database = await openTestDatabase();
});
after(async () => {
  await database.close();
  await privateDb.drop();
});

async function insertBatch(acceptedAt: Date): Promise<number> {
  await ensureMessagePartitions(database.db, acceptedAt);
  const row = await database.db
    .insertInto('message_batches')
    .values({ accepted_at: acceptedAt, channel: 'test', type: 'sms', sender_number: '0212345678', state: 'done', total: 1, pending: 0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

test('a row lands in the partition of its KST month, and a purge drops only months older than 12 months', async () => {
  // 2024-01-31 15:30 UTC is 2024-02-01 00:30 KST: the February partition
  const feb = await insertBatch(new Date('2024-01-31T15:30:00Z'));
  const jan = await insertBatch(new Date('2024-01-31T14:30:00Z'));
  const where = await sql<{ id: string; part: string }>`SELECT id::text, tableoid::regclass::text AS part FROM message_batches WHERE id IN (${feb}, ${jan}) ORDER BY id`.execute(database.db);
  assert.deepEqual(
    where.rows.map((r) => r.part),
    ['message_batches_y2024m02', 'message_batches_y2024m01'],
  );
  const later = await insertBatch(new Date('2025-01-15T00:00:00Z'));

  // 2025-01-20 KST: January 2025 and the 12 months before (from 2024-01) are kept
  assert.deepEqual(await purgeMessageHistory(database.db, new Date('2025-01-20T00:00:00Z')), []);
  // 2025-02-01 KST: January 2024 leaves the retention, as whole partitions of all three tables
  const dropped = await purgeMessageHistory(database.db, new Date('2025-02-01T00:00:00+09:00'));
  assert.deepEqual(dropped.sort(), ['message_attempts_y2024m01', 'message_batches_y2024m01', 'message_recipients_y2024m01']);
  const left = await database.db.selectFrom('message_batches').select('id').where('id', 'in', [feb, jan, later]).orderBy('id').execute();
  assert.deepEqual(left.map((r) => Number(r.id)), [feb, later].map(Number).sort((a, b) => a - b));
  assert.ok(!(await listMessagePartitions(database.db, 'message_batches')).some((p) => p.name.endsWith('y2024m01')));
  // a row for a purged month may be written again: its partition is recreated
  await insertBatch(new Date('2024-01-10T00:00:00Z'));
});
