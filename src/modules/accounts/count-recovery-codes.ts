/** 남은 복구 코드: how many unused recovery codes a member has left. */
import type { Ctx } from '../../platform/context.ts';
import './account-tables.ts';

export async function countRecoveryCodes(ctx: Ctx, userId: number): Promise<number> {
  const r = await ctx.db.selectFrom('portal_recovery_codes').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('used_at', 'is', null).executeTakeFirst();
  return Number(r?.n ?? 0);
}
