/** The 보안로그인 enrolment started but not confirmed (to show the same QR code again), or undefined. */
import type { Ctx } from '../../platform/context.ts';
import { openSecret } from '../../platform/secret-box.ts';
import { enrolmentOf, totpAad, type TotpEnrolment } from './second-factor-secrets.ts';

export async function getPendingSecondFactor(ctx: Ctx, userId: number): Promise<TotpEnrolment | undefined> {
  const user = await ctx.db.selectFrom('portal_users').select(['login_id', 'totp_pending_sealed', 'totp_enabled_at']).where('id', '=', userId).executeTakeFirstOrThrow();
  if (!user.totp_pending_sealed || user.totp_enabled_at) return undefined;
  return enrolmentOf(user.login_id, openSecret(ctx.masterKey, user.totp_pending_sealed, totpAad(userId)));
}
