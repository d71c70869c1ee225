/**
 * Business number + login ID + password → the member. Every mismatch gives the same answer (2001),
 * and a missing member still costs one password verification, so the answer reveals nothing.
 */
import { sql } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { requiredString, type Input } from '../../platform/input.ts';
import { dummyPasswordHash, verifyPassword } from '../../platform/passwords.ts';
import { readBizno } from './member-input.ts';

export interface VerifiedMember {
  id: number;
  bizno: string;
  loginId: string;
  comName: string;
}

export async function verifyMemberCredentials(ctx: Ctx, input: Input, fields = { bizno: 'bizno', id: 'id', pwd: 'pwd' }): Promise<VerifiedMember> {
  const bizno = readBizno(input, fields.bizno);
  const loginId = requiredString(input, fields.id, { max: 30 });
  const password = requiredString(input, fields.pwd, { max: 200 });
  const member = await ctx.db
    .selectFrom('members')
    .select(['id', 'bizno', 'login_id', 'com_name', 'password_hash'])
    .where(sql<string>`lower(login_id)`, '=', loginId.toLowerCase())
    .where('bizno', '=', bizno)
    .executeTakeFirst();
  const ok = await verifyPassword(member?.password_hash ?? (await dummyPasswordHash()), password);
  if (!member || !ok) {
    ctx.log.warn({ bizno, loginId }, 'credentials mismatch');
    throw new AppError('credentials_mismatch', '사업자번호, 아이디 또는 비밀번호가 일치하지 않습니다 (business number, ID or password does not match)', {
      field: fields.pwd,
    });
  }
  return { id: member.id, bizno: member.bizno, loginId: member.login_id, comName: member.com_name };
}
