/**
 * Member web login, second step of 보안로그인: a TOTP code on the session the password step left pending. A wrong
 * code counts under the code's own lockout (member-second-factor.ts); a right one ends the pending session and
 * starts a full one (a new token), keeping the subscription already chosen.
 */
import { AppError, invalidError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { requiredString, type Input } from '../../platform/input.ts';
import { checkMemberCode } from './member-second-factor.ts';
import { createMemberSession, destroyMemberSession, resolveMemberSession, type StartedMemberSession } from './member-sessions.ts';

export async function completeMemberLogIn(ctx: Ctx, opts: { pendingToken: string | undefined; input: Input; ip: string; userAgent: string | undefined }): Promise<StartedMemberSession> {
  const pending = await resolveMemberSession(ctx, opts.pendingToken);
  if (!pending?.mfaPending) throw new AppError('unauthenticated', '로그인을 다시 시작하세요 (start the login again)', { field: 'session' });
  const code = requiredString(opts.input, 'code', { max: 20 });
  if (!(await checkMemberCode(ctx, pending.memberId, code))) throw invalidError('code', '인증 코드가 맞지 않습니다 (wrong code)');
  await destroyMemberSession(ctx, opts.pendingToken);
  return createMemberSession(ctx, { memberId: pending.memberId, mfaPending: false, subscriptionId: pending.subscriptionId, ip: opts.ip, userAgent: opts.userAgent });
}
