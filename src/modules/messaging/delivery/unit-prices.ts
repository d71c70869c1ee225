/**
 * The service unit (and its price) of each message kind now: attempts capture it when they are created. A partner's
 * contract price in effect at `at` (partner_unit_prices, settlement/contract-prices.ts) replaces the unit's price
 * for that partner when the partner is among `partnerIds` and passed to the lookup.
 */
import type { Db, Tx } from '../../../platform/db/transaction.ts';
import type { MessageKind } from '../sending/tables.ts';
import { meteredItemOf } from './delivery-codes.ts';
import { contractPricesAt } from '../../settlement/contract-prices.ts';

export interface UnitPrice {
  unitId: number;
  priceKrw: number;
}

export type UnitPrices = (kind: MessageKind, hasImage: boolean, partnerId?: number | null) => UnitPrice | null;

export async function currentUnitPrices(db: Db | Tx, at: Date = new Date(), partnerIds: readonly (number | null)[] = []): Promise<UnitPrices> {
  const rows = await db
    .selectFrom('service_units')
    .select(['id', 'metered_item', 'unit_price_krw'])
    .where('metered_item', 'like', 'message\\_%')
    .where('retired_at', 'is', null)
    .orderBy('id')
    .execute();
  const byItem = new Map<string, UnitPrice>();
  for (const r of rows) if (!byItem.has(r.metered_item)) byItem.set(r.metered_item, { unitId: Number(r.id), priceKrw: Number(r.unit_price_krw) });
  const contract = await contractPricesAt(db, partnerIds, [...byItem.values()].map((u) => u.unitId), at);
  return (kind, hasImage, partnerId) => {
    const unit = byItem.get(meteredItemOf(kind, hasImage));
    if (!unit) return null;
    const price = partnerId == null ? undefined : contract.get(`${Number(partnerId)}:${unit.unitId}`);
    return price === undefined ? unit : { unitId: unit.unitId, priceKrw: price };
  };
}

/** Whether a batch's content carries images (FriendTalk photo, MMS). */
export function contentHasImage(content: Record<string, unknown> | null | undefined): boolean {
  const images = content?.['images'];
  return Array.isArray(images) ? images.length > 0 : images !== undefined && images !== null;
}
