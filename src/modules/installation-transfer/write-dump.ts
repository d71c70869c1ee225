/**
 * Export: one REPEATABLE READ, READ ONLY transaction (one snapshot: every table as of the same moment, while a
 * PostgreSQL installation keeps running), row counts first for the header, then each table through a cursor in
 * primary-key order, 1,000 rows a fetch, into a gzip stream written to `<out>.partial` and renamed at the end.
 * Memory stays at one fetch whatever the size of the database.
 */
import fs from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import zlib from 'node:zlib';
import type pg from 'pg';
import { countRows, listPartitions, listSequences, listTables } from './catalogue.ts';
import { DUMP_FORMAT, DUMP_VERSION, quoteIdent, TEXT_FORM_SETTINGS, type DumpHeader, type DumpTable } from './dump-format.ts';
import { appliedMigrations } from './migration-list.ts';

const FETCH_ROWS = 1000;

export interface WriteDumpOptions {
  out: string;
  engine: 'pglite' | 'postgres';
  now: Date;
  /** put the master key and operator token into the header (file mode 0600 either way) */
  secrets?: { masterKey: string; operatorToken: string };
}

export interface WriteDumpResult {
  header: DumpHeader;
  rows: number;
  bytes: number;
}

export async function writeDump(pool: pg.Pool, opts: WriteDumpOptions): Promise<WriteDumpResult> {
  const client = await pool.connect();
  const partial = `${opts.out}.partial`;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    for (const s of TEXT_FORM_SETTINGS) await client.query(s);
    const catalogue = await listTables(client);
    const tables: DumpTable[] = [];
    for (const t of catalogue) tables.push({ name: t.name, columns: t.columns, rows: await countRows(client, t.name), partitioned: t.partitioned });
    const xmax = await client.query<{ x: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS x');
    const version = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    const header: DumpHeader = {
      format: DUMP_FORMAT,
      version: DUMP_VERSION,
      exportedAt: opts.now.toISOString(),
      source: { engine: opts.engine, serverVersion: version.rows[0]!.v },
      migrations: await appliedMigrations(client),
      tables,
      partitions: await listPartitions(client),
      sequences: await listSequences(client),
      xidHorizon: xmax.rows[0]!.x,
      ...(opts.secrets ? { secrets: opts.secrets } : {}),
    };

    const file = fs.createWriteStream(partial, { mode: 0o600 });
    const gzip = zlib.createGzip({ level: 6 });
    gzip.pipe(file);
    const write = async (line: string) => {
      if (!gzip.write(line + '\n')) await once(gzip, 'drain');
    };
    await write(JSON.stringify(header));
    let total = 0;
    for (const t of catalogue) {
      await write(JSON.stringify({ table: t.name }));
      const select = t.columns.map((c) => `${quoteIdent(c.name)}::text`).join(', ');
      const order = t.primaryKey.length ? ` ORDER BY ${t.primaryKey.map(quoteIdent).join(', ')}` : '';
      await client.query(`DECLARE hanbill_dump NO SCROLL CURSOR FOR SELECT ${select} FROM ${quoteIdent(t.name)}${order}`);
      let n = 0;
      for (;;) {
        const batch = await client.query<(string | null)[]>({ text: `FETCH ${FETCH_ROWS} FROM hanbill_dump`, rowMode: 'array' });
        if (batch.rows.length) await write(batch.rows.map((row) => JSON.stringify(row)).join('\n'));
        n += batch.rows.length;
        if (batch.rows.length < FETCH_ROWS) break;
      }
      await client.query('CLOSE hanbill_dump');
      const expected = tables.find((x) => x.name === t.name)!.rows;
      if (n !== expected) throw new Error(`export of ${t.name}: ${n} rows read, ${expected} counted in the same snapshot`);
      total += n;
    }
    await write(JSON.stringify({ end: true, rows: total }));
    gzip.end();
    await finished(file);
    await client.query('COMMIT');
    fs.renameSync(partial, opts.out);
    fs.chmodSync(opts.out, 0o600);
    return { header, rows: total, bytes: fs.statSync(opts.out).size };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    fs.rmSync(partial, { force: true });
    throw err;
  } finally {
    client.release();
  }
}
