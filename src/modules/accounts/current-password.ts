/** The signed-in member's own password, asked again before a sensitive change (password change, withdrawal). */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { verifyPassword } from '../../platform/passwords.ts';
import './account-tables.ts';

export async function assertCurrentPassword(ctx: Ctx, userId: number, password: string, field: string): Promise<void> {
  const row = await ctx.db.selectFrom('portal_users').select('password_hash').where('id', '=', userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(row.password_hash, password))) {
    throw new AppError('credentials_mismatch', `현재 비밀번호가 일치하지 않습니다 (current password does not match)`, { field });
  }
}
