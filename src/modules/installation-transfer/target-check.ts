/**
 * The target of an import must be empty: no table in schema public at all (a database nobody has started Hanbill
 * on — `createdb hanbill`). Anything else is refused, naming what was found, so an import never mixes two
 * installations or overwrites one.
 */
import type pg from 'pg';
import { countRows } from './catalogue.ts';
import { quoteIdent, TransferRefused } from './dump-format.ts';

export async function refuseNonEmptyTarget(db: Pick<pg.ClientBase, 'query'>): Promise<void> {
  const r = await db.query<{ name: string }>(`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname`);
  if (!r.rows.length) return;
  const found: string[] = [];
  for (const { name } of r.rows) {
    const n = await countRows(db, name);
    if (name === 'schema_migrations') found.unshift(`schema_migrations (${n} migrations)`);
    else if (n > 0) found.push(`${name} (${n} rows)`);
  }
  const shown = found.length > 12 ? [...found.slice(0, 12), `… ${found.length - 12} more`] : found;
  const what = shown.length ? shown.join(', ') : `${r.rows.length} empty tables: ${r.rows.slice(0, 5).map((x) => quoteIdent(x.name)).join(', ')}`;
  throw new TransferRefused(
    `가져올 데이터베이스가 비어 있지 않습니다: ${what} — 새 빈 데이터베이스를 만들어 DATABASE_URL로 지정하세요 ` +
      `(the target database is not empty: ${what}; create a new, empty database and point DATABASE_URL at it)`,
  );
}
