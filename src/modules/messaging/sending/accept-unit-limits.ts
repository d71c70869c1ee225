/**
 * Unit limits per period at acceptance (issue 10 item 5, issue 11 item 1): each message kind has its service unit
 * (metered_item message_*); a unit not retired with a limit > 0 — the partner's contract limit in effect
 * (partner_unit_prices.limit_per_period) when one is set, else the unit's — caps the partner's recipients of that kind in the
 * current KST month (recipients not failed or cancelled, plus the new ones). Over the cap → 429
 * message_unit_limit naming the type, and nothing is stored (the caller's transaction rolls back). Runs inside
 * the accepting transaction under a per-partner advisory lock, so two concurrent requests cannot both pass.
 */
import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/transaction.ts';
import { AppError } from '../../../platform/errors.ts';
import { kstMonthOf, monthStart } from './message-partitions.ts';
import type { MessageKind } from './tables.ts';

export type MeteredMessage = 'message_alimtalk' | 'message_brand' | 'message_friendtalk_text' | 'message_friendtalk_photo' | 'message_sms' | 'message_lms' | 'message_mms';

export function meteredItemOf(kind: MessageKind, photo: boolean): MeteredMessage {
  if (kind === 'friendtalk') return photo ? 'message_friendtalk_photo' : 'message_friendtalk_text';
  return `message_${kind}`;
}

export async function assertUnitLimits(tx: Tx, partnerId: number, now: Date, adding: ReadonlyMap<MeteredMessage, number>): Promise<void> {
  if (adding.size === 0) return;
  // the partner's contract limit in effect now (partner_unit_prices, docs/settlement.md "Prices") replaces the unit's
  const limits = await sql<{ metered_item: string; limit_per_period: string }>`
    SELECT u.metered_item, coalesce(pp.limit_per_period, u.limit_per_period) AS limit_per_period
      FROM service_units u
      LEFT JOIN LATERAL (
        SELECT p.limit_per_period FROM partner_unit_prices p
         WHERE p.partner_id = ${partnerId} AND p.unit_id = u.id AND p.valid_from <= ${now}
         ORDER BY p.valid_from DESC LIMIT 1) pp ON true
     WHERE u.metered_item = ANY(${[...adding.keys()]}::text[]) AND u.retired_at IS NULL`.execute(tx);
  const units = limits.rows.filter((u) => Number(u.limit_per_period) > 0);
  if (units.length === 0) return;
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`hanbill.message_units:${partnerId}`}))`.execute(tx);
  const from = monthStart(kstMonthOf(now));
  const used = await sql<{ kind: MessageKind; photo: boolean; n: string }>`
    SELECT r.kind, (b.content ? 'images') AS photo, count(*) AS n
      FROM message_batches b
      JOIN message_recipients r ON r.batch_id = b.id AND r.accepted_at = b.accepted_at
     WHERE b.partner_id = ${partnerId} AND b.accepted_at >= ${from} AND r.state NOT IN ('failed', 'cancelled')
     GROUP BY 1, 2`.execute(tx);
  const usedBy = new Map<string, number>();
  for (const r of used.rows) {
    const item = meteredItemOf(r.kind, r.photo === true);
    usedBy.set(item, (usedBy.get(item) ?? 0) + Number(r.n));
  }
  for (const u of units) {
    // several live units of one item: the strictest limit applies
    const limit = Number(u.limit_per_period);
    const item = u.metered_item as MeteredMessage;
    const usedNow = usedBy.get(item) ?? 0;
    const add = adding.get(item) ?? 0;
    if (usedNow + add > limit) {
      const type = item.replace(/^message_/, '');
      throw new AppError('message_unit_limit', `이번 달 ${type} 한도 ${limit.toLocaleString('en-US')}건을 넘습니다: 사용 ${usedNow.toLocaleString('en-US')}건, 요청 ${add.toLocaleString('en-US')}건 (the monthly ${type} limit of ${limit} would be exceeded: ${usedNow} used, ${add} requested)`, {
        field: 'type',
        details: { meteredItem: item, limit, used: usedNow, requested: add },
      });
    }
  }
}
