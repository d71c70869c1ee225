/** 기업회원전환 심사 목록 (operator): newest first, optionally by state, at most 200. */
import type { Ctx } from '../../platform/context.ts';
import type { ConversionState } from './account-tables.ts';
import { CONVERSION_COLUMNS, conversionView, type Conversion } from './company-conversion-view.ts';

export interface ListCompanyConversionsOptions {
  state?: ConversionState;
}

export async function listCompanyConversions(ctx: Ctx, opts: ListCompanyConversionsOptions = {}): Promise<Conversion[]> {
  let q = ctx.db.selectFrom('company_conversions as c').innerJoin('portal_users as u', 'u.id', 'c.user_id').select([...CONVERSION_COLUMNS, 'u.login_id']).orderBy('c.id', 'desc').limit(200);
  if (opts.state) q = q.where('c.state', '=', opts.state);
  return (await q.execute()).map(conversionView);
}
