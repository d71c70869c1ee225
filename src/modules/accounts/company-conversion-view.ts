/**
 * 기업회원전환 requests as the use cases read them. A conversion changes who the portal account is (its kind and
 * company fields), so it lives with the accounts; the API service (access module) only reads the result.
 */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import type { ConversionState } from './account-tables.ts';

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
export const conversionView = (r: Row): Conversion => ({
  id: r.id, userId: r.user_id, ...(r.login_id !== undefined ? { loginId: r.login_id } : {}), bizno: r.bizno, comName: r.com_name, ceoName: r.ceo_name,
  uptae: r.uptae, jongmok: r.jongmok, addr: r.addr, tel: r.tel, state: r.state, reason: r.reason, reviewedAt: r.reviewed_at, createdAt: r.created_at,
});

export const CONVERSION_COLUMNS = ['c.id', 'c.user_id', 'c.bizno', 'c.com_name', 'c.ceo_name', 'c.uptae', 'c.jongmok', 'c.addr', 'c.tel', 'c.state', 'c.reason', 'c.reviewed_at', 'c.created_at'] as const;

/** Whether another live company member already has this business number. */
export async function companyBiznoTaken(ctx: Ctx, bizno: string, exceptUser: number): Promise<boolean> {
  const r = await ctx.db.selectFrom('portal_users').select('id').where('bizno', '=', bizno).where('kind', '=', 'company').where('withdrawn_at', 'is', null).where('id', '<>', exceptUser).executeTakeFirst();
  return r !== undefined;
}

export const biznoTaken = () => new AppError('bizno_taken', '이미 기업회원으로 등록된 사업자등록번호입니다 (business number already belongs to a company member)', { field: 'bizno' });

export const conversionAlreadyOpen = () =>
  new AppError('conversion_already_open', '심사 중인 기업회원전환 신청이 있습니다 (a conversion request is already pending)', { field: 'bizno' });

/** A pending request an operator decides on, locked for the decision. */
export async function pendingForReview(tx: Ctx['db'], id: number) {
  const c = await tx.selectFrom('company_conversions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!c) throw new AppError('conversion_not_found', `기업회원전환 신청 ${id}이(가) 없습니다 (no such conversion request)`, { field: 'id' });
  if (c.state !== 'pending') throw new AppError('conversion_already_reviewed', `이미 처리된 신청입니다 (request is ${c.state})`, { field: 'id' });
  return c;
}
