/**
 * 파트너 정지 해제 (operator): the partner's keys work again. The change, its audit entry and — when the partner was
 * suspended — the `partner.restored` event commit together.
 */
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { recordEvent } from '../events/record-event.ts';
import { audit, type Actor } from './audit-log.ts';
import { getPartner, partnerNotFound } from './get-partner.ts';
import type { Partner } from './list-partners.ts';

export async function restorePartner(ctx: Ctx, op: Actor, id: number): Promise<Partner> {
  await inTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const before = await tx.selectFrom('partners').select(['state', 'suspension_kind']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!before) throw partnerNotFound(id);
    await tx
      .updateTable('partners')
      .set({ state: 'active', suspension_kind: '', suspended_reason: '', suspended_at: null, updated_at: now })
      .where('id', '=', id)
      .execute();
    await audit(tx, op, { action: 'partner.restored', targetKind: 'partner', targetId: id, details: { kind: before.suspension_kind || 'none' } });
    if (before.state === 'suspended') await recordEvent(tx, { type: 'partner.restored', partnerId: id, objectId: String(id), state: 'active', at: now, data: { kind: before.suspension_kind || 'operator' } });
  });
  return getPartner(ctx, id);
}
