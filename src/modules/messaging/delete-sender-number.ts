/**
 * 발신번호 삭제: soft delete (deleted_at), so messages sent from the number keep referencing its registration;
 * the number can then be registered again. Another partner's registration is answered as unknown.
 */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';

export interface DeleteSenderNumberOptions {
  partnerId: number;
  id: number;
}

export async function deleteSenderNumber(ctx: Ctx, opts: DeleteSenderNumberOptions): Promise<void> {
  const r = await ctx.db
    .updateTable('sender_numbers')
    .set({ deleted_at: ctx.clock.now() })
    .where('id', '=', opts.id)
    .where('partner_id', '=', opts.partnerId)
    .where('deleted_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (!r) throw new AppError('sender_number_not_found', '발신번호 등록이 없습니다 (no such sender number registration)', { field: 'id' });
}
