/** A portal user as the faces show it: person, company (company members), 보안로그인 state and partner state. */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import type { UserKind } from './account-tables.ts';
import '../access/access-tables.ts';

export interface PortalUser {
  id: number;
  loginId: string;
  name: string;
  email: string;
  phone: string;
  kind: UserKind;
  company: { bizno: string; comName: string; ceoName: string; uptae: string; jongmok: string; addr: string; tel: string } | null;
  totpEnabled: boolean;
  partner: { id: number; state: 'active' | 'suspended'; suspendedReason: string } | null;
  createdAt: Date;
}

export async function getPortalUser(ctx: Ctx, userId: number): Promise<PortalUser> {
  const row = await ctx.db
    .selectFrom('portal_users as u')
    .leftJoin('partners as p', 'p.user_id', 'u.id')
    .select([
      'u.id', 'u.login_id', 'u.name', 'u.email', 'u.phone', 'u.kind', 'u.bizno', 'u.com_name', 'u.ceo_name', 'u.uptae', 'u.jongmok', 'u.addr', 'u.tel',
      'u.totp_enabled_at', 'u.withdrawn_at', 'u.created_at', 'p.id as partner_id', 'p.state as partner_state', 'p.suspended_reason',
    ])
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (!row || row.withdrawn_at) throw new AppError('unauthenticated', '로그인이 필요합니다 (login required)', { field: 'session' });
  return {
    id: row.id,
    loginId: row.login_id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    kind: row.kind,
    company:
      row.kind === 'company'
        ? { bizno: row.bizno ?? '', comName: row.com_name ?? '', ceoName: row.ceo_name ?? '', uptae: row.uptae ?? '', jongmok: row.jongmok ?? '', addr: row.addr ?? '', tel: row.tel ?? '' }
        : null,
    totpEnabled: row.totp_enabled_at !== null,
    partner: row.partner_id !== null && row.partner_state !== null ? { id: row.partner_id, state: row.partner_state, suspendedReason: row.suspended_reason ?? '' } : null,
    createdAt: row.created_at,
  };
}
