/**
 * A fingerprint of every row a request could change: per table, the row count and an md5 of all rows
 * (as jsonb text, sorted), in one SQL round trip. Two equal snapshots around a refused request prove it
 * changed nothing. Tables are read from the catalogue, so a table added later is covered without edits.
 *
 * Left out, on purpose (a refused request changes these by design):
 * - `audit_log`: the API guard and the portal login record every refusal (`api.refused`, failed logins);
 * - tables named `*throttle*`: failed password / code guesses are counted to throttle them (issue 8 §6, §8);
 * - `rate_limit_windows`: every request is counted against its IP and credential, refused ones too (issue 15);
 * - columns `last_used_at` / `last_seen_at`: a key or session is touched when used, even if the call then
 *   fails; columns counting failures (`*fail*`, `locked_until`, `token_attempts`: a Kakao channel's wrong tokens,
 *   counted on their own outside the refused request) for the same reason as the throttle tables;
 * - `schema_migrations`: no request writes it.
 * Run it only while nothing else writes: start the system without the worker role (HANBILL_ROLES=api).
 */
import { sql } from 'kysely';
import type { Db } from '../../src/platform/db/transaction.ts';

export type Snapshot = Map<string, string>;

const SKIPPED_TABLES = /^(audit_log|schema_migrations|rate_limit_windows)$|throttle/;
const SKIPPED_COLUMNS = /^(last_used_at|last_seen_at|locked_until|token_attempts)$|fail/;

export interface RowSnapshotter {
  tables: string[];
  take(): Promise<Snapshot>;
}

export async function rowSnapshotter(db: Db): Promise<RowSnapshotter> {
  const cols = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
    order by c.table_name, c.ordinal_position`.execute(db);
  const skippedCols = new Map<string, string[]>();
  for (const r of cols.rows) {
    if (SKIPPED_TABLES.test(r.table_name)) continue;
    const list = skippedCols.get(r.table_name) ?? [];
    if (SKIPPED_COLUMNS.test(r.column_name)) list.push(r.column_name);
    skippedCols.set(r.table_name, list);
  }
  const tables = [...skippedCols.keys()].sort();
  const parts = tables.map((t) => {
    let row = sql`to_jsonb(x)`;
    for (const c of skippedCols.get(t)!) row = sql`${row} - ${c}::text`;
    return sql`select ${t}::text as t, count(*)::text || ':' || coalesce(md5(string_agg((${row})::text, ',' order by (${row})::text)), '') as h from ${sql.table(t)} x`;
  });
  const query = sql.join(parts, sql` union all `);
  return {
    tables,
    take: async () => {
      const r = await sql<{ t: string; h: string }>`${query}`.execute(db);
      return new Map(r.rows.map((x) => [x.t, x.h]));
    },
  };
}

/** Names of the tables whose fingerprint differs (empty: nothing changed). */
export function changedTables(before: Snapshot, after: Snapshot): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((t) => before.get(t) !== after.get(t)).sort();
}
