/**
 * Member signup (legacy `_member.aspx cmd=INSERT`, REST `POST /v1/members`). The input and every error
 * use the names of `MemberFields` (camelCase; the legacy face maps `com_name`, `id`, `pwd` … to them).
 */
import type { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { optionalString, requiredString, type Input } from '../../platform/input.ts';
import { hashPassword } from '../../platform/passwords.ts';
import { biznoTaken, loginIdTaken, readBizno, readEmail, readLoginId, readNewPassword, readSubBizno } from './member-input.ts';
import { assertLoginIdFree } from './check-login-id.ts';
import { isUniqueViolation } from '../../platform/db/unique-violation.ts';

export interface RegisteredMember {
  memberNo: number;
  bizno: string;
  loginId: string;
}

export interface MemberFields {
  bizno: string;
  subBizno: string;
  /** 상호 */
  companyName: string;
  ceoName: string;
  /** 업태 */
  businessType: string;
  /** 종목 */
  businessItem: string;
  zipcode: string;
  address1: string;
  address2: string;
  tel: string;
  fax: string;
  loginId: string;
  password: string;
  userName: string;
  email: string;
  department: string;
  userTel: string;
  mobile: string;
  resellerCode: string;
}

/** Read and check every field in the order of the legacy table, so the first error names the first bad field. */
export function readMemberFields(input: Input): MemberFields {
  const s = (f: string, max: number) => optionalString(input, f, { max }) ?? '';
  const phone = (f: string) =>
    optionalString(input, f, { max: 20, pattern: /^[0-9+\-() ]{2,20}$/, expected: '전화번호 형식이 올바르지 않습니다 (digits and - only)' }) ?? '';
  return {
    bizno: readBizno(input),
    subBizno: readSubBizno(input),
    companyName: requiredString(input, 'companyName', { max: 70 }),
    ceoName: requiredString(input, 'ceoName', { max: 30 }),
    businessType: s('businessType', 40),
    businessItem: s('businessItem', 40),
    zipcode: optionalString(input, 'zipcode', { pattern: /^\d{3}-?\d{2,3}$/, expected: '우편번호 형식이 올바르지 않습니다 (postal code)' }) ?? '',
    address1: s('address1', 150),
    address2: s('address2', 150),
    tel: phone('tel'),
    fax: phone('fax'),
    loginId: readLoginId(input),
    password: readNewPassword(input),
    userName: requiredString(input, 'userName', { max: 30 }),
    email: readEmail(input, 'email', true)!,
    department: s('department', 40),
    userTel: phone('userTel'),
    mobile: phone('mobile'),
    resellerCode: s('resellerCode', 50),
  };
}

/** `opts.partnerId`: the partner whose API key registered the member (its customer from then on). */
export async function registerMember(ctx: Ctx, input: Input, opts: { partnerId?: number } = {}): Promise<RegisteredMember> {
  const f = readMemberFields(input);
  await assertBiznoFree(ctx, f.bizno, f.subBizno);
  await assertLoginIdFree(ctx, f.loginId);
  const passwordHash = await hashPassword(f.password);
  try {
    const row = await ctx.db
      .insertInto('members')
      .values({
        bizno: f.bizno,
        sub_bizno: f.subBizno,
        com_name: f.companyName,
        ceo_name: f.ceoName,
        uptae: f.businessType,
        jongmok: f.businessItem,
        zipcode: f.zipcode,
        addr1: f.address1,
        addr2: f.address2,
        tel: f.tel,
        fax: f.fax,
        login_id: f.loginId,
        password_hash: passwordHash,
        user_name: f.userName,
        email: f.email,
        dept: f.department,
        user_tel: f.userTel,
        hp: f.mobile,
        reseller_code: f.resellerCode,
        ...(opts.partnerId !== undefined ? { partner_id: opts.partnerId } : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ctx.log.info({ memberNo: row.id, partnerId: opts.partnerId }, 'member registered');
    return { memberNo: row.id, bizno: f.bizno, loginId: f.loginId };
  } catch (err) {
    throw uniqueViolationToAppError(err) ?? err;
  }
}

async function assertBiznoFree(ctx: Ctx, bizno: string, subBizno: string): Promise<void> {
  const taken = await ctx.db
    .selectFrom('members')
    .select('id')
    .where('bizno', '=', bizno)
    .where('sub_bizno', '=', subBizno)
    .executeTakeFirst();
  if (taken) throw biznoTaken();
}


/** Two concurrent signups both pass the checks; the unique index decides, and the loser gets the same answer. */
function uniqueViolationToAppError(err: unknown): AppError | undefined {
  if (isUniqueViolation(err, 'members_bizno_uq')) return biznoTaken();
  if (isUniqueViolation(err, 'members_login_id_uq')) return loginIdTaken();
  return undefined;
}
