/** 보안로그인 해제: needs the password and a current code (or a recovery code), checked under the code lockout. */
import { AppError, invalidError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { requiredString, type Input } from '../../platform/input.ts';
import { verifyPassword } from '../../platform/passwords.ts';
import { audit, type Actor } from '../access/audit-log.ts';
import { checkSecondFactor } from './check-second-factor.ts';

/** The form: `password` and `code`. */
export type DisableSecondFactorOptions = Input;

export async function disableSecondFactor(ctx: Ctx, who: Actor & { id: number }, input: DisableSecondFactorOptions): Promise<void> {
  const password = requiredString(input, 'password', { max: 200 });
  const code = requiredString(input, 'code', { max: 40 });
  const row = await ctx.db.selectFrom('portal_users').select(['password_hash', 'totp_enabled_at']).where('id', '=', who.id).executeTakeFirstOrThrow();
  if (!row.totp_enabled_at) throw new AppError('second_factor_off', '보안로그인을 사용하고 있지 않습니다 (secure login is off)', { field: 'code' });
  if (!(await verifyPassword(row.password_hash, password))) {
    throw new AppError('credentials_mismatch', '비밀번호가 일치하지 않습니다 (password does not match)', { field: 'password' });
  }
  if (!(await checkSecondFactor(ctx, who.id, code))) throw invalidError('code', '인증 코드가 올바르지 않습니다 (wrong code)');
  await ctx.db
    .updateTable('portal_users')
    .set({ totp_secret_sealed: null, totp_pending_sealed: null, totp_enabled_at: null, totp_last_step: null, updated_at: ctx.clock.now() })
    .where('id', '=', who.id)
    .execute();
  await ctx.db.deleteFrom('portal_recovery_codes').where('user_id', '=', who.id).execute();
  await audit(ctx, who, { action: 'user.totp_disabled', targetKind: 'user', targetId: who.id });
}
