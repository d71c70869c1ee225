/** What the member web shows of the signed-in member: its company, ID, contact and whether 보안로그인 is on. */
import type { Ctx } from '../../platform/context.ts';
import './member-web-tables.ts';

export interface MemberProfile {
  id: number;
  bizno: string;
  subBizno: string;
  comName: string;
  ceoName: string;
  loginId: string;
  userName: string;
  email: string;
  totpOn: boolean;
}

export async function getMemberProfile(ctx: Ctx, memberId: number): Promise<MemberProfile> {
  const m = await ctx.db
    .selectFrom('members')
    .select(['id', 'bizno', 'sub_bizno', 'com_name', 'ceo_name', 'login_id', 'user_name', 'email', 'totp_enabled_at'])
    .where('id', '=', memberId)
    .executeTakeFirstOrThrow();
  return { id: Number(m.id), bizno: m.bizno, subBizno: m.sub_bizno, comName: m.com_name, ceoName: m.ceo_name, loginId: m.login_id, userName: m.user_name, email: m.email, totpOn: m.totp_enabled_at !== null };
}
