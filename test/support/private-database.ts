/**
 * A PostgreSQL database of its own for one test file. Test files normally share TEST_DATABASE_URL and
 * isolate by tenant; a test that fingerprints whole tables (row-snapshot.ts) cannot, because the other
 * files write the same tables at the same time. With TEST_DATABASE_URL set, this creates a fresh database
 * on that server, points TEST_DATABASE_URL of this process at it (openTestDatabase migrates it) and drops
 * it afterwards. On PGlite every test file already has its own in-memory database: nothing to do.
 */
import crypto from 'node:crypto';
import pg from 'pg';

export interface PrivateDatabase {
  /** Drop the database (call after the system using it is closed). */
  drop(): Promise<void>;
}

export async function usePrivateDatabase(prefix: string): Promise<PrivateDatabase> {
  const shared = process.env['TEST_DATABASE_URL'];
  if (!shared) return { drop: async () => {} };
  const name = `${prefix}_${crypto.randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: shared });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(shared);
  url.pathname = `/${name}`;
  process.env['TEST_DATABASE_URL'] = url.toString();
  return {
    drop: async () => {
      process.env['TEST_DATABASE_URL'] = shared;
      const c = new pg.Client({ connectionString: shared });
      await c.connect();
      try {
        // a pool's end() resolves before each of its sockets has closed: wait (up to 2 s) until the server has let
        // this file's connections go, or FORCE terminates one that is still closing, and its client's error reaches
        // the test process after its last test (an uncaught 57P01 in CI, test/db/event-retention.test.ts)
        for (let waited = 0; waited < 2000; waited += 50) {
          const open = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
          if (open.rows[0]!.n === 0) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
