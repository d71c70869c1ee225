/** 보안로그인 설정 시작: draw a TOTP secret (sealed, pending until confirmed by enable-second-factor.ts) and show it. */
import crypto from 'node:crypto';
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { sealSecret } from '../../platform/secret-box.ts';
import type { Actor } from '../access/audit-log.ts';
import { enrolmentOf, totpAad, type TotpEnrolment } from './second-factor-secrets.ts';

export const secondFactorAlreadyOn = () => new AppError('second_factor_already_on', '보안로그인이 이미 사용 중입니다 (secure login is already on)', { field: 'code' });

export async function startSecondFactor(ctx: Ctx, who: Actor & { id: number }): Promise<TotpEnrolment> {
  const user = await ctx.db.selectFrom('portal_users').select(['login_id', 'totp_enabled_at']).where('id', '=', who.id).executeTakeFirstOrThrow();
  if (user.totp_enabled_at) throw secondFactorAlreadyOn();
  const secret = crypto.randomBytes(20);
  await ctx.db.updateTable('portal_users').set({ totp_pending_sealed: sealSecret(ctx.masterKey, secret, totpAad(who.id)), updated_at: ctx.clock.now() }).where('id', '=', who.id).execute();
  return enrolmentOf(user.login_id, secret);
}
