/** A member's latest 기업회원전환 request (any state), or undefined. */
import type { Ctx } from '../../platform/context.ts';
import { CONVERSION_COLUMNS, conversionView, type Conversion } from './company-conversion-view.ts';

export async function getLatestConversion(ctx: Ctx, userId: number): Promise<Conversion | undefined> {
  const r = await ctx.db.selectFrom('company_conversions as c').select(CONVERSION_COLUMNS).where('c.user_id', '=', userId).orderBy('c.id', 'desc').limit(1).executeTakeFirst();
  return r ? conversionView(r) : undefined;
}
