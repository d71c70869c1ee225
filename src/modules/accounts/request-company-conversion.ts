/** 기업회원전환 신청: an individual member asks to become a company member; an operator approves or rejects. */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { optionalString, requiredString, type Input } from '../../platform/input.ts';
import { isUniqueViolation } from '../../platform/db/unique-violation.ts';
import { audit, type Actor } from '../access/audit-log.ts';
import { readBizno } from './member-input.ts';
import { biznoTaken, companyBiznoTaken, conversionAlreadyOpen, type Conversion } from './company-conversion-view.ts';
import { getLatestConversion } from './get-latest-conversion.ts';

/** The request form: `bizno`, `comName`, `ceoName`, and optional `uptae`, `jongmok`, `addr`, `tel`. */
export type RequestCompanyConversionOptions = Input;

export async function requestCompanyConversion(ctx: Ctx, who: Actor & { id: number }, input: RequestCompanyConversionOptions): Promise<Conversion> {
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
  if (user.kind === 'company') throw new AppError('already_company_member', '이미 기업회원입니다 (already a company member)', { field: 'bizno' });
  if (await companyBiznoTaken(ctx, f.bizno, who.id)) throw biznoTaken();
  const open = await getLatestConversion(ctx, who.id);
  if (open?.state === 'pending') throw conversionAlreadyOpen();
  let id: number;
  try {
    id = (await ctx.db.insertInto('company_conversions').values({ user_id: who.id, ...f }).returning('id').executeTakeFirstOrThrow()).id;
  } catch (err) {
    if (isUniqueViolation(err, 'company_conversions_open_uq')) throw conversionAlreadyOpen();
    throw err;
  }
  await audit(ctx, who, { action: 'conversion.requested', targetKind: 'conversion', targetId: id, details: { bizno: f.bizno } });
  return (await getLatestConversion(ctx, who.id))!;
}
