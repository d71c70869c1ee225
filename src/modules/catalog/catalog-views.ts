import type { Selectable } from 'kysely';
import type { ServicePackagesTable, ServiceUnitsTable } from '../../platform/db/schema.ts';

export interface ServiceUnit {
  id: number;
  name: string;
  meteredItem: string;
  unitPriceKrw: number;
  limitPerPeriod: number;
  period: string;
  retired: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ServicePackage {
  id: number;
  name: string;
  description: string;
  priceKrw: number;
  periodMonths: number;
  unitIds: number[];
  retired: boolean;
  createdAt: string;
  updatedAt: string;
}

export function unitView(row: Selectable<ServiceUnitsTable>): ServiceUnit {
  return {
    id: row.id,
    name: row.name,
    meteredItem: row.metered_item,
    unitPriceKrw: row.unit_price_krw,
    limitPerPeriod: row.limit_per_period,
    period: row.period,
    retired: row.retired_at !== null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function packageView(row: Selectable<ServicePackagesTable>, unitIds: number[]): ServicePackage {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    priceKrw: row.price_krw,
    periodMonths: row.period_months,
    unitIds,
    retired: row.retired_at !== null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
