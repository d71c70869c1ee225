/** 비밀번호변경: the old password is required; every other session of the user ends. */
import { invalidError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { requiredString, type Input } from '../../platform/input.ts';
import { hashPassword } from '../../platform/passwords.ts';
import { audit, type Actor } from '../access/audit-log.ts';
import { readNewPassword } from './member-input.ts';
import { assertCurrentPassword } from './current-password.ts';
import { destroySubjectSessions } from './sessions.ts';

export interface ChangePasswordOptions {
  /** `currentPassword`, `newPassword`, `newPasswordConfirm` (optional). */
  input: Input;
  /** The session that asked: it stays signed in. */
  keepSessionToken?: string;
}

export async function changePassword(ctx: Ctx, who: Actor & { id: number }, opts: ChangePasswordOptions): Promise<void> {
  const { input } = opts;
  const current = requiredString(input, 'currentPassword', { max: 200 });
  const next = readNewPassword(input, 'newPassword');
  if (input['newPasswordConfirm'] !== undefined && input['newPasswordConfirm'] !== next) {
    throw invalidError('newPasswordConfirm', '새 비밀번호 확인이 일치하지 않습니다 (new passwords do not match)');
  }
  await assertCurrentPassword(ctx, who.id, current, 'currentPassword');
  if (current === next) throw invalidError('newPassword', '현재 비밀번호와 다른 비밀번호를 입력하세요 (choose a different password)');
  await ctx.db.updateTable('portal_users').set({ password_hash: await hashPassword(next), updated_at: ctx.clock.now() }).where('id', '=', who.id).execute();
  await destroySubjectSessions(ctx, 'user', who.id, opts.keepSessionToken);
  await audit(ctx, who, { action: 'user.password_changed', targetKind: 'user', targetId: who.id });
}
