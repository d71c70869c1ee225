/** API 연동 서비스 반려 (operator, with a reason): the applicant cannot apply again for one year. */
import { requiredError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { optionalString, type Input } from '../../platform/input.ts';
import { audit, type Actor } from './audit-log.ts';
import { openForReview } from './application-view.ts';

export interface RejectApplicationOptions {
  id: number;
  /** `reason`: required, shown to the applicant. */
  input: Input;
}

export async function rejectApplication(ctx: Ctx, op: Actor, opts: RejectApplicationOptions): Promise<void> {
  const { id } = opts;
  const reason = optionalString(opts.input, 'reason', { max: 1000, multiline: true });
  if (!reason) throw requiredError('reason', '반려 사유');
  await inTransaction(ctx.db, async (tx) => {
    const a = await openForReview(tx, id);
    const now = ctx.clock.now();
    await tx.updateTable('api_applications').set({ state: 'rejected', review_note: reason, reviewed_by: op.id ?? null, reviewed_at: now, rejected_at: now, updated_at: now }).where('id', '=', id).execute();
    await audit(tx, op, { action: 'application.rejected', targetKind: 'application', targetId: id, details: { userId: a.user_id, reason } });
  });
}
