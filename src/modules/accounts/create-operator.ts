/** 운영자 추가: a new console operator (by an operator, the CLI, or the first start: bootstrap-operator.ts). */
import { sql } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { optionalString, type Input } from '../../platform/input.ts';
import { hashPassword } from '../../platform/passwords.ts';
import { audit, type Actor } from '../access/audit-log.ts';
import { readLoginId, readNewPassword } from './member-input.ts';
import './account-tables.ts';

/** The new operator's form: `loginId`, `password`, `name` (optional: the login ID). */
export type CreateOperatorOptions = Input;

export interface Operator {
  id: number;
  loginId: string;
  name: string;
}

export async function createOperator(ctx: Ctx, who: Actor, input: CreateOperatorOptions): Promise<Operator> {
  const loginId = readLoginId(input, 'loginId');
  const password = readNewPassword(input, 'password');
  const name = optionalString(input, 'name', { max: 30 }) ?? loginId;
  const taken = await ctx.db.selectFrom('operators').select('id').where(sql<string>`lower(login_id)`, '=', loginId.toLowerCase()).executeTakeFirst();
  if (taken) throw new AppError('login_id_taken', '이미 있는 운영자 아이디입니다 (operator ID already in use)', { field: 'loginId' });
  const row = await ctx.db
    .insertInto('operators')
    .values({ login_id: loginId, password_hash: await hashPassword(password), name })
    .returning(['id', 'login_id', 'name'])
    .executeTakeFirstOrThrow();
  await audit(ctx, who, { action: 'operator.created', targetKind: 'operator', targetId: row.id, details: { loginId } });
  return { id: row.id, loginId: row.login_id, name: row.name };
}
