/** 회원가입: an individual member signs up (company members come from a conversion, request-company-conversion.ts). */
import { sql } from 'kysely';
import { AppError, invalidError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Input } from '../../platform/input.ts';
import { hashPassword } from '../../platform/passwords.ts';
import { isUniqueViolation } from '../../platform/db/unique-violation.ts';
import { audit, type Actor } from '../access/audit-log.ts';
import { readLoginId, readNewPassword } from './member-input.ts';
import { readPersonFields } from './person-fields.ts';
import { getPortalUser, type PortalUser } from './get-portal-user.ts';

/** The sign-up form: loginId, password, passwordConfirm (optional), name, email, phone. */
export type SignUpOptions = Input;

async function loginIdFree(ctx: Ctx, loginId: string): Promise<boolean> {
  const row = await ctx.db.selectFrom('portal_users').select('id').where(sql<string>`lower(login_id)`, '=', loginId.toLowerCase()).executeTakeFirst();
  return row === undefined;
}

const loginIdTaken = () => new AppError('login_id_taken', '이미 사용 중인 아이디입니다 (ID already in use)', { field: 'loginId' });

export async function signUp(ctx: Ctx, who: Actor, input: SignUpOptions): Promise<PortalUser> {
  const loginId = readLoginId(input, 'loginId');
  const password = readNewPassword(input, 'password');
  if (input['passwordConfirm'] !== undefined && input['passwordConfirm'] !== password) {
    throw invalidError('passwordConfirm', '비밀번호 확인이 일치하지 않습니다 (passwords do not match)');
  }
  const person = readPersonFields(input);
  if (!(await loginIdFree(ctx, loginId))) throw loginIdTaken();
  const passwordHash = await hashPassword(password);
  let id: number;
  try {
    id = (
      await ctx.db
        .insertInto('portal_users')
        .values({ login_id: loginId, password_hash: passwordHash, ...person })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  } catch (err) {
    if (isUniqueViolation(err, 'portal_users_login_id_uq')) throw loginIdTaken();
    throw err;
  }
  await audit(ctx, { ...who, kind: 'user', id, label: loginId }, { action: 'user.signup', targetKind: 'user', targetId: id });
  return getPortalUser(ctx, id);
}
