/** 파트너 목록 (operator): approved API-service companies with their live key and member counts, newest first. */
import type { Ctx } from '../../platform/context.ts';
import type { PartnerState } from './access-tables.ts';

export interface Partner {
  id: number;
  userId: number;
  loginId: string;
  comName: string;
  bizno: string;
  state: PartnerState;
  /** why suspended: '' active, 'operator' (lifted by an operator only), 'arrears' (lifted once the arrears are paid) */
  suspensionKind: '' | 'operator' | 'arrears';
  suspendedReason: string;
  suspendedAt: Date | null;
  createdAt: Date;
  activeKeys: number;
  members: number;
}

export interface ListPartnersOptions {
  /** Only this partner (get-partner.ts). */
  id?: number;
}

export async function listPartners(ctx: Ctx, opts: ListPartnersOptions = {}): Promise<Partner[]> {
  let q = ctx.db
    .selectFrom('partners as p')
    .innerJoin('portal_users as u', 'u.id', 'p.user_id')
    .select((eb) => [
      'p.id', 'p.user_id', 'u.login_id', 'u.com_name', 'u.bizno', 'p.state', 'p.suspension_kind', 'p.suspended_reason', 'p.suspended_at', 'p.created_at',
      eb.selectFrom('api_keys as k').select(eb.fn.countAll<number>().as('n')).whereRef('k.partner_id', '=', 'p.id').where('k.deleted_at', 'is', null).as('keys'),
      eb.selectFrom('members as m').select(eb.fn.countAll<number>().as('n')).whereRef('m.partner_id', '=', 'p.id').as('members'),
    ])
    .orderBy('p.id', 'desc')
    .limit(500);
  if (opts.id !== undefined) q = q.where('p.id', '=', opts.id);
  return (await q.execute()).map((r) => ({
    id: r.id, userId: r.user_id, loginId: r.login_id, comName: r.com_name ?? '', bizno: r.bizno ?? '', state: r.state, suspensionKind: r.suspension_kind, suspendedReason: r.suspended_reason,
    suspendedAt: r.suspended_at, createdAt: r.created_at, activeKeys: Number(r.keys ?? 0), members: Number(r.members ?? 0),
  }));
}
