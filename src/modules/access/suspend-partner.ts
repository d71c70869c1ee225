/**
 * 파트너 정지 (operator, e.g. an unpaid bill): every key of the partner, and every keyless call for its members, is
 * refused until restored. The change, its audit entry and — when the partner was active — the `partner.suspended`
 * event commit together.
 */
import { requiredError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { optionalString, type Input } from '../../platform/input.ts';
import { recordEvent } from '../events/record-event.ts';
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
  await inTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const before = await tx.selectFrom('partners').select('state').where('id', '=', id).forUpdate().executeTakeFirst();
    if (!before) throw partnerNotFound(id);
    await tx
      .updateTable('partners')
      .set({ state: 'suspended', suspension_kind: 'operator', suspended_reason: reason, suspended_at: now, updated_at: now })
      .where('id', '=', id)
      .execute();
    await audit(tx, op, { action: 'partner.suspended', targetKind: 'partner', targetId: id, details: { reason, kind: 'operator' } });
    // a suspended partner suspended again (a new reason) changes no state: no event
    if (before.state !== 'suspended') await recordEvent(tx, { type: 'partner.suspended', partnerId: id, objectId: String(id), state: 'suspended', at: now, data: { kind: 'operator', reason } });
  });
  return getPartner(ctx, id);
}
