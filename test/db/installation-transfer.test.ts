// hanbill export / import on PostgreSQL, the parts the e2e test does not reach: an older dump is loaded at its own
// migration level and migrated on; --include-secrets carries the master key (import without HANBILL_MASTER_KEY,
// --secrets-out); a dump cut short or from a newer hanbill is refused before anything is written; the transaction
// counter of the target is moved past the source's. Databases are created on TEST_DATABASE_URL or 127.0.0.1:5432
// (skipped without one).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import pg from 'pg';
import { runExport, runImport } from '../../src/cli/commands/export-import.ts';
import { ADMIN_URL, cli, scratchDatabases, unreachable } from '../support/transfer-support.ts';
import { applyMigrationsInTransaction, listMigrations } from '../../src/platform/db/migrate.ts';
import { advanceXidsPast, currentXidHorizon } from '../../src/modules/installation-transfer/xid-horizon.ts';

const skip = await unreachable(ADMIN_URL);

test('export / import usage errors exit 2 naming the argument, and touch nothing', async () => {
  const cases: [typeof runExport, string[], RegExp][] = [
    [runExport, [], /hanbill export: --out FILE is required\nusage: hanbill export/],
    [runExport, ['--out', 'x.gz', '--bogus'], /hanbill export: .*unknown option\) --bogus\nusage: hanbill export/],
    [runExport, ['--out', '--include-secrets'], /hanbill export: .*--out needs a value\)\nusage: hanbill export/],
    [runExport, ['--out', 'x.gz', 'stray'], /hanbill export: unknown option stray\nusage: hanbill export/],
    [runExport, ['--out', 'x.gz', '--include-secrets=yes'], /--include-secrets takes no value/],
    [runImport, [], /hanbill import: --in FILE is required\nusage: DATABASE_URL=/],
    [runImport, ['--in'], /hanbill import: .*--in needs a value\)/],
    [runImport, ['--in', 'a', '--in', 'b'], /--in given twice/],
  ];
  for (const [run, args, message] of cases) {
    const r = await cli(run, args, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
});

describe('hanbill export / import on PostgreSQL', { skip, timeout: 120_000 }, () => {
  const databases = scratchDatabases();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-transfer-'));
  const secrets = { HANBILL_MASTER_KEY: crypto.randomBytes(32).toString('hex'), HANBILL_OPERATOR_TOKEN: crypto.randomBytes(24).toString('base64url') };
  const older = listMigrations().filter((m) => m.name < '0017');
  const dump = path.join(work, 'older.dump.gz');

  async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  }
  async function publicTables(url: string): Promise<number> {
    return withClient(url, async (c) => (await c.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).rows[0].n);
  }
  function rewriteDump(from: string, to: string, edit: (lines: string[]) => string[]) {
    const lines = zlib.gunzipSync(fs.readFileSync(from)).toString('utf8').split('\n');
    fs.writeFileSync(to, zlib.gzipSync(edit(lines).join('\n')));
  }

  before(async () => {
    await databases.connect();
    // an installation of an older hanbill: migrations up to 0016, one member of its own
    const source = await databases.create('xfer_old');
    await withClient(source, async (c) => {
      await c.query('BEGIN');
      await applyMigrationsInTransaction(c, new Set(older.map((m) => m.name)));
      await c.query('COMMIT');
      await c.query(
        "INSERT INTO members (bizno, com_name, ceo_name, login_id, password_hash, user_name, email) VALUES ('1234567891', '(주)옛설치', '김대표', 'olduser', 'x', '이담당', 'old@example.kr')",
      );
    });
    const r = await cli(runExport, ['--out', dump, '--include-secrets'], { DATABASE_URL: source, ...secrets });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /CONTAINS THE MASTER KEY AND OPERATOR TOKEN/);
    assert.equal(fs.statSync(dump).mode & 0o077, 0);
  });
  after(async () => {
    await databases.dropAll();
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('an older dump is loaded at its level and migrated on; --include-secrets: no HANBILL_MASTER_KEY needed, --secrets-out writes it', async () => {
    const target = await databases.create('xfer_new');
    const envFile = path.join(work, 'hanbill.env');
    const r = await cli(runImport, ['--in', dump, '--secrets-out', envFile], { DATABASE_URL: target });
    assert.equal(r.code, 0, r.stderr);
    const later = listMigrations().filter((m) => m.name >= '0017').map((m) => m.name);
    assert.match(r.stdout, new RegExp(`migrated on: ${later.join(', ')}`));
    const member = await withClient(target, async (c) => (await c.query('SELECT com_name FROM members')).rows);
    assert.deepEqual(member, [{ com_name: '(주)옛설치' }], "the older installation's row is there");
    const applied = await withClient(target, async (c) => (await c.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')).rows.map((x) => x.name));
    assert.deepEqual(applied, listMigrations().map((m) => m.name));
    assert.equal(fs.readFileSync(envFile, 'utf8'), `HANBILL_MASTER_KEY=${secrets.HANBILL_MASTER_KEY}\nHANBILL_OPERATOR_TOKEN=${secrets.HANBILL_OPERATOR_TOKEN}\n`);
    assert.equal(fs.statSync(envFile).mode & 0o077, 0);
  });

  test('a dump cut short, or from a newer hanbill, is refused and nothing is written', async () => {
    const target = await databases.create('xfer_refused');
    const cut = path.join(work, 'cut.dump.gz');
    rewriteDump(dump, cut, (lines) => lines.slice(0, -2)); // the end line is gone
    const r1 = await cli(runImport, ['--in', cut], { DATABASE_URL: target, ...secrets });
    assert.equal(r1.code, 1, r1.stdout);
    assert.match(r1.stderr, /the file ends early/);
    assert.equal(await publicTables(target), 0, 'the transaction rolled back');

    const newer = path.join(work, 'newer.dump.gz');
    rewriteDump(dump, newer, ([head, ...rest]) => {
      const h = JSON.parse(head!);
      h.migrations.push({ name: '9999_from_the_future.sql', sha256: '0'.repeat(64) });
      return [JSON.stringify(h), ...rest];
    });
    const r2 = await cli(runImport, ['--in', newer], { DATABASE_URL: target, ...secrets });
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /the dump comes from a newer hanbill: migration 9999_from_the_future\.sql/);
    assert.equal(await publicTables(target), 0);

    const junk = path.join(work, 'junk.gz');
    fs.writeFileSync(junk, 'not gzip');
    const r3 = await cli(runImport, ['--in', junk], { DATABASE_URL: target, ...secrets });
    assert.equal(r3.code, 1);
    assert.match(r3.stderr, /not a hanbill dump/);
  });

  test("the target's transaction counter is moved past the dump's horizon", async () => {
    const target = await databases.create('xfer_xid');
    await withClient(target, async (c) => {
      const start = await currentXidHorizon(c);
      const horizon = start + 3000n;
      const t0 = Date.now();
      const used = await advanceXidsPast(c, horizon);
      const ms = Date.now() - t0;
      assert.ok(used >= 3000n, `used ${used}`);
      assert.ok((await currentXidHorizon(c)) > horizon);
      process.stderr.write(`# advanced ${used} transaction ids in ${ms} ms\n`);
    });
  });
});
