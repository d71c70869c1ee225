// The event log on a real database: recorded with the change (or not at all), read back in a total order by an
// opaque cursor, and never skipped by a reader while an older transaction is still writing (PostgreSQL).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../src/platform/db/database.ts';
import { sql } from 'kysely';
import { EVENT_COLUMNS, eventRows, recordEvent, recordEvents } from '../../src/modules/events/record-event.ts';
import { listEvents } from '../../src/modules/events/list-events.ts';
import type { Ctx } from '../../src/platform/context.ts';
import { silentLogger } from '../../src/platform/context.ts';
import { openTestDatabase } from '../support/test-database.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { AppError } from '../../src/platform/errors.ts';

let database: Database;
let ctx: Ctx;
before(async () => {
  database = await openTestDatabase();
  ctx = { db: database.db, clock: systemClock, config: {} as Ctx['config'], masterKey: Buffer.alloc(32), log: silentLogger };
});
after(async () => {
  await database.close();
});

/**
 * The page once `n` events are listable: an event is listed only when every older transaction of the whole server
 * has ended (list-events.ts), and on PostgreSQL other test files' transactions (a private database being migrated)
 * may still be running for a moment.
 */
async function whenListable(scope: { partnerId: number }, n: number, filter: Parameters<typeof listEvents>[2] = {}): Promise<Awaited<ReturnType<typeof listEvents>>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const page = await listEvents(ctx, scope, filter);
    if (page.data.length >= n || Date.now() > deadline) return page;
    await new Promise((r) => setTimeout(r, 50));
  }
}

let partnerSeq = 0;
/** a partner id no other test uses: events need no partner row */
const freshPartner = (): number => 900_000_000 + process.pid * 100 + ++partnerSeq;

test('an event rolled back with its change never exists; committed ones are listed oldest first with their data', async () => {
  const partnerId = freshPartner();
  const at = new Date('2026-12-01T03:04:05.678Z');
  await database.db
    .transaction()
    .execute(async (tx) => {
      await recordEvent(tx, { type: 'api_key.created', partnerId, objectId: 'k-rolled-back', state: 'active', at });
      throw new Error('rollback');
    })
    .catch(() => undefined);
  await database.db.transaction().execute((tx) =>
    recordEvents(tx, [
      { type: 'api_key.created', partnerId, objectId: 'k1', state: 'active', at, data: { name: '운영' } },
      { type: 'api_key.deleted', partnerId, objectId: 'k1', state: 'deleted', at },
    ]),
  );
  const page = await whenListable({ partnerId }, 2);
  assert.deepEqual(
    page.data.map((e) => [e.type, e.object.id, e.object.state]),
    [['api_key.created', 'k1', 'active'], ['api_key.deleted', 'k1', 'deleted']],
  );
  assert.equal(page.data[0]!.occurredAt, '2026-12-01T12:04:05.678+09:00');
  assert.deepEqual(page.data[0]!.data, { name: '운영' });
  assert.equal(page.data[0]!.object.type, 'api_key');
  assert.equal(page.hasMore, false);
  // nothing new: the same cursor comes back, so a polling client keeps its place
  const again = await listEvents(ctx, { partnerId }, { cursor: page.nextCursor! });
  assert.deepEqual(again.data, []);
  assert.equal(again.nextCursor, page.nextCursor);
});

test('eventRows joins a change made in one statement: its events are written only when the change happened', async () => {
  const partnerId = freshPartner();
  const at = new Date();
  const cols = sql.raw(EVENT_COLUMNS.join(', '));
  // a data-modifying CTE that changed nothing (no row matched), then one that changed a row
  for (const [objectId, matches] of [['k-unchanged', false], ['k-changed', true]] as const) {
    await sql`
      WITH changed AS (SELECT 1 AS n WHERE ${matches})
      INSERT INTO events (${cols}) ${eventRows([{ type: 'api_key.created', partnerId, objectId, state: 'active', at }], sql`EXISTS (SELECT 1 FROM changed)`)}`.execute(database.db);
  }
  const page = await whenListable({ partnerId }, 1);
  assert.deepEqual(page.data.map((e) => e.object.id), ['k-changed']);
});

test('cursor paging visits every event once; type and object filters; other partners are never seen', async () => {
  const partnerId = freshPartner();
  const other = freshPartner();
  const at = new Date();
  for (let i = 0; i < 7; i++) {
    await database.db.transaction().execute((tx) =>
      recordEvents(tx, [
        { type: 'bill.issued', partnerId, objectId: `b${i}`, state: 'issued', at },
        { type: 'bill.paid', partnerId, objectId: `b${i}`, state: 'paid', at },
        { type: 'bill.issued', partnerId: other, objectId: `x${i}`, state: 'issued', at },
      ]),
    );
  }
  assert.equal((await whenListable({ partnerId }, 14, { limit: 500 })).data.length, 14);
  const seen: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await listEvents(ctx, { partnerId }, { limit: 3, ...(cursor ? { cursor } : {}) });
    seen.push(...page.data.map((e) => `${e.type}:${e.object.id}`));
    cursor = page.nextCursor ?? undefined;
    if (!page.hasMore) break;
  }
  assert.equal(seen.length, 14);
  assert.equal(new Set(seen).size, 14);
  assert.ok(seen.every((s) => s.includes(':b')));
  const paid = await listEvents(ctx, { partnerId }, { types: ['bill.paid'] });
  assert.equal(paid.data.length, 7);
  const one = await listEvents(ctx, { partnerId }, { objectType: 'bill', objectId: 'b3' });
  assert.deepEqual(one.data.map((e) => e.type), ['bill.issued', 'bill.paid']);
});

test('bad filters are refused naming the field', async () => {
  const scope = { partnerId: freshPartner() };
  const field = async (p: Promise<unknown>): Promise<string | undefined> => {
    try {
      await p;
      return undefined;
    } catch (err) {
      assert.ok(err instanceof AppError);
      return err.field;
    }
  };
  assert.equal(await field(listEvents(ctx, scope, { cursor: 'not a cursor' })), 'cursor');
  assert.equal(await field(listEvents(ctx, scope, { cursor: Buffer.from('1.x').toString('base64url') })), 'cursor');
  assert.equal(await field(listEvents(ctx, scope, { types: ['document.exploded'] })), 'type');
  assert.equal(await field(listEvents(ctx, scope, { objectType: 'spaceship' })), 'objectType');
  assert.equal(await field(listEvents(ctx, scope, { limit: 0 })), 'limit');
  assert.equal(await field(listEvents(ctx, scope, { limit: 501 })), 'limit');
});

test('a reader never pages past an event of a transaction still running (PostgreSQL: concurrent writers)', { skip: process.env.TEST_DATABASE_URL ? false : 'PGlite has one connection: no concurrent writers' }, async () => {
  const partnerId = freshPartner();
  const at = new Date();
  let releaseSlow!: () => void;
  const slowMayCommit = new Promise<void>((r) => (releaseSlow = r));
  let slowWrote!: () => void;
  const slowHasWritten = new Promise<void>((r) => (slowWrote = r));
  // the slow transaction takes the lower id and commits last
  const slow = database.db.transaction().execute(async (tx) => {
    await recordEvent(tx, { type: 'bill.issued', partnerId, objectId: 'slow', state: 'issued', at });
    slowWrote();
    await slowMayCommit;
  });
  await slowHasWritten;
  await database.db.transaction().execute((tx) => recordEvent(tx, { type: 'bill.issued', partnerId, objectId: 'fast', state: 'issued', at }));
  // 'fast' is committed, but 'slow' (a lower id) may still commit: 'fast' is held back, not returned past 'slow'
  const first = await listEvents(ctx, { partnerId });
  assert.deepEqual(first.data.map((e) => e.object.id), []);
  releaseSlow();
  await slow;
  const second = await whenListable({ partnerId }, 2, first.nextCursor ? { cursor: first.nextCursor } : {});
  assert.deepEqual(second.data.map((e) => e.object.id).sort(), ['fast', 'slow']);
});
