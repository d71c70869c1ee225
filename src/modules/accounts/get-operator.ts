/** The operator of a console session; a disabled or unknown operator is "login required". */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Operator } from './create-operator.ts';

export async function getOperator(ctx: Ctx, id: number): Promise<Operator> {
  const row = await ctx.db.selectFrom('operators').select(['id', 'login_id', 'name', 'disabled_at']).where('id', '=', id).executeTakeFirst();
  if (!row || row.disabled_at) throw new AppError('unauthenticated', '운영자 로그인이 필요합니다 (operator login required)', { field: 'session' });
  return { id: row.id, loginId: row.login_id, name: row.name };
}
