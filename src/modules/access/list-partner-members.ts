/** 파트너 회원 목록: the members a partner registered (its customers), newest first. */
import type { Ctx } from '../../platform/context.ts';
import './access-tables.ts';

export async function listPartnerMembers(ctx: Ctx, partnerId: number) {
  const rows = await ctx.db
    .selectFrom('members')
    .select(['id', 'bizno', 'com_name', 'login_id', 'created_at'])
    .where('partner_id', '=', partnerId)
    .orderBy('id', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({ memberNo: r.id, bizno: r.bizno, companyName: r.com_name, loginId: r.login_id, createdAt: r.created_at }));
}
