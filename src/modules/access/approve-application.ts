/** API 연동 서비스 승인 (operator): the applicant company becomes a partner (or an earlier partner is active again). */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { audit, type Actor } from './audit-log.ts';
import { openForReview } from './application-view.ts';

export async function approveApplication(ctx: Ctx, op: Actor, id: number): Promise<{ partnerId: number }> {
  return inTransaction(ctx.db, async (tx) => {
    const a = await openForReview(tx, id);
    const user = await tx.selectFrom('portal_users').select(['kind', 'withdrawn_at']).where('id', '=', a.user_id).executeTakeFirstOrThrow();
    if (user.kind !== 'company' || user.withdrawn_at) {
      throw new AppError('applicant_not_company', '신청자가 기업회원이 아닙니다 (applicant is no longer a company member)', { field: 'id' });
    }
    const now = ctx.clock.now();
    await tx.updateTable('api_applications').set({ state: 'approved', reviewed_by: op.id ?? null, reviewed_at: now, updated_at: now }).where('id', '=', id).execute();
    const existing = await tx.selectFrom('partners').select('id').where('user_id', '=', a.user_id).executeTakeFirst();
    const partnerId = existing
      ? existing.id
      : (await tx.insertInto('partners').values({ user_id: a.user_id, application_id: id }).returning('id').executeTakeFirstOrThrow()).id;
    if (existing) await tx.updateTable('partners').set({ application_id: id, state: 'active', suspension_kind: '', suspended_reason: '', suspended_at: null, updated_at: now }).where('id', '=', existing.id).execute();
    await audit(tx, op, { action: 'application.approved', targetKind: 'application', targetId: id, details: { userId: a.user_id, partnerId } });
    return { partnerId };
  });
}
