/** Partners (approved API-service companies): list, suspend and restore (operator). */
import { AppError, requiredError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { optionalString, type Input } from '../../platform/input.ts';
import { audit, type Actor } from './audit.ts';
import type { PartnerState } from './tables.ts';

export interface Partner {
  id: number;
  userId: number;
  loginId: string;
  comName: string;
  bizno: string;
  state: PartnerState;
  suspendedReason: string;
  suspendedAt: Date | null;
  createdAt: Date;
  activeKeys: number;
  members: number;
}

export async function listPartners(ctx: Ctx, opts: { id?: number } = {}): Promise<Partner[]> {
  let q = ctx.db
    .selectFrom('partners as p')
    .innerJoin('portal_users as u', 'u.id', 'p.user_id')
    .select((eb) => [
      'p.id', 'p.user_id', 'u.login_id', 'u.com_name', 'u.bizno', 'p.state', 'p.suspended_reason', 'p.suspended_at', 'p.created_at',
      eb.selectFrom('api_keys as k').select(eb.fn.countAll<number>().as('n')).whereRef('k.partner_id', '=', 'p.id').where('k.deleted_at', 'is', null).as('keys'),
      eb.selectFrom('members as m').select(eb.fn.countAll<number>().as('n')).whereRef('m.partner_id', '=', 'p.id').as('members'),
    ])
    .orderBy('p.id', 'desc')
    .limit(500);
  if (opts.id !== undefined) q = q.where('p.id', '=', opts.id);
  return (await q.execute()).map((r) => ({
    id: r.id, userId: r.user_id, loginId: r.login_id, comName: r.com_name ?? '', bizno: r.bizno ?? '', state: r.state, suspendedReason: r.suspended_reason,
    suspendedAt: r.suspended_at, createdAt: r.created_at, activeKeys: Number(r.keys ?? 0), members: Number(r.members ?? 0),
  }));
}

export async function getPartner(ctx: Ctx, id: number): Promise<Partner> {
  const p = (await listPartners(ctx, { id }))[0];
  if (!p) throw new AppError('not_found', `id: 파트너 ${id}이(가) 없습니다 (no such partner)`, { field: 'id' });
  return p;
}

/** Suspend (e.g. unpaid bill): every key of the partner is refused until restored. */
export async function suspendPartner(ctx: Ctx, op: Actor, id: number, input: Input): Promise<Partner> {
  const reason = optionalString(input, 'reason', { max: 500, multiline: true });
  if (!reason) throw requiredError('reason', '정지 사유');
  const r = await ctx.db
    .updateTable('partners')
    .set({ state: 'suspended', suspended_reason: reason, suspended_at: ctx.clock.now(), updated_at: ctx.clock.now() })
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  if (!r) throw new AppError('not_found', `id: 파트너 ${id}이(가) 없습니다 (no such partner)`, { field: 'id' });
  await audit(ctx, op, { action: 'partner.suspended', targetKind: 'partner', targetId: id, details: { reason } });
  return getPartner(ctx, id);
}

export async function restorePartner(ctx: Ctx, op: Actor, id: number): Promise<Partner> {
  const r = await ctx.db
    .updateTable('partners')
    .set({ state: 'active', suspended_reason: '', suspended_at: null, updated_at: ctx.clock.now() })
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  if (!r) throw new AppError('not_found', `id: 파트너 ${id}이(가) 없습니다 (no such partner)`, { field: 'id' });
  await audit(ctx, op, { action: 'partner.restored', targetKind: 'partner', targetId: id });
  return getPartner(ctx, id);
}

/** The members a partner registered (its customers). */
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
