/** Is a login ID free? (legacy `_member.aspx cmd=CHECKID`). IDs are unique regardless of letter case. */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Input } from '../../platform/input.ts';
import { loginIdTaken, readLoginId } from './member-input.ts';

export async function isLoginIdFree(ctx: Ctx, loginId: string): Promise<boolean> {
  const row = await ctx.db
    .selectFrom('members')
    .select('id')
    .where(sql<string>`lower(login_id)`, '=', loginId.toLowerCase())
    .executeTakeFirst();
  return row === undefined;
}

export async function assertLoginIdFree(ctx: Ctx, loginId: string): Promise<void> {
  if (!(await isLoginIdFree(ctx, loginId))) throw loginIdTaken();
}

/** Input: `loginId`. */
export async function checkLoginId(ctx: Ctx, input: Input): Promise<{ loginId: string; available: boolean }> {
  const loginId = readLoginId(input);
  return { loginId, available: await isLoginIdFree(ctx, loginId) };
}
