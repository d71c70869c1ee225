/**
 * Sequences after a load: each takes the source's last value (the ids the source had handed out, rolled-back ones
 * included), and never less than the largest id of the column it feeds, so the next id follows the imported ones
 * without a repeat. Approval numbers are not a sequence: their serials are rows (issue_serials, locked per issuer
 * and date) and arrive with the other rows, so the next number follows the last one without a gap.
 */
import type pg from 'pg';
import { sequenceOwners } from './catalogue.ts';
import { quoteIdent, type DumpHeader } from './dump-format.ts';

export async function restoreSequences(db: Pick<pg.ClientBase, 'query'>, header: DumpHeader): Promise<number> {
  const owners = await sequenceOwners(db);
  const existing = new Set((await db.query<{ name: string }>("SELECT sequencename AS name FROM pg_sequences WHERE schemaname = 'public'")).rows.map((r) => r.name));
  let set = 0;
  for (const s of header.sequences) {
    if (!existing.has(s.name)) continue; // a sequence a later migration dropped
    let value = s.lastValue === null ? null : BigInt(s.lastValue);
    for (const o of owners.filter((x) => x.sequence === s.name)) {
      const r = await db.query<{ m: string | null }>(`SELECT max(${quoteIdent(o.column)})::text AS m FROM ${quoteIdent(o.table)}`);
      const max = r.rows[0]!.m === null ? null : BigInt(r.rows[0]!.m);
      if (max !== null && (value === null || max > value)) value = max;
    }
    if (value === null) continue;
    await db.query('SELECT setval($1::regclass, $2::bigint, true)', [quoteIdent(s.name), value.toString()]);
    set++;
  }
  return set;
}
