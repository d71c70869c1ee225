/**
 * The check of every send (and of every fallback SMS/LMS): the number must be registered and approved for
 * this partner and not deleted (전기통신사업법 §84-2). Any other number is refused naming `from` (or the
 * caller's field). Returns the registration's id, which a message keeps as its reference.
 */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';

export async function assertUsableSenderNumber(ctx: Ctx, partnerId: number, number: string, field = 'from'): Promise<{ senderNumberId: number }> {
  const row =
    typeof number === 'string' && /^\d{8,11}$/.test(number)
      ? await ctx.db
          .selectFrom('sender_numbers')
          .select('id')
          .where('partner_id', '=', partnerId)
          .where('number', '=', number)
          .where('state', '=', 'approved')
          .where('deleted_at', 'is', null)
          .executeTakeFirst()
      : undefined;
  if (!row) throw new AppError('sender_number_not_registered', '등록, 승인된 발신번호가 아닙니다 (not a registered and approved sender number of this partner)', { field });
  return { senderNumberId: row.id };
}
