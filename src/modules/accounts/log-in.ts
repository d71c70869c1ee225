/**
 * Portal login, password step (the policy both the pages and REST follow; the faces only set the cookie):
 *
 *   1. refuse while the IP or the account is locked (login-throttle.ts), even with the right password;
 *   2. check the password — an unknown or withdrawn ID costs one hash verification too and gets the same
 *      answer; a failure is counted and audited *outside* any transaction, so refusing cannot roll it back;
 *   3. in one transaction: clear the account's failures, audit, end whatever session the browser brought
 *      (no session fixation) and start a new one — pending the second factor when 보안로그인 is on
 *      (5 minutes, good only for complete-log-in.ts), else a full session.
 */
import { sql } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import { withDb, type Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { requiredString, type Input } from '../../platform/input.ts';
import { dummyPasswordHash, verifyPassword } from '../../platform/passwords.ts';
import { audit } from '../access/audit-log.ts';
import { assertNotLocked, clearFailures, recordFailure } from './login-throttle.ts';
import { createSession, destroySession, SESSION } from './sessions.ts';

export interface LogInOptions {
  /** The login form: `loginId`, `password`. */
  input: Input;
  ip: string;
  userAgent: string | undefined;
  /** The session token the browser brought, if any: it ends at login. */
  previousToken: string | undefined;
}

/** A session just started: the cookie value (shown to nobody else), its CSRF token and the cookie's lifetime. */
export interface StartedSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  maxAgeMs: number;
}

const badLogin = () =>
  new AppError('credentials_mismatch', '아이디 또는 비밀번호가 일치하지 않습니다 (ID or password does not match)', { field: 'password' });

export async function logIn(ctx: Ctx, opts: LogInOptions): Promise<{ mfaRequired: boolean; session: StartedSession }> {
  const { ip } = opts;
  const loginId = requiredString(opts.input, 'loginId', { max: 30 });
  const password = requiredString(opts.input, 'password', { max: 200 });
  const account = loginId.toLowerCase();
  await assertNotLocked(ctx, 'ip', ip);
  await assertNotLocked(ctx, 'user', account);
  const row = await ctx.db
    .selectFrom('portal_users')
    .select(['id', 'login_id', 'password_hash', 'totp_enabled_at', 'withdrawn_at'])
    .where(sql<string>`lower(login_id)`, '=', account)
    .executeTakeFirst();
  const live = row && !row.withdrawn_at ? row : undefined;
  const ok = await verifyPassword(live?.password_hash ?? (await dummyPasswordHash()), password);
  if (!live || !ok) {
    const lockedAccount = await recordFailure(ctx, 'user', account);
    const lockedIp = await recordFailure(ctx, 'ip', ip);
    await audit(ctx, { kind: 'anonymous', label: loginId.slice(0, 30), ip }, {
      action: 'user.login_failed',
      targetKind: 'user',
      targetId: live?.id ?? null,
      details: { lockedAccount, lockedIp },
    });
    throw badLogin();
  }
  const mfaRequired = live.totp_enabled_at !== null;
  const session = await inTransaction(ctx.db, async (tx) => {
    const c = withDb(ctx, tx);
    await clearFailures(c, 'user', account);
    await audit(tx, { kind: 'user', id: live.id, label: live.login_id, ip }, { action: mfaRequired ? 'user.login_password_ok' : 'user.login', targetKind: 'user', targetId: live.id });
    await destroySession(c, opts.previousToken); // whatever session the browser brought ends: no fixation
    const s = await createSession(c, { kind: 'user', subjectId: live.id, mfaPending: mfaRequired, ip, userAgent: opts.userAgent });
    return { ...s, maxAgeMs: mfaRequired ? SESSION.mfaPendingMs : SESSION.absoluteMs };
  });
  return { mfaRequired, session };
}
