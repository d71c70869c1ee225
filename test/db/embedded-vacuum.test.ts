// The embedded database has no autovacuum (PGlite is one standalone backend): vacuumRound does its work, with its
// thresholds. PGlite only — PostgreSQL vacuums itself, and the shared test database is other files' too.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Database } from '../../src/platform/db/database.ts';
import { vacuumRound } from '../../src/platform/db/embedded-vacuum.ts';
import { openTestDatabase } from '../support/test-database.ts';

const skip = process.env['TEST_DATABASE_URL'] ? 'PostgreSQL runs its own autovacuum' : false;
let database: Database;
before(async () => {
  if (!skip) database = await openTestDatabase();
});
after(async () => {
  await database?.close();
});

const stats = async (table: string) => {
  await sql`SELECT pg_stat_force_next_flush()`.execute(database.db); // this backend's counts, now rather than within a second
  return (await sql<{ dead: number; changed: number }>`SELECT n_dead_tup::int AS dead, n_mod_since_analyze::int AS changed FROM pg_stat_user_tables WHERE relname = ${table}`.execute(database.db)).rows[0]!;
};

test('no autovacuum runs here: dead rows stay until a round vacuums the table; a round then leaves it alone', { skip }, async () => {
  const backends = await sql<{ backend_type: string }>`SELECT backend_type FROM pg_stat_activity`.execute(database.db);
  assert.ok(!backends.rows.some((b) => b.backend_type === 'autovacuum launcher'), 'PGlite has no autovacuum launcher');
  await sql`CREATE TABLE vacuum_churn (id int PRIMARY KEY, v int NOT NULL)`.execute(database.db);
  await sql`INSERT INTO vacuum_churn SELECT g, 0 FROM generate_series(1, 2000) g`.execute(database.db);
  for (let i = 0; i < 5; i++) await sql`UPDATE vacuum_churn SET v = v + 1`.execute(database.db);
  const before = await stats('vacuum_churn');
  assert.ok(before.dead >= 9000, `dead row versions of 5 full updates: ${before.dead}`);
  const sizeBefore = Number((await sql<{ n: string }>`SELECT pg_relation_size('vacuum_churn') AS n`.execute(database.db)).rows[0]!.n);

  const round = await vacuumRound(database.db);
  assert.ok(round.vacuumed.includes('vacuum_churn'), JSON.stringify(round));
  assert.equal((await stats('vacuum_churn')).dead, 0);
  // the space is reused: five more updates do not grow the table by five table's worth again
  for (let i = 0; i < 5; i++) {
    await sql`UPDATE vacuum_churn SET v = v + 1 WHERE id % 5 = ${i}`.execute(database.db);
  }
  assert.ok(Number((await sql<{ n: string }>`SELECT pg_relation_size('vacuum_churn') AS n`.execute(database.db)).rows[0]!.n) <= sizeBefore);

  const again = await vacuumRound(database.db);
  assert.ok(again.vacuumed.includes('vacuum_churn'), 'a full table of updates since: over the threshold again');
  await sql`UPDATE vacuum_churn SET v = v + 1 WHERE id <= 10`.execute(database.db);
  const quiet = await vacuumRound(database.db);
  assert.ok(!quiet.vacuumed.includes('vacuum_churn') && !quiet.analyzed.includes('vacuum_churn'), `10 changed rows of 2,000 are under both thresholds: ${JSON.stringify(quiet)}`);
});

test('a table changed but not dead enough to vacuum is analyzed: its row estimate follows', { skip }, async () => {
  await sql`CREATE TABLE vacuum_grow (id int PRIMARY KEY)`.execute(database.db);
  // 1,100 rows inserted: over 50 + 10 % changed (analyze), under 1,000 + 20 % inserted (vacuum)
  await sql`INSERT INTO vacuum_grow SELECT g FROM generate_series(1, 1100) g`.execute(database.db);
  assert.ok((await stats('vacuum_grow')).changed >= 1100);
  const round = await vacuumRound(database.db);
  assert.ok(round.analyzed.includes('vacuum_grow') && !round.vacuumed.includes('vacuum_grow'), JSON.stringify(round));
  const estimate = await sql<{ n: number }>`SELECT reltuples::int AS n FROM pg_class WHERE relname = 'vacuum_grow'`.execute(database.db);
  assert.equal(estimate.rows[0]!.n, 1100);
  assert.equal((await stats('vacuum_grow')).changed, 0);
});

test('an append-only table is vacuumed after enough inserts (the insert trigger): its visibility map is set (what lets a count read the index alone)', { skip }, async () => {
  await sql`CREATE TABLE vacuum_append (id int PRIMARY KEY)`.execute(database.db);
  await sql`INSERT INTO vacuum_append SELECT g FROM generate_series(1, 5000) g`.execute(database.db);
  const visible = async () => (await sql<{ n: number }>`SELECT relallvisible::int AS n FROM pg_class WHERE relname = 'vacuum_append'`.execute(database.db)).rows[0]!.n;
  assert.equal(await visible(), 0, 'no page is all-visible before a vacuum');
  const round = await vacuumRound(database.db);
  assert.ok(round.vacuumed.includes('vacuum_append'), JSON.stringify(round));
  assert.ok((await visible()) > 0, 'pages marked all-visible');
});
