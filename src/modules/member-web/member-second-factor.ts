/**
 * 보안로그인 of a member (optional, turned on in 설정): a TOTP secret sealed with the master key (bound to the
 * member), pending until a first code confirms it; codes are checked under their own lockout (login-throttle scope
 * `totp`, key `member:<id>`), each 30-second step accepted once. Members have no recovery codes: a member who lost
 * the device resets the password by mail and asks the operator, who clears the second factor
 * (clear-member-second-factor.ts: `DELETE /v1/operator/members/{memberNo}/second-factor` or the console's 회원 조회;
 * audited, the member's sessions and code lockout end, the member is mailed to turn it on again).
 */
import crypto from 'node:crypto';
import { AppError, invalidError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { requiredString, type Input } from '../../platform/input.ts';
import { openSecret, sealSecret } from '../../platform/secret-box.ts';
import { verifyPassword } from '../../platform/passwords.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { assertNotLocked, clearFailures, recordFailure } from '../accounts/login-throttle.ts';
import { enrolmentOf, type TotpEnrolment } from '../accounts/second-factor-secrets.ts';
import { matchTotp } from '../accounts/totp.ts';
import './member-web-tables.ts';

const aad = (memberId: number) => `member:${memberId}:totp`;
/** The login-throttle key of a member's codes (scope `totp`). */
export const memberTotpThrottleKey = (memberId: number) => `member:${memberId}`;
const throttleKey = memberTotpThrottleKey;

export async function startMemberSecondFactor(ctx: Ctx, memberId: number): Promise<TotpEnrolment> {
  const m = await ctx.db.selectFrom('members').select(['login_id', 'bizno', 'totp_enabled_at']).where('id', '=', memberId).executeTakeFirstOrThrow();
  if (m.totp_enabled_at) throw new AppError('second_factor_already_on', '보안로그인이 이미 사용 중입니다 (secure login is already on)', { field: 'code' });
  const secret = crypto.randomBytes(20);
  await ctx.db.updateTable('members').set({ totp_pending_sealed: sealSecret(ctx.masterKey, secret, aad(memberId)) }).where('id', '=', memberId).execute();
  return enrolmentOf(`${m.bizno}/${m.login_id}`, secret);
}

/** Confirm the pending secret with a first code (`code`); from then on login asks for a code. */
export async function enableMemberSecondFactor(ctx: Ctx, memberId: number, input: Input): Promise<void> {
  const code = requiredString(input, 'code', { max: 20 }).replace(/\s/g, '');
  const key = throttleKey(memberId);
  await assertNotLocked(ctx, 'totp', key, 'code');
  const m = await ctx.db.selectFrom('members').select(['totp_pending_sealed', 'totp_enabled_at']).where('id', '=', memberId).executeTakeFirstOrThrow();
  if (m.totp_enabled_at) throw new AppError('second_factor_already_on', '보안로그인이 이미 사용 중입니다 (secure login is already on)', { field: 'code' });
  if (!m.totp_pending_sealed) throw new AppError('second_factor_not_started', '보안로그인 등록을 먼저 시작하세요 (start the secure login enrolment first)', { field: 'code' });
  const step = /^\d{6}$/.test(code) ? matchTotp(openSecret(ctx.masterKey, m.totp_pending_sealed, aad(memberId)), code, ctx.clock.now()) : undefined;
  if (step === undefined) {
    await recordFailure(ctx, 'totp', key);
    throw invalidError('code', '인증 코드가 맞지 않습니다 (wrong code)');
  }
  await clearFailures(ctx, 'totp', key);
  await ctx.db
    .updateTable('members')
    .set({ totp_secret_sealed: m.totp_pending_sealed, totp_pending_sealed: null, totp_enabled_at: ctx.clock.now(), totp_last_step: step })
    .where('id', '=', memberId)
    .execute();
}

/** Turn 보안로그인 off: the current password (`currentPassword`) and a code (`code`) are both required. */
export async function disableMemberSecondFactor(ctx: Ctx, memberId: number, input: Input): Promise<void> {
  const password = requiredString(input, 'currentPassword', { max: 200 });
  const code = requiredString(input, 'code', { max: 20 });
  const m = await ctx.db.selectFrom('members').select(['password_hash', 'totp_enabled_at']).where('id', '=', memberId).executeTakeFirstOrThrow();
  if (!m.totp_enabled_at) throw new AppError('second_factor_off', '보안로그인을 사용하고 있지 않습니다 (secure login is off)', { field: 'code' });
  if (!(await verifyPassword(m.password_hash, password))) throw invalidError('currentPassword', '현재 비밀번호가 맞지 않습니다 (wrong current password)');
  if (!(await checkMemberCode(ctx, memberId, code))) throw invalidError('code', '인증 코드가 맞지 않습니다 (wrong code)');
  await ctx.db.updateTable('members').set({ totp_secret_sealed: null, totp_pending_sealed: null, totp_enabled_at: null, totp_last_step: null }).where('id', '=', memberId).execute();
}

/** A code checked under the lockout: refused (429 naming `code`) while locked; a wrong one counts. */
export async function checkMemberCode(ctx: Ctx, memberId: number, rawCode: string): Promise<boolean> {
  const key = throttleKey(memberId);
  await assertNotLocked(ctx, 'totp', key, 'code');
  const code = rawCode.replace(/\s/g, '');
  const ok = /^\d{6}$/.test(code) && (await inTransaction(ctx.db, async (tx) => {
    const m = await tx.selectFrom('members').select(['totp_secret_sealed', 'totp_last_step']).where('id', '=', memberId).forUpdate().executeTakeFirstOrThrow();
    if (!m.totp_secret_sealed) return false;
    const step = matchTotp(openSecret(ctx.masterKey, m.totp_secret_sealed, aad(memberId)), code, ctx.clock.now());
    if (step === undefined || (m.totp_last_step !== null && step <= m.totp_last_step)) return false;
    await tx.updateTable('members').set({ totp_last_step: step }).where('id', '=', memberId).execute();
    return true;
  }));
  if (ok) await clearFailures(ctx, 'totp', key);
  else await recordFailure(ctx, 'totp', key);
  return ok;
}

/** The enrolment started and not yet confirmed (to show the QR code again after a wrong first code), if any. */
export async function pendingMemberEnrolment(ctx: Ctx, memberId: number): Promise<TotpEnrolment | undefined> {
  const m = await ctx.db.selectFrom('members').select(['login_id', 'bizno', 'totp_pending_sealed', 'totp_enabled_at']).where('id', '=', memberId).executeTakeFirstOrThrow();
  if (m.totp_enabled_at || !m.totp_pending_sealed) return undefined;
  return enrolmentOf(`${m.bizno}/${m.login_id}`, openSecret(ctx.masterKey, m.totp_pending_sealed, aad(memberId)));
}
