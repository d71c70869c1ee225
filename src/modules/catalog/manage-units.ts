/** CRM: service units (what is metered and limited, with a unit price in KRW, VAT excluded). */
import { sql } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Input } from '../../platform/input.ts';
import { DEFAULT_CATALOG_ID, readUnitFields } from './catalog-input.ts';
import { unitView, type ServiceUnit } from './catalog-views.ts';
import { findUnit } from './repo.ts';

export async function createUnit(ctx: Ctx, input: Input): Promise<ServiceUnit> {
  const f = readUnitFields(input, false);
  const row = await ctx.db
    .insertInto('service_units')
    .values({
      name: f.name!,
      metered_item: f.meteredItem!,
      unit_price_krw: f.unitPriceKrw!,
      limit_per_period: f.limitPerPeriod!,
      period: f.period!,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return unitView(row);
}

export async function listUnits(ctx: Ctx, opts: { includeRetired?: boolean } = {}): Promise<ServiceUnit[]> {
  let q = ctx.db.selectFrom('service_units').selectAll().orderBy('id');
  if (!opts.includeRetired) q = q.where('retired_at', 'is', null);
  return (await q.execute()).map(unitView);
}

export function getUnit(ctx: Ctx, id: number): Promise<ServiceUnit> {
  return findUnit(ctx.db, id);
}

export async function updateUnit(ctx: Ctx, id: number, input: Input): Promise<ServiceUnit> {
  const f = readUnitFields(input, true);
  await findUnit(ctx.db, id);
  const row = await ctx.db
    .updateTable('service_units')
    .set({
      ...(f.name !== undefined ? { name: f.name } : {}),
      ...(f.meteredItem !== undefined ? { metered_item: f.meteredItem } : {}),
      ...(f.unitPriceKrw !== undefined ? { unit_price_krw: f.unitPriceKrw } : {}),
      ...(f.limitPerPeriod !== undefined ? { limit_per_period: f.limitPerPeriod } : {}),
      ...(f.period !== undefined ? { period: f.period } : {}),
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return unitView(row);
}

/** Retire a unit: it stays on existing subscriptions but cannot be chosen any more. Unit 1 is permanent. */
export async function retireUnit(ctx: Ctx, id: number): Promise<ServiceUnit> {
  if (id === DEFAULT_CATALOG_ID) throw new AppError('unit_retire_refused', '기본 유닛 1번은 폐지할 수 없습니다 (the default unit 1 cannot be retired)', { field: 'id' });
  await findUnit(ctx.db, id);
  const row = await ctx.db
    .updateTable('service_units')
    .set({ retired_at: sql`coalesce(retired_at, now())`, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return unitView(row);
}
