/**
 * Prices in effect (docs/settlement.md "Prices"): a partner's contract row (partner_unit_prices) with the latest
 * valid_from at or before the time, else the unit's own price (service_units.unit_price_krw). KRW integers.
 */
import { sql } from 'kysely';
import type { Db, Tx } from '../../platform/db/transaction.ts';
import './tables.ts';

/** Contract prices in effect at `at` of the given partners and units, keyed `<partnerId>:<unitId>`. */
export async function contractPricesAt(db: Db | Tx, partnerIds: readonly (number | null | undefined)[], unitIds: readonly number[], at: Date): Promise<Map<string, number>> {
  const partners = [...new Set(partnerIds.filter((p): p is number => p !== null && p !== undefined).map(Number))];
  const out = new Map<string, number>();
  if (partners.length === 0 || unitIds.length === 0) return out;
  const rows = await sql<{ partner_id: string; unit_id: string; unit_price_krw: string }>`
    SELECT DISTINCT ON (partner_id, unit_id) partner_id, unit_id, unit_price_krw
      FROM partner_unit_prices
     WHERE partner_id = ANY(${partners}::bigint[]) AND unit_id = ANY(${[...unitIds]}::bigint[]) AND valid_from <= ${at}
     ORDER BY partner_id, unit_id, valid_from DESC`.execute(db);
  for (const r of rows.rows) out.set(`${Number(r.partner_id)}:${Number(r.unit_id)}`, Number(r.unit_price_krw));
  return out;
}
