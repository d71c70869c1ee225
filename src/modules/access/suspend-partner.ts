/** 파트너 정지 (operator, e.g. an unpaid bill): every key of the partner, and every keyless call for its members, is refused until restored. */
import { requiredError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { optionalString, type Input } from '../../platform/input.ts';
import { audit, type Actor } from './audit-log.ts';
import { getPartner, partnerNotFound } from './get-partner.ts';
import type { Partner } from './list-partners.ts';

export interface SuspendPartnerOptions {
  id: number;
  /** `reason`: required, shown to the partner. */
  input: Input;
}

export async function suspendPartner(ctx: Ctx, op: Actor, opts: SuspendPartnerOptions): Promise<Partner> {
  const { id } = opts;
  const reason = optionalString(opts.input, 'reason', { max: 500, multiline: true });
  if (!reason) throw requiredError('reason', '정지 사유');
  const r = await ctx.db
    .updateTable('partners')
    .set({ state: 'suspended', suspension_kind: 'operator', suspended_reason: reason, suspended_at: ctx.clock.now(), updated_at: ctx.clock.now() })
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  if (!r) throw partnerNotFound(id);
  await audit(ctx, op, { action: 'partner.suspended', targetKind: 'partner', targetId: id, details: { reason, kind: 'operator' } });
  return getPartner(ctx, id);
}
