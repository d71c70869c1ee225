/**
 * Unit limits per period counted from the usage ledger (usage_records), replacing the old usage_counters
 * (migrations/0002, no longer written): the subscription's units of the item (unit 1, the seed's, meters every
 * document item) with a limit — the partner's contract limit in effect when one is set, else the unit's — refuse
 * the use that would pass it: 429 usage_limit_exceeded (legacy 2007), in the caller's transaction, so a refused
 * issue changes nothing. The period is the unit's: the KST month, the KST year, or since the subscription's start.
 * A per-subscription advisory lock is held to commit, so concurrent issues cannot overshoot; the row of the use
 * itself is written by recordUsage right after, in the same transaction.
 */
import { sql } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { kstParts } from '../../platform/clock.ts';
import './tables.ts';

const pad = (n: number) => String(n).padStart(2, '0');

export function periodStartOf(period: string, at: Date, subscriptionStart: string): Date {
  const p = kstParts(at);
  if (period === 'year') return new Date(`${p.year}-01-01T00:00:00+09:00`);
  if (period === 'subscription') return new Date(`${subscriptionStart}T00:00:00+09:00`);
  return new Date(`${p.year}-${pad(p.month)}-01T00:00:00+09:00`);
}

const dateText = (d: unknown): string => (d instanceof Date ? `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` : String(d).slice(0, 10));

export async function assertUsageLimit(tx: Tx, subscriptionId: number, meteredItem: string, adding: number, at: Date): Promise<void> {
  const units = await sql<{ id: string; name: string; period: string; start_date: unknown; limit_per_period: string }>`
    SELECT u.id, u.name, u.period, s.start_date, coalesce(pp.limit_per_period, u.limit_per_period) AS limit_per_period
      FROM subscription_units su
      JOIN service_units u ON u.id = su.unit_id
      JOIN subscriptions s ON s.id = su.subscription_id
      JOIN members m ON m.id = s.member_id
      LEFT JOIN LATERAL (
        SELECT p.limit_per_period FROM partner_unit_prices p
         WHERE p.partner_id = m.partner_id AND p.unit_id = u.id AND p.valid_from <= ${at}
         ORDER BY p.valid_from DESC LIMIT 1) pp ON true
     WHERE su.subscription_id = ${subscriptionId} AND (u.metered_item = ${meteredItem} OR u.id = 1)`.execute(tx);
  const limited = units.rows.filter((u) => Number(u.limit_per_period) > 0);
  if (limited.length === 0) return;
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`hanbill.usage:${subscriptionId}`}))`.execute(tx);
  for (const u of limited) {
    const from = periodStartOf(u.period, at, dateText(u.start_date));
    const used = await tx
      .selectFrom('usage_records')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('quantity'), sql<number>`0`).as('n'))
      .where('subscription_id', '=', subscriptionId)
      .where('metered_item', '=', meteredItem)
      .where('occurred_at', '>=', from)
      .executeTakeFirstOrThrow();
    const limit = Number(u.limit_per_period);
    if (Number(used.n) + adding > limit) {
      throw new AppError('usage_limit_exceeded', `서비스유닛 ${u.id}(${u.name}) 사용 한도 ${limit}건을 초과합니다 (usage limit exceeded)`, {
        field: 'svcunit_code',
        details: { unitId: Number(u.id), limit, used: Number(used.n) },
      });
    }
  }
}
