import { invalidError, type ErrorCode } from '../../platform/errors.ts';
import { optionalInteger, optionalString, requiredString, type Input } from '../../platform/input.ts';

export const PERIODS = ['month', 'year', 'subscription'] as const;
export type Period = (typeof PERIODS)[number];

export interface UnitFields {
  name: string;
  meteredItem: string;
  unitPriceKrw: number;
  limitPerPeriod: number;
  period: Period;
}

export interface PackageFields {
  name: string;
  description: string;
  priceKrw: number;
  periodMonths: number;
  unitIds: number[];
}

const METERED_ITEM = /^[a-z][a-z0-9_]{1,49}$/;

/** Read unit fields; with `partial`, absent fields stay absent (PATCH). */
export function readUnitFields(input: Input, partial: boolean): Partial<UnitFields> {
  const name = partial ? optionalString(input, 'name', { max: 100 }) : requiredString(input, 'name', { max: 100 });
  const meteredItem = partial
    ? optionalString(input, 'meteredItem', { pattern: METERED_ITEM, expected: '영문 소문자, 숫자, _ (e.g. tax_invoice_issued)' })
    : requiredString(input, 'meteredItem', { pattern: METERED_ITEM, expected: '영문 소문자, 숫자, _ (e.g. tax_invoice_issued)' });
  const period = optionalString(input, 'period');
  if (period !== undefined && !(PERIODS as readonly string[]).includes(period)) {
    throw invalidError('period', `${PERIODS.join(', ')} 중 하나여야 합니다 (one of ${PERIODS.join(', ')})`);
  }
  const out: Partial<UnitFields> = {
    name,
    meteredItem,
    unitPriceKrw: optionalInteger(input, 'unitPriceKrw', { min: 0 }),
    limitPerPeriod: optionalInteger(input, 'limitPerPeriod', { min: 0 }),
    period: period as Period | undefined,
  };
  if (!partial) {
    out.unitPriceKrw ??= 0;
    out.limitPerPeriod ??= 0;
    out.period ??= 'month';
  }
  return out;
}

export function readPackageFields(input: Input, partial: boolean): Partial<PackageFields> {
  const name = partial ? optionalString(input, 'name', { max: 100 }) : requiredString(input, 'name', { max: 100 });
  const raw = input['unitIds'];
  let unitIds: number[] | undefined;
  if (raw !== undefined) {
    if (!Array.isArray(raw) || raw.some((u) => !Number.isSafeInteger(Number(u)) || Number(u) <= 0)) {
      throw invalidError('unitIds', '유닛 번호의 배열이어야 합니다 (expected an array of unit ids)');
    }
    unitIds = [...new Set(raw.map(Number))];
  }
  const out: Partial<PackageFields> = {
    name,
    description: optionalString(input, 'description', { max: 1000, multiline: true }),
    priceKrw: optionalInteger(input, 'priceKrw', { min: 0 }),
    periodMonths: optionalInteger(input, 'periodMonths', { min: 0, max: 120 }),
    unitIds,
  };
  if (!partial) {
    out.description ??= '';
    out.priceKrw ??= 0;
    out.periodMonths ??= 0;
    out.unitIds ??= [];
  }
  return out;
}

export const DEFAULT_CATALOG_ID = 1;
export type CatalogErrorCode = Extract<ErrorCode, 'package_not_found' | 'unit_not_found'>;
