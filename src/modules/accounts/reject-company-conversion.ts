/** 기업회원전환 반려 (operator, with a reason shown to the member). */
import { requiredError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { optionalString, type Input } from '../../platform/input.ts';
import { audit, type Actor } from '../access/audit-log.ts';
import { pendingForReview } from './company-conversion-view.ts';

export interface RejectCompanyConversionOptions {
  id: number;
  /** `reason`: required. */
  input: Input;
}

export async function rejectCompanyConversion(ctx: Ctx, op: Actor, opts: RejectCompanyConversionOptions): Promise<void> {
  const { id } = opts;
  const reason = optionalString(opts.input, 'reason', { max: 500, multiline: true });
  if (!reason) throw requiredError('reason', '반려 사유');
  await inTransaction(ctx.db, async (tx) => {
    const c = await pendingForReview(tx, id);
    const now = ctx.clock.now();
    await tx.updateTable('company_conversions').set({ state: 'rejected', reason, reviewed_by: op.id ?? null, reviewed_at: now, updated_at: now }).where('id', '=', id).execute();
    await audit(tx, op, { action: 'conversion.rejected', targetKind: 'conversion', targetId: id, details: { userId: c.user_id, reason } });
  });
}
