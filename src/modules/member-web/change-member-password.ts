/**
 * A member's password change on the web: the current password is required (`currentPassword`), the new one follows
 * the API's rule (8–64 characters; `newPassword`, optional `newPasswordConfirm`). Every other session of the member
 * ends. The same password is the API's member credential (verify-member-credentials.ts).
 */
import { invalidError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { requiredString, type Input } from '../../platform/input.ts';
import { hashPassword, verifyPassword } from '../../platform/passwords.ts';
import { readNewPassword } from '../accounts/member-input.ts';
import { destroyMemberSessions } from './member-sessions.ts';

export async function changeMemberPassword(ctx: Ctx, memberId: number, input: Input, keepSessionToken?: string): Promise<void> {
  const current = requiredString(input, 'currentPassword', { max: 200 });
  const next = readNewPassword(input, 'newPassword');
  if (input['newPasswordConfirm'] !== undefined && input['newPasswordConfirm'] !== next) {
    throw invalidError('newPasswordConfirm', '새 비밀번호 확인이 일치하지 않습니다 (new passwords do not match)');
  }
  const m = await ctx.db.selectFrom('members').select('password_hash').where('id', '=', memberId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(m.password_hash, current))) throw invalidError('currentPassword', '현재 비밀번호가 맞지 않습니다 (wrong current password)');
  if (current === next) throw invalidError('newPassword', '현재 비밀번호와 다른 비밀번호를 입력하세요 (choose a different password)');
  await ctx.db.updateTable('members').set({ password_hash: await hashPassword(next), updated_at: ctx.clock.now() }).where('id', '=', memberId).execute();
  await destroyMemberSessions(ctx, memberId, keepSessionToken);
}
