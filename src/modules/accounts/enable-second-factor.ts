/**
 * 보안로그인 사용: confirm the pending enrolment with a first code. The code's step is remembered (never accepted
 * again) and 10 one-time recovery codes are drawn: shown now only, stored as HMACs.
 */
import { AppError, invalidError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { requiredString, type Input } from '../../platform/input.ts';
import { openSecret } from '../../platform/secret-box.ts';
import { audit, type Actor } from '../access/audit-log.ts';
import { newRecoveryCode, recoveryHash, totpAad } from './second-factor-secrets.ts';
import { secondFactorAlreadyOn } from './start-second-factor.ts';
import { matchTotp } from './totp.ts';

/** The confirmation form: `code`, the 6 digits the app shows. */
export type EnableSecondFactorOptions = Input;

export async function enableSecondFactor(ctx: Ctx, who: Actor & { id: number }, input: EnableSecondFactorOptions): Promise<{ recoveryCodes: string[] }> {
  const code = requiredString(input, 'code', { max: 10 }).replace(/\s/g, '');
  return inTransaction(ctx.db, async (tx) => {
    const user = await tx.selectFrom('portal_users').select(['totp_pending_sealed', 'totp_enabled_at']).where('id', '=', who.id).forUpdate().executeTakeFirstOrThrow();
    if (user.totp_enabled_at) throw secondFactorAlreadyOn();
    if (!user.totp_pending_sealed) throw new AppError('second_factor_not_started', '먼저 QR 코드를 발급받으세요 (start the enrolment first)', { field: 'code' });
    const secret = openSecret(ctx.masterKey, user.totp_pending_sealed, totpAad(who.id));
    const step = matchTotp(secret, code, ctx.clock.now());
    if (step === undefined) throw invalidError('code', '인증 코드가 올바르지 않습니다. 앱에 표시된 6자리 숫자를 입력하세요 (wrong code: enter the 6 digits shown by the app)');
    const now = ctx.clock.now();
    await tx
      .updateTable('portal_users')
      .set({ totp_secret_sealed: user.totp_pending_sealed, totp_pending_sealed: null, totp_enabled_at: now, totp_last_step: step, updated_at: now })
      .where('id', '=', who.id)
      .execute();
    const codes = Array.from({ length: 10 }, newRecoveryCode);
    await tx.deleteFrom('portal_recovery_codes').where('user_id', '=', who.id).execute();
    await tx
      .insertInto('portal_recovery_codes')
      .values(codes.map((c) => ({ user_id: who.id, code_hash: recoveryHash(ctx, who.id, c) })))
      .execute();
    await audit(tx, who, { action: 'user.totp_enabled', targetKind: 'user', targetId: who.id });
    return { recoveryCodes: codes };
  });
}
