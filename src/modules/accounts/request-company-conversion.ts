/** 기업회원전환: an individual member asks to become a company member; an operator approves or rejects. */
import { AppError, requiredError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { optionalString, requiredString, type Input } from '../../platform/input.ts';
import { readBizno } from '../accounts/member-input.ts';
import { audit, type Actor } from './audit.ts';
import type { ConversionState } from './tables.ts';
import { isUniqueViolation } from '../../platform/db/unique-violation.ts';

export interface Conversion {
  id: number;
  userId: number;
  loginId?: string;
  bizno: string;
  comName: string;
  ceoName: string;
  uptae: string;
  jongmok: string;
  addr: string;
  tel: string;
  state: ConversionState;
  reason: string;
  reviewedAt: Date | null;
  createdAt: Date;
}

type Row = {
  id: number; user_id: number; bizno: string; com_name: string; ceo_name: string; uptae: string; jongmok: string; addr: string; tel: string;
  state: ConversionState; reason: string; reviewed_at: Date | null; created_at: Date; login_id?: string;
};
const view = (r: Row): Conversion => ({
  id: r.id, userId: r.user_id, ...(r.login_id !== undefined ? { loginId: r.login_id } : {}), bizno: r.bizno, comName: r.com_name, ceoName: r.ceo_name,
  uptae: r.uptae, jongmok: r.jongmok, addr: r.addr, tel: r.tel, state: r.state, reason: r.reason, reviewedAt: r.reviewed_at, createdAt: r.created_at,
});

const COLS = ['c.id', 'c.user_id', 'c.bizno', 'c.com_name', 'c.ceo_name', 'c.uptae', 'c.jongmok', 'c.addr', 'c.tel', 'c.state', 'c.reason', 'c.reviewed_at', 'c.created_at'] as const;

export async function latestConversion(ctx: Ctx, userId: number): Promise<Conversion | undefined> {
  const r = await ctx.db.selectFrom('company_conversions as c').select(COLS).where('c.user_id', '=', userId).orderBy('c.id', 'desc').limit(1).executeTakeFirst();
  return r ? view(r) : undefined;
}

async function companyBiznoTaken(ctx: Ctx, bizno: string, exceptUser: number): Promise<boolean> {
  const r = await ctx.db.selectFrom('portal_users').select('id').where('bizno', '=', bizno).where('kind', '=', 'company').where('withdrawn_at', 'is', null).where('id', '<>', exceptUser).executeTakeFirst();
  return r !== undefined;
}

const biznoTaken = () => new AppError('bizno_taken', 'bizno: 이미 기업회원으로 등록된 사업자등록번호입니다 (business number already belongs to a company member)', { field: 'bizno' });

export async function requestConversion(ctx: Ctx, who: Actor & { id: number }, input: Input): Promise<Conversion> {
  const f = {
    bizno: readBizno(input, 'bizno'),
    com_name: requiredString(input, 'comName', { max: 70 }),
    ceo_name: requiredString(input, 'ceoName', { max: 30 }),
    uptae: optionalString(input, 'uptae', { max: 40 }) ?? '',
    jongmok: optionalString(input, 'jongmok', { max: 40 }) ?? '',
    addr: optionalString(input, 'addr', { max: 150 }) ?? '',
    tel: optionalString(input, 'tel', { max: 20, pattern: /^[0-9+\-() ]{2,20}$/, expected: '전화번호 형식이 올바르지 않습니다 (digits and - only)' }) ?? '',
  };
  const user = await ctx.db.selectFrom('portal_users').select(['kind']).where('id', '=', who.id).executeTakeFirstOrThrow();
  if (user.kind === 'company') throw new AppError('conflict', 'bizno: 이미 기업회원입니다 (already a company member)', { field: 'bizno' });
  if (await companyBiznoTaken(ctx, f.bizno, who.id)) throw biznoTaken();
  const open = await latestConversion(ctx, who.id);
  if (open?.state === 'pending') throw new AppError('conflict', 'bizno: 심사 중인 기업회원전환 신청이 있습니다 (a conversion request is already pending)', { field: 'bizno' });
  let id: number;
  try {
    id = (await ctx.db.insertInto('company_conversions').values({ user_id: who.id, ...f }).returning('id').executeTakeFirstOrThrow()).id;
  } catch (err) {
    if (isUniqueViolation(err, 'company_conversions_open_uq')) throw new AppError('conflict', 'bizno: 심사 중인 기업회원전환 신청이 있습니다 (a conversion request is already pending)', { field: 'bizno' });
    throw err;
  }
  await audit(ctx, who, { action: 'conversion.requested', targetKind: 'conversion', targetId: id, details: { bizno: f.bizno } });
  return (await latestConversion(ctx, who.id))!;
}

export async function cancelConversion(ctx: Ctx, who: Actor & { id: number }): Promise<void> {
  const r = await ctx.db
    .updateTable('company_conversions')
    .set({ state: 'cancelled', updated_at: ctx.clock.now() })
    .where('user_id', '=', who.id)
    .where('state', '=', 'pending')
    .returning('id')
    .executeTakeFirst();
  if (!r) throw new AppError('conflict', 'conversion: 취소할 수 있는 신청이 없습니다 (no pending request)', { field: 'conversion' });
  await audit(ctx, who, { action: 'conversion.cancelled', targetKind: 'conversion', targetId: r.id });
}

export async function listConversions(ctx: Ctx, opts: { state?: ConversionState } = {}): Promise<Conversion[]> {
  let q = ctx.db.selectFrom('company_conversions as c').innerJoin('portal_users as u', 'u.id', 'c.user_id').select([...COLS, 'u.login_id']).orderBy('c.id', 'desc').limit(200);
  if (opts.state) q = q.where('c.state', '=', opts.state);
  return (await q.execute()).map(view);
}

async function pendingForReview(tx: Ctx['db'], id: number) {
  const c = await tx.selectFrom('company_conversions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!c) throw new AppError('not_found', `id: 기업회원전환 신청 ${id}이(가) 없습니다 (no such conversion request)`, { field: 'id' });
  if (c.state !== 'pending') throw new AppError('conflict', `id: 이미 처리된 신청입니다 (request is ${c.state})`, { field: 'id' });
  return c;
}

export async function approveConversion(ctx: Ctx, op: Actor, id: number): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const c = await pendingForReview(tx, id);
    if (await companyBiznoTaken({ ...ctx, db: tx }, c.bizno, c.user_id)) throw biznoTaken();
    const now = ctx.clock.now();
    await tx.updateTable('company_conversions').set({ state: 'approved', reviewed_by: op.id ?? null, reviewed_at: now, updated_at: now }).where('id', '=', id).execute();
    await tx
      .updateTable('portal_users')
      .set({ kind: 'company', bizno: c.bizno, com_name: c.com_name, ceo_name: c.ceo_name, uptae: c.uptae, jongmok: c.jongmok, addr: c.addr, tel: c.tel, updated_at: now })
      .where('id', '=', c.user_id)
      .execute();
    await audit(tx, op, { action: 'conversion.approved', targetKind: 'conversion', targetId: id, details: { userId: c.user_id, bizno: c.bizno } });
  });
}

export async function rejectConversion(ctx: Ctx, op: Actor, id: number, input: Input): Promise<void> {
  const reason = optionalString(input, 'reason', { max: 500, multiline: true });
  if (!reason) throw requiredError('reason', '반려 사유');
  await inTransaction(ctx.db, async (tx) => {
    const c = await pendingForReview(tx, id);
    const now = ctx.clock.now();
    await tx.updateTable('company_conversions').set({ state: 'rejected', reason, reviewed_by: op.id ?? null, reviewed_at: now, updated_at: now }).where('id', '=', id).execute();
    await audit(tx, op, { action: 'conversion.rejected', targetKind: 'conversion', targetId: id, details: { userId: c.user_id, reason } });
  });
}
