/**
 * What the `hanbill export` / `hanbill import` tests share (test/db/installation-transfer.test.ts,
 * test/e2e/export-import.test.ts; bench/export-import.bench.ts uses the scratch databases): whether the PostgreSQL
 * server is there (else they are skipped), scratch databases created on it and dropped afterwards, and a run of a
 * command with its output captured.
 */
import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';

export const ADMIN_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** false when a connection to url opens; else why not (a node:test `skip` reason). */
export async function unreachable(url: string, what = 'PostgreSQL'): Promise<string | false> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return false;
  } catch (err) {
    return `no ${what} at ${url} (${(err as Error).message})`;
  }
}

/** Databases made on the `adminUrl` server (connect() before create(); dropAll() drops them and disconnects). */
export function scratchDatabases(adminUrl = ADMIN_URL) {
  const admin = new pg.Client({ connectionString: adminUrl });
  const made: string[] = [];
  return {
    admin,
    connect: () => admin.connect(),
    /** A new empty database named <prefix>_<random>; its URL. */
    async create(prefix: string): Promise<string> {
      const name = `${prefix}_${crypto.randomBytes(5).toString('hex')}`;
      await admin.query(`CREATE DATABASE "${name}"`);
      made.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async dropAll(): Promise<void> {
      for (const name of made) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
      await admin.end().catch(() => {});
    },
  };
}

function capture() {
  let text = '';
  const sink = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) });
  return { stream: sink as NodeJS.WritableStream, text: () => text };
}

type Command = (args: string[], env: Record<string, string | undefined>, io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }) => Promise<number>;

/** runExport / runImport in this process, its exit code and what it wrote. */
export async function cli(run: Command, args: string[], env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = capture();
  const err = capture();
  const code = await run(args, env, { stdout: out.stream, stderr: err.stream });
  return { code, stdout: out.text(), stderr: err.text() };
}
