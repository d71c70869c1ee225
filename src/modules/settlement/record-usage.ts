/**
 * The usage ledger (usage_records, docs/settlement.md): one row per billable success, keyed by its event —
 *   doc:<document id>   a document issued (documents/issue-document.ts, in the issuing transaction)
 *   nts:<filing id>     an NTS filing succeeded (nts/record-results.ts, in the transaction storing the result)
 *   msg:<attempt id>    a message delivered (messaging/delivery/record-results.ts; price captured at dispatch)
 * Written in the caller's transaction with ON CONFLICT (event_key) DO NOTHING: a retry, a duplicate result or a
 * replay after a crash adds nothing. The row carries the partner (members.partner_id of the subscription's
 * member, if any), the subscription, the unit — the subscription's own live unit of the item, else the live
 * unit of the item with the lowest id — and the unit price in effect at the event time (contract-prices.ts).
 */
import { sql, type RawBuilder } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import './tables.ts';

export const DOCUMENT_ISSUED_ITEM = 'tax_invoice_issued';
export const NTS_FILED_ITEM = 'nts_filing_succeeded';

export interface UsageEvent {
  eventKey: string;
  subscriptionId: number;
  meteredItem: string;
  occurredAt: Date;
}

/** Record the events; returns how many rows were new. An event whose item has no live unit is logged, not billed. */
export async function recordUsage(ctx: Ctx, tx: Tx, events: readonly UsageEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const inserted = await usageInsert(events).execute(tx);
  if (inserted.rows.length < events.length) await warnUnrecorded(ctx, tx, events);
  return inserted.rows.length;
}

/**
 * The INSERT of recordUsage (… RETURNING event_key): for a larger statement that records its usage in the same round
 * trip (documents/issue-document.ts recordIssued). When it returns fewer rows than events, call warnUnrecorded.
 */
export function usageInsert(events: readonly UsageEvent[]): RawBuilder<{ event_key: string }> {
  const input = JSON.stringify(events.map((e) => ({ key: e.eventKey, sub: e.subscriptionId, item: e.meteredItem, at: e.occurredAt.toISOString() })));
  return sql<{ event_key: string }>`
    INSERT INTO usage_records (event_key, partner_id, subscription_id, unit_id, metered_item, quantity, unit_price_krw, occurred_at)
    SELECT e.key, m.partner_id, s.id, u.id, e.item, 1, coalesce(pp.unit_price_krw, u.unit_price_krw), e.at
      FROM jsonb_to_recordset(${input}::jsonb) AS e(key text, sub bigint, item text, at timestamptz)
      JOIN subscriptions s ON s.id = e.sub
      JOIN members m ON m.id = s.member_id
      CROSS JOIN LATERAL (
        SELECT su.id, su.unit_price_krw FROM service_units su
         WHERE su.metered_item = e.item AND su.retired_at IS NULL
         ORDER BY EXISTS (SELECT 1 FROM subscription_units x WHERE x.subscription_id = s.id AND x.unit_id = su.id) DESC, su.id
         LIMIT 1) u
      LEFT JOIN LATERAL (
        SELECT p.unit_price_krw FROM partner_unit_prices p
         WHERE p.partner_id = m.partner_id AND p.unit_id = u.id AND p.valid_from <= e.at
         ORDER BY p.valid_from DESC LIMIT 1) pp ON true
    ON CONFLICT (event_key) DO NOTHING
    RETURNING event_key`;
}

/** Log the events that usageInsert did not write and that were not recorded before: their item has no live unit. */
export async function warnUnrecorded(ctx: Ctx, tx: Tx, events: readonly UsageEvent[]): Promise<void> {
  const have = await tx.selectFrom('usage_records').select('event_key').where('event_key', 'in', events.map((e) => e.eventKey)).execute();
  const known = new Set(have.map((h) => h.event_key));
  const missing = events.filter((e) => !known.has(e.eventKey));
  if (missing.length > 0) ctx.log.warn({ events: missing.map((e) => e.eventKey), items: [...new Set(missing.map((e) => e.meteredItem))] }, 'billable event without a live service unit: not recorded for settlement');
}
