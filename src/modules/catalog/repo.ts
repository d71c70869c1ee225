import { AppError } from '../../platform/errors.ts';
import type { Db } from '../../platform/db/transaction.ts';
import { packageView, unitView, type ServicePackage, type ServiceUnit } from './catalog-views.ts';

export async function findUnit(db: Db, id: number): Promise<ServiceUnit> {
  const row = await db.selectFrom('service_units').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('unit_not_found', `unit ${id}: 서비스유닛이 없습니다 (no such service unit)`, { field: 'id' });
  return unitView(row);
}

export async function findPackage(db: Db, id: number, field = 'id'): Promise<ServicePackage> {
  const row = await db.selectFrom('service_packages').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('package_not_found', `서비스패키지 ${id}이(가) 없습니다 (no such service package)`, { field });
  const units = await db.selectFrom('package_units').select('unit_id').where('package_id', '=', id).orderBy('unit_id').execute();
  return packageView(
    row,
    units.map((u) => u.unit_id),
  );
}

/** Every id must name an existing, active unit. */
export async function assertActiveUnits(db: Db, unitIds: number[], field: string): Promise<void> {
  if (unitIds.length === 0) return;
  const rows = await db.selectFrom('service_units').select(['id', 'retired_at']).where('id', 'in', unitIds).execute();
  for (const id of unitIds) {
    const row = rows.find((r) => r.id === id);
    if (!row || row.retired_at !== null) {
      throw new AppError('unit_not_found', `서비스유닛 ${id}이(가) 없거나 폐지되었습니다 (no such active unit)`, { field });
    }
  }
}
