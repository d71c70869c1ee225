/** 기업회원전환 신청 취소: the member withdraws a pending request. */
import { sql } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { audit, type Actor } from '../access/audit-log.ts';
import './account-tables.ts';

export async function cancelCompanyConversion(ctx: Ctx, who: Actor & { id: number }): Promise<void> {
  const r = await ctx.db
    .updateTable('company_conversions')
    .set({ state: 'cancelled', updated_at: ctx.clock.now() })
    .where('user_id', '=', who.id)
    .where('state', '=', sql.lit('pending'))
    .returning('id')
    .executeTakeFirst();
  if (!r) throw new AppError('conversion_not_cancellable', '취소할 수 있는 신청이 없습니다 (no pending request)', { field: 'conversion' });
  await audit(ctx, who, { action: 'conversion.cancelled', targetKind: 'conversion', targetId: r.id });
}
