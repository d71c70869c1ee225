// PgliteConnection (src/platform/db/pglite-connection.ts): node-postgres over the embedded PGlite with its own parser,
// the extended-query messages sent together with their Sync. Always on an in-memory PGlite of its own: this is the
// embedded engine's connection, whatever TEST_DATABASE_URL says.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { pglitePoolConfig } from '../../src/platform/db/pglite-connection.ts';
import { usePreparedStatements } from '../../src/platform/db/prepared-statements.ts';

let pglite: PGlite;
let pool: pg.Pool;
before(async () => {
  const { PGlite } = await import('@electric-sql/pglite');
  pglite = await PGlite.create();
  pool = new pg.Pool(pglitePoolConfig(pglite));
  usePreparedStatements(pool);
  await pool.query('CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL, CONSTRAINT t_name_key UNIQUE (name))');
});
after(async () => {
  await pool.end();
  await pglite.close();
});

test('an answer of many megabytes (many raw chunks, messages split between them) arrives whole and exact', async () => {
  const { rows } = await pool.query<{ g: number; s: string }>(`SELECT g, repeat('한글😀 ' || g, 20) AS s FROM generate_series(1, 20000) AS g`);
  assert.equal(rows.length, 20000);
  for (const i of [0, 1, 4095, 9999, 19999]) assert.equal(rows[i]!.s, `한글😀 ${i + 1}`.repeat(20));
  assert.deepEqual(rows.map((r) => r.g), Array.from({ length: 20000 }, (_, i) => i + 1));
});

test('parameters and types round-trip as on PostgreSQL: text, integers, numeric, timestamps, json, bytea, null', async () => {
  const at = new Date('2026-12-07T03:04:05.678Z');
  const { rows } = await pool.query('SELECT $1::text AS a, $2::int AS b, $3::bigint AS c, $4::timestamptz AS d, $5::jsonb AS e, $6::bytea AS f, $7::text AS g, $8::numeric AS h', ['구매자 ㈜ \u0001?', 42, '9007199254740993', at, { k: ['한', 1] }, Buffer.from([0, 255, 1]), null, '12345678901234567890.5']);
  assert.deepEqual(rows[0], { a: '구매자 ㈜ \u0001?', b: 42, c: '9007199254740993', d: at, e: { k: ['한', 1] }, f: Buffer.from([0, 255, 1]), g: null, h: '12345678901234567890.5' });
});

test('an error names its code and constraint; the statements after it, and the connection, go on', async () => {
  await pool.query('INSERT INTO t VALUES (1, $1)', ['a']);
  await assert.rejects(pool.query('INSERT INTO t VALUES (2, $1)', ['a']), (err: pg.DatabaseError) => err.code === '23505' && err.constraint === 't_name_key');
  // a parse error of an extended query: the messages up to its Sync are skipped, the next query answers
  await assert.rejects(pool.query('SELEKT $1::int', [1]), (err: pg.DatabaseError) => err.code === '42601');
  // in a transaction: the error aborts it, ROLLBACK ends it, nothing of it stays
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('INSERT INTO t VALUES (3, $1)', ['c']);
    await assert.rejects(client.query('INSERT INTO t VALUES (4, $1)', ['a']), (err: pg.DatabaseError) => err.code === '23505');
    await assert.rejects(client.query('SELECT 1'), (err: pg.DatabaseError) => err.code === '25P02');
    await client.query('ROLLBACK');
  } finally {
    client.release();
  }
  const { rows } = await pool.query<{ id: number }>('SELECT id FROM t ORDER BY id');
  assert.deepEqual(rows.map((r) => r.id), [1]);
});

test('queries sent at once run one after another in order, each with its own answer', async () => {
  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => pool.query<{ n: number }>('SELECT $1::int * 2 AS n', [i])));
  assert.deepEqual(answers.map((a) => a.rows[0]!.n), Array.from({ length: 200 }, (_, i) => i * 2));
});

test('a simple-protocol query of several statements answers the last one, as node-postgres does on PostgreSQL', async () => {
  const r = (await pool.query('SELECT 1 AS x; SELECT 2 AS y')) as unknown as pg.QueryResult[];
  assert.deepEqual(r.map((x) => x.rows[0]), [{ x: 1 }, { y: 2 }]);
});

test('a client ended in the middle of an extended query leaves nothing behind for the next one', async () => {
  const client = await pool.connect();
  // a Parse with no Sync after it (what a query interrupted between its messages leaves), then the client is dropped
  (client as unknown as { connection: { parse(q: { text: string; name: string }): void } }).connection.parse({ text: 'SELEKT 1', name: '' });
  client.release(true);
  const { rows } = await pool.query<{ n: number }>('SELECT $1::int AS n', [2]);
  assert.deepEqual(rows, [{ n: 2 }]);
});
