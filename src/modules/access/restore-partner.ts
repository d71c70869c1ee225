/** 파트너 정지 해제 (operator): the partner's keys work again. */
import type { Ctx } from '../../platform/context.ts';
import { audit, type Actor } from './audit-log.ts';
import { getPartner, partnerNotFound } from './get-partner.ts';
import type { Partner } from './list-partners.ts';

export async function restorePartner(ctx: Ctx, op: Actor, id: number): Promise<Partner> {
  const before = await ctx.db.selectFrom('partners').select('suspension_kind').where('id', '=', id).executeTakeFirst();
  const r = await ctx.db
    .updateTable('partners')
    .set({ state: 'active', suspension_kind: '', suspended_reason: '', suspended_at: null, updated_at: ctx.clock.now() })
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  if (!r) throw partnerNotFound(id);
  await audit(ctx, op, { action: 'partner.restored', targetKind: 'partner', targetId: id, details: { kind: before?.suspension_kind || 'none' } });
  return getPartner(ctx, id);
}
