// src/platform/db/prepared-statements.ts on the engine under test (PGlite, or TEST_DATABASE_URL's PostgreSQL): what
// gets a name is read back from the session's own pg_prepared_statements, so each test sees the statements the
// server really keeps. Every pool here has one connection, so every query of a test runs in the same session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { sql } from 'kysely';
import { openDatabase } from '../../src/platform/db/database.ts';
import { usePreparedStatements, type PreparedStatementOptions } from '../../src/platform/db/prepared-statements.ts';
import { pglitePoolConfig } from '../../src/platform/db/pglite-connection.ts';

const url = process.env['TEST_DATABASE_URL'];

/** A one-connection pool on the engine under test, named by usePreparedStatements(options) unless options is false. */
async function onePool(options: PreparedStatementOptions | false = {}): Promise<{ client: pg.PoolClient; close: () => Promise<void> }> {
  let pool: pg.Pool;
  let closeEngine = async (): Promise<void> => {};
  if (url) {
    pool = new pg.Pool({ connectionString: url, max: 1 });
  } else {
    const { PGlite } = await import('@electric-sql/pglite');
    const pglite = await PGlite.create();
    pool = new pg.Pool(pglitePoolConfig(pglite));
    closeEngine = () => pglite.close();
  }
  if (options !== false) usePreparedStatements(pool, options);
  const client = await pool.connect();
  return {
    client,
    close: async () => {
      client.release();
      await pool.end();
      await closeEngine();
    },
  };
}

/** The session's protocol-level prepared statements (read by a query without values, which is never named). */
async function prepared(client: pg.PoolClient): Promise<{ name: string; statement: string }[]> {
  const r = await client.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements WHERE NOT from_sql ORDER BY name');
  return r.rows;
}

test('a query with values is parsed once per connection under one name, and answers as before', async () => {
  const { client, close } = await onePool();
  try {
    const text = 'SELECT $1::int + 1 AS n';
    for (const v of [1, 2, 3]) assert.equal((await client.query<{ n: number }>(text, [v])).rows[0]?.n, v + 1);
    assert.deepEqual(await prepared(client), [{ name: 'hb1', statement: text }]);
  } finally {
    await close();
  }
});

test('queries without values, texts past the length limit and texts past the count limit stay unnamed', async () => {
  const { client, close } = await onePool({ maxStatements: 1, maxTextLength: 40 });
  try {
    await client.query('SELECT 1 AS one');
    await client.query(`SELECT $1::text AS long_enough_to_pass_forty_characters`, ['x']);
    await client.query('SELECT $1::int AS a', [1]);
    await client.query('SELECT $1::int AS b', [2]); // the second short text: past maxStatements
    assert.deepEqual(await prepared(client), [{ name: 'hb1', statement: 'SELECT $1::int AS a' }]);
  } finally {
    await close();
  }
});

test('a statement made stale by a schema change fails once, then the connection prepares it afresh', async () => {
  const { client, close } = await onePool();
  try {
    await client.query('CREATE TEMP TABLE stale_plan (id int, a text)');
    await client.query("INSERT INTO stale_plan VALUES (1, 'x')");
    const text = 'SELECT * FROM stale_plan WHERE id = $1';
    assert.deepEqual((await client.query(text, [1])).rows, [{ id: 1, a: 'x' }]);
    await client.query('ALTER TABLE stale_plan ADD COLUMN b int');
    await assert.rejects(client.query(text, [1]), (err: { code?: string }) => err.code === '0A000');
    assert.deepEqual((await client.query(text, [1])).rows, [{ id: 1, a: 'x', b: null }]);
    assert.deepEqual((await prepared(client)).map((p) => p.name), ['hb1', 'hb1g1']);
  } finally {
    await close();
  }
});

test('openDatabase names queries by default; preparedStatements: false (DATABASE_PREPARED_STATEMENTS=off) names none', async () => {
  for (const preparedStatements of [undefined, false]) {
    const database = await openDatabase(url ? { kind: 'postgres', url, max: 1, preparedStatements } : { kind: 'pglite', dataDir: undefined, preparedStatements });
    try {
      for (let i = 0; i < 2; i++) await sql`SELECT ${i}::int AS i`.execute(database.db);
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE NOT from_sql AND statement = 'SELECT $1::int AS i'`.execute(database.db);
      assert.equal(rows[0]?.n, preparedStatements === false ? 0 : 1, `preparedStatements: ${String(preparedStatements)}`);
    } finally {
      await database.close();
    }
  }
});
