/**
 * Login throttling. Failures are counted per account and per client IP within a 15-minute window;
 * 5 failures on an account (20 from one IP) lock it for 15 minutes. A success clears the account's count
 * (never the IP's: an attacker's own good login must not reset the IP counter).
 * The API's member credentials (business number + ID + password: svc_key look-up, service application) use
 * the same table under their own scopes, so an API client's failures never lock its office's portal login.
 * The second factor (보안로그인 codes) has its own scope `totp`, keyed by user id: a right password clears the
 * account's count but never this one, so redoing the password step cannot buy more code guesses.
 */
import { sql } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { kstDateTime } from '../../platform/clock.ts';
import './account-tables.ts';

export type ThrottleScope = 'user' | 'operator' | 'ip' | 'member' | 'member_ip' | 'totp';

export const THROTTLE = {
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
  max: { user: 5, operator: 5, ip: 20, member: 5, member_ip: 20, totp: 5 } as Record<ThrottleScope, number>,
};

/**
 * Refuse while `key` is locked, even with the right password (else the lock would not stop guessing).
 * `field` is the caller's name of the login ID field; `details.retryAfterSeconds` becomes REST's Retry-After.
 */
export async function assertNotLocked(ctx: Ctx, scope: ThrottleScope, key: string, field = 'loginId'): Promise<void> {
  const row = await ctx.db.selectFrom('login_throttle').select('locked_until').where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
  const now = ctx.clock.now();
  if (row?.locked_until && row.locked_until > now) {
    const what = scope === 'ip' || scope === 'member_ip' ? '이 IP에서' : '이 계정은';
    const retryAfterSeconds = Math.ceil((row.locked_until.getTime() - now.getTime()) / 1000);
    const until = kstDateTime(row.locked_until).slice(0, 16);
    throw new AppError(
      'rate_limited',
      scope === 'totp'
        ? `${field}: 인증 코드가 너무 많이 틀려 보안로그인이 ${until}(KST)까지 잠겼습니다 (too many wrong codes; secure login locked until ${row.locked_until.toISOString()}, retry after ${retryAfterSeconds} s)`
        : `${field}: 로그인 실패가 너무 많아 ${what} ${until}(KST)까지 로그인할 수 없습니다 (too many failed logins; locked until ${row.locked_until.toISOString()}, retry after ${retryAfterSeconds} s)`,
      { field, details: { lockedUntil: row.locked_until.toISOString(), retryAfterSeconds, scope } },
    );
  }
}

/** Count a failure; returns true when this failure locked the account or IP. */
export async function recordFailure(ctx: Ctx, scope: ThrottleScope, key: string): Promise<boolean> {
  const now = ctx.clock.now();
  const windowStart = new Date(now.getTime() - THROTTLE.windowMs);
  const row = await sql<{ failures: number }>`
    INSERT INTO login_throttle (scope, key, failures, window_start) VALUES (${scope}, ${key}, 1, ${now})
    ON CONFLICT (scope, key) DO UPDATE SET
      failures = CASE WHEN login_throttle.window_start < ${windowStart} OR login_throttle.locked_until <= ${now} THEN 1 ELSE login_throttle.failures + 1 END,
      window_start = CASE WHEN login_throttle.window_start < ${windowStart} OR login_throttle.locked_until <= ${now} THEN ${now} ELSE login_throttle.window_start END,
      locked_until = CASE WHEN login_throttle.locked_until <= ${now} THEN NULL ELSE login_throttle.locked_until END
    RETURNING failures`.execute(ctx.db);
  const failures = row.rows[0]?.failures ?? 1;
  if (failures >= THROTTLE.max[scope]) {
    await ctx.db
      .updateTable('login_throttle')
      .set({ locked_until: new Date(now.getTime() + THROTTLE.lockMs) })
      .where('scope', '=', scope)
      .where('key', '=', key)
      .execute();
    return true;
  }
  return false;
}

export async function clearFailures(ctx: Ctx, scope: ThrottleScope, key: string): Promise<void> {
  await ctx.db.deleteFrom('login_throttle').where('scope', '=', scope).where('key', '=', key).execute();
}
