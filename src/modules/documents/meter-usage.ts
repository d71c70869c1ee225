/**
 * Count metered usage against the subscription's units and refuse what exceeds a unit's limit
 * (CRM: limit per period, 0 = none). Runs in the caller's transaction: a refused or rolled-back use
 * counts nothing. The counter row is locked until commit, so concurrent issues cannot overshoot.
 */
import { sql } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { kstParts } from '../../platform/clock.ts';

function periodStart(period: string, at: Date, subscriptionStart: string): string {
  const p = kstParts(at);
  if (period === 'year') return `${p.year}-01-01`;
  if (period === 'subscription') return subscriptionStart;
  return `${p.year}-${String(p.month).padStart(2, '0')}-01`;
}

export async function meterUsage(tx: Tx, subscriptionId: number, meteredItem: string, count: number, at: Date): Promise<void> {
  const units = await tx
    .selectFrom('subscription_units as su')
    .innerJoin('service_units as u', 'u.id', 'su.unit_id')
    .innerJoin('subscriptions as s', 's.id', 'su.subscription_id')
    .select(['u.id', 'u.name', 'u.limit_per_period', 'u.period', 'u.metered_item', 's.start_date'])
    .where('su.subscription_id', '=', subscriptionId)
    .execute();
  // Unit 1 (the seed's unlimited unit) meters every item; other units meter their own item.
  for (const u of units.filter((x) => x.metered_item === meteredItem || x.id === 1)) {
    const start = periodStart(u.period, at, u.start_date);
    const row = await sql<{ used: number }>`
      INSERT INTO usage_counters (subscription_id, unit_id, period_start, used) VALUES (${subscriptionId}, ${u.id}, ${start}, ${count})
      ON CONFLICT (subscription_id, unit_id, period_start) DO UPDATE SET used = usage_counters.used + ${count}
      RETURNING used`.execute(tx);
    const used = row.rows[0]!.used;
    if (u.limit_per_period > 0 && used > u.limit_per_period) {
      throw new AppError('usage_limit_exceeded', `서비스유닛 ${u.id}(${u.name}) 사용 한도 ${u.limit_per_period}건을 초과합니다 (usage limit exceeded)`, {
        field: 'svcunit_code',
        details: { unitId: u.id, limit: u.limit_per_period },
      });
    }
  }
}
