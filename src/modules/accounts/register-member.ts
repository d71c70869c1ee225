/** Member signup (legacy `_member.aspx cmd=INSERT`, REST `POST /v1/members`). */
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
  id: string;
}

export interface MemberFields {
  bizno: string;
  subBizno: string;
  comName: string;
  ceoName: string;
  uptae: string;
  jongmok: string;
  zipcode: string;
  addr1: string;
  addr2: string;
  tel: string;
  fax: string;
  loginId: string;
  password: string;
  userName: string;
  email: string;
  dept: string;
  userTel: string;
  hp: string;
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
    comName: requiredString(input, 'com_name', { max: 70 }),
    ceoName: requiredString(input, 'ceo_name', { max: 30 }),
    uptae: s('uptae', 40),
    jongmok: s('jongmok', 40),
    zipcode: optionalString(input, 'zipcode', { pattern: /^\d{3}-?\d{2,3}$/, expected: '우편번호 형식이 올바르지 않습니다 (postal code)' }) ?? '',
    addr1: s('addr1', 150),
    addr2: s('addr2', 150),
    tel: phone('tel'),
    fax: phone('fax'),
    loginId: readLoginId(input),
    password: readNewPassword(input),
    userName: requiredString(input, 'user_name', { max: 30 }),
    email: readEmail(input, 'email', true)!,
    dept: s('dept', 40),
    userTel: phone('user_tel'),
    hp: phone('hp'),
    resellerCode: s('reseller_code', 50),
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
        com_name: f.comName,
        ceo_name: f.ceoName,
        uptae: f.uptae,
        jongmok: f.jongmok,
        zipcode: f.zipcode,
        addr1: f.addr1,
        addr2: f.addr2,
        tel: f.tel,
        fax: f.fax,
        login_id: f.loginId,
        password_hash: passwordHash,
        user_name: f.userName,
        email: f.email,
        dept: f.dept,
        user_tel: f.userTel,
        hp: f.hp,
        reseller_code: f.resellerCode,
        ...(opts.partnerId !== undefined ? { partner_id: opts.partnerId } : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ctx.log.info({ memberNo: row.id, partnerId: opts.partnerId }, 'member registered');
    return { memberNo: row.id, bizno: f.bizno, id: f.loginId };
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
