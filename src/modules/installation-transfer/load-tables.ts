/**
 * Loading a dump's rows into the migrated target, inside the import's one transaction: the partitions the rows
 * need are created first (with the source's names and bounds), the rows migrations seed are cleared (the dump
 * carries the source's own copy of them), then each table in the dump's foreign-key order takes its rows in batches
 * of up to 1,000 as one INSERT … SELECT FROM unnest($1::text[], …) — one array parameter a column, each text form
 * cast to the column's type — OVERRIDING SYSTEM VALUE so identity columns keep their ids. Finally every table's
 * count is checked against the header.
 */
import type pg from 'pg';
import { countRows, listTables, type CatalogueTable } from './catalogue.ts';
import { quoteIdent, TransferRefused, type DumpHeader } from './dump-format.ts';
import type { DumpReader } from './read-dump.ts';

const BATCH_ROWS = 1000;
const BATCH_CHARS = 8 * 1024 * 1024;

type Queryable = Pick<pg.ClientBase, 'query'>;

async function createPartitions(db: Queryable, header: DumpHeader): Promise<number> {
  let created = 0;
  for (const p of header.partitions) {
    const exists = await db.query<{ r: string | null }>('SELECT to_regclass($1)::text AS r', [quoteIdent(p.name)]);
    if (exists.rows[0]!.r) continue;
    await db.query(`CREATE TABLE ${quoteIdent(p.name)} PARTITION OF ${quoteIdent(p.parent)} ${p.bound}`);
    created++;
  }
  return created;
}

function matchColumns(header: DumpHeader, target: Map<string, CatalogueTable>): void {
  for (const t of header.tables) {
    const there = target.get(t.name);
    if (!there) throw new TransferRefused(`마이그레이션 후에도 테이블 ${t.name}이 없습니다 (table ${t.name} of the dump does not exist after the migrations)`);
    const have = new Set(there.columns.map((c) => c.name));
    const missing = t.columns.filter((c) => !have.has(c.name)).map((c) => c.name);
    if (missing.length) throw new TransferRefused(`테이블 ${t.name}에 덤프의 열이 없습니다: ${missing.join(', ')} (table ${t.name} lacks the dump's columns ${missing.join(', ')})`);
  }
}

export interface LoadResult {
  rows: number;
  partitionsCreated: number;
}

export async function loadTables(db: Queryable, reader: DumpReader, progress: (table: string, rows: number) => void = () => {}): Promise<LoadResult> {
  const header = reader.header;
  const partitionsCreated = await createPartitions(db, header);
  const target = new Map((await listTables(db)).map((t) => [t.name, t]));
  matchColumns(header, target);
  if (header.tables.length) await db.query(`TRUNCATE ${header.tables.map((t) => quoteIdent(t.name)).join(', ')}`);
  const triggered = await db.query<{ name: string }>(`
    SELECT DISTINCT c.relname AS name FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT g.tgisinternal`);
  // the rows are history, not new changes: user triggers (none today) must not fire a second time
  for (const { name } of triggered.rows) await db.query(`ALTER TABLE ${quoteIdent(name)} DISABLE TRIGGER USER`);

  let total = 0;
  const seen = new Set<string>();
  for await (const { table, rows } of reader.tables()) {
    const meta = header.tables.find((t) => t.name === table);
    if (!meta || seen.has(table)) throw new TransferRefused(`덤프의 테이블 ${table}이 머리말에 없습니다 (table ${table} is not in the dump's header, or twice in the file)`);
    seen.add(table);
    const types = new Map(target.get(table)!.columns.map((c) => [c.name, c.type]));
    const cols = meta.columns.map((c) => c.name);
    const insert =
      `INSERT INTO ${quoteIdent(table)} (${cols.map(quoteIdent).join(', ')}) OVERRIDING SYSTEM VALUE ` +
      `SELECT ${cols.map((c, i) => `u.c${i}::${types.get(c)}`).join(', ')} ` +
      `FROM unnest(${cols.map((_, i) => `$${i + 1}::text[]`).join(', ')}) AS u(${cols.map((_, i) => `c${i}`).join(', ')})`;
    let columns: (string | null)[][] = cols.map(() => []);
    let batchRows = 0;
    let batchChars = 0;
    let n = 0;
    const flush = async () => {
      if (!batchRows) return;
      await db.query(insert, columns);
      n += batchRows;
      progress(table, n);
      columns = cols.map(() => []);
      batchRows = 0;
      batchChars = 0;
    };
    for await (const row of rows) {
      if (row.length !== cols.length) throw new TransferRefused(`${table}: 열 ${cols.length}개 대신 ${row.length}개인 행이 있습니다 (a row of ${row.length} values, ${cols.length} columns expected)`);
      for (let i = 0; i < row.length; i++) {
        columns[i]!.push(row[i]!);
        batchChars += row[i]?.length ?? 0;
      }
      batchRows++;
      if (batchRows >= BATCH_ROWS || batchChars >= BATCH_CHARS) await flush();
    }
    await flush();
    if (n !== meta.rows) throw new TransferRefused(`${table}: 덤프 머리말은 ${meta.rows}행, 파일에는 ${n}행 (the header counts ${meta.rows} rows, the file holds ${n})`);
    total += n;
  }
  for (const t of header.tables) {
    if (!seen.has(t.name)) throw new TransferRefused(`덤프에 테이블 ${t.name}의 행이 없습니다 (the file has no section for table ${t.name})`);
    const there = await countRows(db, t.name);
    if (there !== t.rows) throw new Error(`import of ${t.name}: ${there} rows in the database after loading, ${t.rows} in the dump`);
  }
  for (const { name } of triggered.rows) await db.query(`ALTER TABLE ${quoteIdent(name)} ENABLE TRIGGER USER`);
  return { rows: total, partitionsCreated };
}
