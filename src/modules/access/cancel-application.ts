/** 신청취소: a pending application (or one waiting for documents) can be cancelled by its applicant. */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { audit, type Actor } from './audit-log.ts';
import './access-tables.ts';

export async function cancelApplication(ctx: Ctx, who: Actor & { id: number }): Promise<void> {
  const now = ctx.clock.now();
  const r = await ctx.db
    .updateTable('api_applications')
    .set({ state: 'cancelled', cancelled_at: now, updated_at: now })
    .where('user_id', '=', who.id)
    .where('state', 'in', ['pending', 'documents_requested'])
    .returning('id')
    .executeTakeFirst();
  if (!r) throw new AppError('application_not_cancellable', '취소할 수 있는 신청이 없습니다 (only a pending application can be cancelled)', { field: 'application' });
  await audit(ctx, who, { action: 'application.cancelled', targetKind: 'application', targetId: r.id });
}
