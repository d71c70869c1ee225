/**
 * A 보안로그인 code (TOTP, each step accepted once; or an unused recovery code, then used up), checked under the
 * second factor's own lockout.
 */
import { inTransaction } from '../../platform/db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { openSecret } from '../../platform/secret-box.ts';
import { assertNotLocked, clearFailures, recordFailure } from './login-throttle.ts';
import { recoveryHash, totpAad } from './second-factor-secrets.ts';
import { matchTotp } from './totp.ts';

/**
 * A code checked under the second factor's own lockout (scope `totp`, per user, in the database): refused while
 * locked (429 naming `code`), a wrong code counts, only a right code clears the count. Every place that takes a
 * code goes through here, so no path offers unlimited guesses.
 */
export async function checkSecondFactor(ctx: Ctx, userId: number, code: string): Promise<'totp' | 'recovery' | undefined> {
  const key = String(userId);
  await assertNotLocked(ctx, 'totp', key, 'code');
  const how = await verifySecondFactor(ctx, userId, code);
  if (how) await clearFailures(ctx, 'totp', key);
  else await recordFailure(ctx, 'totp', key);
  return how;
}

/** A TOTP code (each step once) or an unused recovery code (then used up). Callers use checkSecondFactor. */
async function verifySecondFactor(ctx: Ctx, userId: number, rawCode: string): Promise<'totp' | 'recovery' | undefined> {
  const code = rawCode.trim();
  return inTransaction(ctx.db, async (tx) => {
    const user = await tx.selectFrom('portal_users').select(['totp_secret_sealed', 'totp_last_step']).where('id', '=', userId).forUpdate().executeTakeFirstOrThrow();
    if (!user.totp_secret_sealed) return undefined;
    if (/^\d{6}$/.test(code.replace(/\s/g, ''))) {
      const secret = openSecret(ctx.masterKey, user.totp_secret_sealed, totpAad(userId));
      const step = matchTotp(secret, code.replace(/\s/g, ''), ctx.clock.now());
      if (step === undefined || (user.totp_last_step !== null && step <= user.totp_last_step)) return undefined;
      await tx.updateTable('portal_users').set({ totp_last_step: step }).where('id', '=', userId).execute();
      return 'totp';
    }
    const used = await tx
      .updateTable('portal_recovery_codes')
      .set({ used_at: ctx.clock.now() })
      .where('user_id', '=', userId)
      .where('code_hash', '=', recoveryHash(ctx, userId, code))
      .where('used_at', 'is', null)
      .returning('user_id')
      .executeTakeFirst();
    return used ? 'recovery' : undefined;
  });
}
