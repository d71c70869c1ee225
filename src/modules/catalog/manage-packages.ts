/** CRM: service packages (a named bundle of units with a price and a period). */
import { sql } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction, type Tx } from '../../platform/db/transaction.ts';
import type { Input } from '../../platform/input.ts';
import { DEFAULT_CATALOG_ID, readPackageFields } from './catalog-input.ts';
import { packageView, type ServicePackage } from './catalog-views.ts';
import { assertActiveUnits, findPackage } from './repo.ts';

async function replaceUnits(tx: Tx, packageId: number, unitIds: number[]): Promise<void> {
  await tx.deleteFrom('package_units').where('package_id', '=', packageId).execute();
  if (unitIds.length > 0) {
    await tx
      .insertInto('package_units')
      .values(unitIds.map((unit_id) => ({ package_id: packageId, unit_id })))
      .execute();
  }
}

export async function createPackage(ctx: Ctx, input: Input): Promise<ServicePackage> {
  const f = readPackageFields(input, false);
  return inTransaction(ctx.db, async (tx) => {
    await assertActiveUnits(tx, f.unitIds!, 'unitIds');
    const row = await tx
      .insertInto('service_packages')
      .values({ name: f.name!, description: f.description!, price_krw: f.priceKrw!, period_months: f.periodMonths! })
      .returning('id')
      .executeTakeFirstOrThrow();
    await replaceUnits(tx, row.id, f.unitIds!);
    return findPackage(tx, row.id);
  });
}

export async function listPackages(ctx: Ctx, opts: { includeRetired?: boolean } = {}): Promise<ServicePackage[]> {
  let q = ctx.db.selectFrom('service_packages').selectAll().orderBy('id');
  if (!opts.includeRetired) q = q.where('retired_at', 'is', null);
  const rows = await q.execute();
  const links = rows.length
    ? await ctx.db.selectFrom('package_units').selectAll().where('package_id', 'in', rows.map((r) => r.id)).orderBy('unit_id').execute()
    : [];
  return rows.map((r) =>
    packageView(
      r,
      links.filter((l) => l.package_id === r.id).map((l) => l.unit_id),
    ),
  );
}

export function getPackage(ctx: Ctx, id: number): Promise<ServicePackage> {
  return findPackage(ctx.db, id);
}

export async function updatePackage(ctx: Ctx, id: number, input: Input): Promise<ServicePackage> {
  const f = readPackageFields(input, true);
  return inTransaction(ctx.db, async (tx) => {
    await findPackage(tx, id);
    if (f.unitIds !== undefined) {
      await assertActiveUnits(tx, f.unitIds, 'unitIds');
      await replaceUnits(tx, id, f.unitIds);
    }
    await tx
      .updateTable('service_packages')
      .set({
        ...(f.name !== undefined ? { name: f.name } : {}),
        ...(f.description !== undefined ? { description: f.description } : {}),
        ...(f.priceKrw !== undefined ? { price_krw: f.priceKrw } : {}),
        ...(f.periodMonths !== undefined ? { period_months: f.periodMonths } : {}),
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .execute();
    return findPackage(tx, id);
  });
}

/** Retire a package: existing subscriptions keep it; new applications cannot choose it. Package 1 is permanent. */
export async function retirePackage(ctx: Ctx, id: number): Promise<ServicePackage> {
  if (id === DEFAULT_CATALOG_ID) {
    throw new AppError('package_retire_refused', '기본 패키지 1번은 폐지할 수 없습니다 (the default package 1 cannot be retired)', { field: 'id' });
  }
  await findPackage(ctx.db, id);
  await ctx.db
    .updateTable('service_packages')
    .set({ retired_at: sql`coalesce(retired_at, now())`, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
  return findPackage(ctx.db, id);
}
