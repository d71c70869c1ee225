/** The service unit (and its price) of each message kind now: attempts capture it when they are created. */
import type { Db, Tx } from '../../../platform/db/transaction.ts';
import type { MessageKind } from '../sending/tables.ts';
import { meteredItemOf } from './delivery-codes.ts';

export interface UnitPrice {
  unitId: number;
  priceKrw: number;
}

export type UnitPrices = (kind: MessageKind, hasImage: boolean) => UnitPrice | null;

export async function currentUnitPrices(db: Db | Tx): Promise<UnitPrices> {
  const rows = await db
    .selectFrom('service_units')
    .select(['id', 'metered_item', 'unit_price_krw'])
    .where('metered_item', 'like', 'message\\_%')
    .where('retired_at', 'is', null)
    .orderBy('id')
    .execute();
  const byItem = new Map<string, UnitPrice>();
  for (const r of rows) if (!byItem.has(r.metered_item)) byItem.set(r.metered_item, { unitId: Number(r.id), priceKrw: Number(r.unit_price_krw) });
  return (kind, hasImage) => byItem.get(meteredItemOf(kind, hasImage)) ?? null;
}

/** Whether a batch's content carries images (FriendTalk photo, MMS). */
export function contentHasImage(content: Record<string, unknown> | null | undefined): boolean {
  const images = content?.['images'];
  return Array.isArray(images) ? images.length > 0 : images !== undefined && images !== null;
}
