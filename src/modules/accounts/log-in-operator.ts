/**
 * Operator login to the console: the same policy as a member's password step (log-in.ts) under the `operator`
 * throttle scope — failures counted and audited outside any transaction; on success, in one transaction, the
 * browser's previous session ends (no fixation) and a new one starts. Operators have no second factor here.
 */
import { sql } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import { withDb, type Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { requiredString } from '../../platform/input.ts';
import { dummyPasswordHash, verifyPassword } from '../../platform/passwords.ts';
import { audit } from '../access/audit-log.ts';
import { assertNotLocked, clearFailures, recordFailure } from './login-throttle.ts';
import { createSession, destroySession, SESSION } from './sessions.ts';
import type { Operator } from './create-operator.ts';
import type { LogInOptions, StartedSession } from './log-in.ts';

export type LogInOperatorOptions = LogInOptions;

export async function logInOperator(ctx: Ctx, opts: LogInOperatorOptions): Promise<{ operator: Operator; session: StartedSession }> {
  const { ip } = opts;
  const loginId = requiredString(opts.input, 'loginId', { max: 30 });
  const password = requiredString(opts.input, 'password', { max: 200 });
  const account = loginId.toLowerCase();
  await assertNotLocked(ctx, 'ip', ip);
  await assertNotLocked(ctx, 'operator', account);
  const row = await ctx.db
    .selectFrom('operators')
    .select(['id', 'login_id', 'name', 'password_hash', 'disabled_at'])
    .where(sql<string>`lower(login_id)`, '=', account)
    .executeTakeFirst();
  const live = row && !row.disabled_at ? row : undefined;
  const ok = await verifyPassword(live?.password_hash ?? (await dummyPasswordHash()), password);
  if (!live || !ok) {
    await recordFailure(ctx, 'operator', account);
    await recordFailure(ctx, 'ip', ip);
    await audit(ctx, { kind: 'anonymous', label: loginId.slice(0, 30), ip }, { action: 'operator.login_failed', targetKind: 'operator', targetId: live?.id ?? null });
    throw new AppError('credentials_mismatch', '아이디 또는 비밀번호가 일치하지 않습니다 (ID or password does not match)', { field: 'password' });
  }
  const session = await inTransaction(ctx.db, async (tx) => {
    const c = withDb(ctx, tx);
    await clearFailures(c, 'operator', account);
    await audit(tx, { kind: 'operator', id: live.id, label: live.login_id, ip }, { action: 'operator.login', targetKind: 'operator', targetId: live.id });
    await destroySession(c, opts.previousToken);
    const s = await createSession(c, { kind: 'operator', subjectId: live.id, ip, userAgent: opts.userAgent });
    return { ...s, maxAgeMs: SESSION.absoluteMs };
  });
  return { operator: { id: live.id, loginId: live.login_id, name: live.name }, session };
}
