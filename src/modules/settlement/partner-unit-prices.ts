/**
 * 파트너 계약 단가 (operator): a partner's price — and optionally its limit per period — of a service unit from a
 * time on (partner_unit_prices). Setting the same partner, unit and start again replaces that row; an earlier
 * start keeps its rows, so the price of any past event stays what it was. Audited in the same transaction.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { AppError, invalidError, requiredError } from '../../platform/errors.ts';
import { isCalendarDate } from '../../platform/clock.ts';
import { optionalInteger, optionalString, requiredInteger, type Input } from '../../platform/input.ts';
import { audit, type Actor } from '../access/audit-log.ts';
import { partnerNotFound } from '../access/get-partner.ts';
import './tables.ts';

export const MAX_UNIT_PRICE_KRW = 1_000_000_000;

export interface PartnerUnitPrice {
  partnerId: number;
  unitId: number;
  unitName: string;
  meteredItem: string;
  /** the unit's own (list) price */
  listPriceKrw: number;
  unitPriceKrw: number;
  /** null: the unit's own limit applies */
  limitPerPeriod: number | null;
  validFrom: Date;
  /** the row in effect now (the latest start at or before now) */
  inEffect: boolean;
}

export interface SetPartnerUnitPriceOptions {
  partnerId: number;
  unitId: number;
  /** unitPriceKrw (required, integer won, VAT excluded), limitPerPeriod (optional), validFrom (YYYY-MM-DD KST, or a date-time; default now) */
  input: Input;
}

/** `validFrom`: a KST date (from its 00:00 KST) or an ISO date-time with an offset; absent: now. */
export function readValidFrom(input: Input, now: Date): Date {
  const text = optionalString(input, 'validFrom', { max: 40 });
  if (text === undefined) return now;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    if (!isCalendarDate(text.replace(/-/g, ''))) throw invalidError('validFrom', '적용 시작일은 실제 날짜여야 합니다: YYYY-MM-DD (a real date)');
    return new Date(`${text}T00:00:00+09:00`);
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const d = new Date(text);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw invalidError('validFrom', '적용 시작은 YYYY-MM-DD(KST) 또는 시간대가 있는 ISO 일시여야 합니다 (a KST date or an ISO date-time with an offset)');
}

export async function setPartnerUnitPrice(ctx: Ctx, actor: Actor, opts: SetPartnerUnitPriceOptions): Promise<PartnerUnitPrice[]> {
  const { partnerId, unitId, input } = opts;
  if (input['unitPriceKrw'] === undefined || input['unitPriceKrw'] === null) throw requiredError('unitPriceKrw', '계약 단가');
  const price = requiredInteger(input, 'unitPriceKrw', { min: 0, max: MAX_UNIT_PRICE_KRW });
  const limit = input['limitPerPeriod'] === null ? null : (optionalInteger(input, 'limitPerPeriod', { min: 0, max: Number.MAX_SAFE_INTEGER }) ?? null);
  const now = ctx.clock.now();
  const validFrom = readValidFrom(input, now);
  await inTransaction(ctx.db, async (tx) => {
    const partner = await tx.selectFrom('partners').select('id').where('id', '=', partnerId).executeTakeFirst();
    if (!partner) throw partnerNotFound(partnerId);
    const unit = await tx.selectFrom('service_units').select(['id', 'retired_at']).where('id', '=', unitId).executeTakeFirst();
    if (!unit || unit.retired_at !== null) throw new AppError('unit_not_found', `서비스유닛 ${unitId}이(가) 없거나 폐지되었습니다 (no such live unit)`, { field: 'unitId' });
    await tx
      .insertInto('partner_unit_prices')
      .values({ partner_id: partnerId, unit_id: unitId, valid_from: validFrom, unit_price_krw: price, limit_per_period: limit, created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['partner_id', 'unit_id', 'valid_from']).doUpdateSet({ unit_price_krw: price, limit_per_period: limit, updated_at: now }))
      .execute();
    await audit(tx, actor, {
      action: 'partner.unit_price_set',
      targetKind: 'partner',
      targetId: partnerId,
      details: { unitId, unitPriceKrw: price, limitPerPeriod: limit, validFrom: validFrom.toISOString() },
    });
  });
  return listPartnerUnitPrices(ctx, partnerId, { unitId });
}

export async function listPartnerUnitPrices(ctx: Ctx, partnerId: number, opts: { unitId?: number } = {}): Promise<PartnerUnitPrice[]> {
  const partner = await ctx.db.selectFrom('partners').select('id').where('id', '=', partnerId).executeTakeFirst();
  if (!partner) throw partnerNotFound(partnerId);
  const now = ctx.clock.now();
  const rows = await sql<{ unit_id: string; name: string; metered_item: string; list_price: string; unit_price_krw: string; limit_per_period: string | null; valid_from: Date; in_effect: boolean }>`
    SELECT p.unit_id, u.name, u.metered_item, u.unit_price_krw AS list_price, p.unit_price_krw, p.limit_per_period, p.valid_from,
           p.valid_from = (SELECT max(q.valid_from) FROM partner_unit_prices q WHERE q.partner_id = p.partner_id AND q.unit_id = p.unit_id AND q.valid_from <= ${now}) AS in_effect
      FROM partner_unit_prices p JOIN service_units u ON u.id = p.unit_id
     WHERE p.partner_id = ${partnerId} ${opts.unitId !== undefined ? sql`AND p.unit_id = ${opts.unitId}` : sql``}
     ORDER BY p.unit_id, p.valid_from`.execute(ctx.db);
  return rows.rows.map((r) => ({
    partnerId,
    unitId: Number(r.unit_id),
    unitName: r.name,
    meteredItem: r.metered_item,
    listPriceKrw: Number(r.list_price),
    unitPriceKrw: Number(r.unit_price_krw),
    limitPerPeriod: r.limit_per_period === null ? null : Number(r.limit_per_period),
    validFrom: new Date(r.valid_from),
    inEffect: r.in_effect === true,
  }));
}
