/**
 * Portal login, second step of 보안로그인: a TOTP code or an unused recovery code on the session the password step
 * left pending. A wrong code counts against the account and the IP (like a wrong password) and against the second
 * factor's own lockout (check-second-factor.ts), outside any transaction so the refusal cannot roll it back. A right
 * code ends the pending session and starts a full one, in one transaction.
 */
import { AppError } from '../../platform/errors.ts';
import { withDb, type Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { requiredString, type Input } from '../../platform/input.ts';
import { audit } from '../access/audit-log.ts';
import { assertNotLocked, clearFailures, recordFailure } from './login-throttle.ts';
import { checkSecondFactor } from './check-second-factor.ts';
import { createSession, destroySession, SESSION } from './sessions.ts';
import type { StartedSession } from './log-in.ts';

export interface CompleteLogInOptions {
  /** The pending session (its token and user), as the face resolved it from the cookie. */
  pendingToken: string;
  userId: number;
  /** `code`: a 6-digit TOTP code or a recovery code. */
  input: Input;
  ip: string;
  userAgent: string | undefined;
}

export async function completeLogIn(ctx: Ctx, opts: CompleteLogInOptions): Promise<StartedSession> {
  const { ip, userId } = opts;
  const code = requiredString(opts.input, 'code', { max: 40 });
  const user = await ctx.db.selectFrom('portal_users').select(['login_id']).where('id', '=', userId).executeTakeFirstOrThrow();
  const account = user.login_id.toLowerCase();
  await assertNotLocked(ctx, 'ip', ip);
  await assertNotLocked(ctx, 'user', account);
  const how = await checkSecondFactor(ctx, userId, code); // its own lockout: a right password never clears it
  if (!how) {
    await recordFailure(ctx, 'user', account);
    await recordFailure(ctx, 'ip', ip);
    await audit(ctx, { kind: 'user', id: userId, label: user.login_id, ip }, { action: 'user.login_code_failed', targetKind: 'user', targetId: userId });
    throw new AppError('credentials_mismatch', '인증 코드가 올바르지 않습니다 (wrong or already used code)', { field: 'code' });
  }
  return inTransaction(ctx.db, async (tx) => {
    const c = withDb(ctx, tx);
    await clearFailures(c, 'user', account);
    await audit(tx, { kind: 'user', id: userId, label: user.login_id, ip }, { action: 'user.login', targetKind: 'user', targetId: userId, details: { secondFactor: how } });
    await destroySession(c, opts.pendingToken);
    const s = await createSession(c, { kind: 'user', subjectId: userId, ip, userAgent: opts.userAgent });
    return { ...s, maxAgeMs: SESSION.absoluteMs };
  });
}
