/**
 * What a database holds, read from its catalogue (never a hand-kept list, so a table a new migration creates is
 * dumped without a change here): the tables of schema public (partitioned parents, not their partitions; not
 * schema_migrations) in foreign-key order, their columns, partitions and sequences.
 */
import type pg from 'pg';
import { quoteIdent, type DumpColumn, type DumpPartition, type DumpSequence } from './dump-format.ts';

type Queryable = Pick<pg.ClientBase, 'query'>;

export interface CatalogueTable {
  name: string;
  partitioned: boolean;
  columns: DumpColumn[];
  primaryKey: string[];
}

export async function listTables(db: Queryable): Promise<CatalogueTable[]> {
  const tables = await db.query<{ oid: number; name: string; relkind: string }>(`
    SELECT c.oid::int AS oid, c.relname AS name, c.relkind::text AS relkind
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'schema_migrations'
     ORDER BY c.relname`);
  const columns = await db.query<{ oid: number; name: string; type: string }>(`
    SELECT a.attrelid::int AS oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
     ORDER BY a.attrelid, a.attnum`);
  const keys = await db.query<{ oid: number; name: string }>(`
    SELECT i.indrelid::int AS oid, a.attname AS name
      FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[])
      JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND i.indisprimary
     ORDER BY i.indrelid, array_position(i.indkey::int2[], a.attnum)`);
  const byOid = new Map<number, CatalogueTable>();
  for (const t of tables.rows) byOid.set(t.oid, { name: t.name, partitioned: t.relkind === 'p', columns: [], primaryKey: [] });
  for (const c of columns.rows) byOid.get(c.oid)?.columns.push({ name: c.name, type: c.type });
  for (const k of keys.rows) byOid.get(k.oid)?.primaryKey.push(k.name);
  return orderByForeignKeys(db, [...byOid.values()]);
}

/**
 * Referenced tables before the tables that reference them. A self-reference (documents.replaces_id: a replacing
 * document names the older one) is served by the rows' primary-key order, which write-dump.ts reads them in.
 */
async function orderByForeignKeys(db: Queryable, tables: CatalogueTable[]): Promise<CatalogueTable[]> {
  const fks = await db.query<{ child: string; parent: string }>(`
    SELECT ch.relname AS child, pa.relname AS parent
      FROM pg_constraint k
      JOIN pg_class ch ON ch.oid = k.conrelid JOIN pg_class pa ON pa.oid = k.confrelid
      JOIN pg_namespace n ON n.oid = ch.relnamespace
     WHERE k.contype = 'f' AND k.conparentid = 0 AND n.nspname = 'public'`);
  const names = new Set(tables.map((t) => t.name));
  const parents = new Map<string, Set<string>>(tables.map((t) => [t.name, new Set<string>()]));
  for (const fk of fks.rows) {
    if (fk.child !== fk.parent && names.has(fk.child) && names.has(fk.parent)) parents.get(fk.child)!.add(fk.parent);
  }
  const ordered: CatalogueTable[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const byName = new Map(tables.map((t) => [t.name, t]));
  const visit = (name: string, path: string[]) => {
    if (placed.has(name)) return;
    if (visiting.has(name)) throw new Error(`foreign keys form a cycle: ${[...path, name].join(' → ')}`);
    visiting.add(name);
    for (const p of [...parents.get(name)!].sort()) visit(p, [...path, name]);
    visiting.delete(name);
    placed.add(name);
    ordered.push(byName.get(name)!);
  };
  for (const t of tables) visit(t.name, []);
  return ordered;
}

export async function listPartitions(db: Queryable): Promise<DumpPartition[]> {
  const r = await db.query<DumpPartition & { depth: number }>(`
    WITH RECURSIVE tree AS (
      SELECT i.inhrelid AS oid, i.inhparent AS parent, 1 AS depth FROM pg_inherits i
        JOIN pg_class p ON p.oid = i.inhparent WHERE NOT p.relispartition
      UNION ALL
      SELECT i.inhrelid, i.inhparent, t.depth + 1 FROM pg_inherits i JOIN tree t ON i.inhparent = t.oid)
    SELECT c.relname AS name, p.relname AS parent, pg_get_expr(c.relpartbound, c.oid) AS bound, t.depth
      FROM tree t JOIN pg_class c ON c.oid = t.oid JOIN pg_class p ON p.oid = t.parent
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relispartition
     ORDER BY t.depth, p.relname, c.relname`);
  return r.rows.map(({ name, parent, bound }) => ({ name, parent, bound }));
}

export async function listSequences(db: Queryable): Promise<DumpSequence[]> {
  const r = await db.query<{ name: string; last_value: string | null }>(
    `SELECT sequencename AS name, last_value::text AS last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename`,
  );
  return r.rows.map((s) => ({ name: s.name, lastValue: s.last_value }));
}

/** The columns a sequence feeds (identity and serial columns: the sequence is owned by the column). */
export async function sequenceOwners(db: Queryable): Promise<{ sequence: string; table: string; column: string }[]> {
  const r = await db.query<{ sequence: string; table: string; column: string }>(`
    SELECT s.relname AS sequence, t.relname AS table, a.attname AS column
      FROM pg_depend d
      JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
      JOIN pg_class t ON t.oid = d.refobjid
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
      JOIN pg_namespace n ON n.oid = s.relnamespace
     WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') AND n.nspname = 'public'`);
  return r.rows;
}

export async function countRows(db: Queryable, table: string): Promise<number> {
  const r = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${quoteIdent(table)}`);
  return Number(r.rows[0]!.n);
}
