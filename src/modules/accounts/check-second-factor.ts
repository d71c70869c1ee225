/**
 * 보안로그인: TOTP second factor. Enrolment draws a secret (sealed with the master key), shows it as a QR
 * code and as text, and is confirmed with a first code; confirming gives 10 one-time recovery codes
 * (stored as HMAC(master key, code)). A code is accepted once (the last used step is kept).
 */
import crypto from 'node:crypto';
import QRCode from 'qrcode';
import { AppError, invalidError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { requiredString, type Input } from '../../platform/input.ts';
import { verifyPassword } from '../../platform/passwords.ts';
import { openSecret, sealSecret } from '../../platform/secret-box.ts';
import { hmacSha256 } from '../../platform/tokens.ts';
import { audit, type Actor } from './audit.ts';
import { assertNotLocked, clearFailures, recordFailure } from './throttle.ts';
import { base32Encode, matchTotp, otpauthUrl } from './totp.ts';

export const TOTP_ISSUER = 'Hanbill';
const aad = (userId: number) => `portal_user:${userId}:totp`;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function recoveryHash(ctx: Ctx, userId: number, code: string): Buffer {
  return hmacSha256(ctx.masterKey, `recovery:${userId}:${code.toLowerCase().replace(/[^a-z0-9]/g, '')}`);
}

function newRecoveryCode(): string {
  let s = '';
  for (let i = 0; i < 10; i++) s += RECOVERY_ALPHABET[crypto.randomInt(RECOVERY_ALPHABET.length)];
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

export interface TotpEnrolment {
  secret: string;
  otpauthUrl: string;
  qrSvg: string;
}

export async function beginTotpEnrolment(ctx: Ctx, who: Actor & { id: number }): Promise<TotpEnrolment> {
  const user = await ctx.db.selectFrom('portal_users').select(['login_id', 'totp_enabled_at']).where('id', '=', who.id).executeTakeFirstOrThrow();
  if (user.totp_enabled_at) throw new AppError('conflict', 'code: 보안로그인이 이미 사용 중입니다 (secure login is already on)', { field: 'code' });
  const secret = crypto.randomBytes(20);
  await ctx.db.updateTable('portal_users').set({ totp_pending_sealed: sealSecret(ctx.masterKey, secret, aad(who.id)), updated_at: ctx.clock.now() }).where('id', '=', who.id).execute();
  const url = otpauthUrl(TOTP_ISSUER, user.login_id, secret);
  const qrSvg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { secret: base32Encode(secret), otpauthUrl: url, qrSvg };
}

/** The enrolment started but not confirmed (to show the same QR again), or undefined. */
export async function pendingTotpEnrolment(ctx: Ctx, userId: number): Promise<TotpEnrolment | undefined> {
  const user = await ctx.db.selectFrom('portal_users').select(['login_id', 'totp_pending_sealed', 'totp_enabled_at']).where('id', '=', userId).executeTakeFirstOrThrow();
  if (!user.totp_pending_sealed || user.totp_enabled_at) return undefined;
  const secret = openSecret(ctx.masterKey, user.totp_pending_sealed, aad(userId));
  const url = otpauthUrl(TOTP_ISSUER, user.login_id, secret);
  return { secret: base32Encode(secret), otpauthUrl: url, qrSvg: await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) };
}

export async function confirmTotpEnrolment(ctx: Ctx, who: Actor & { id: number }, input: Input): Promise<{ recoveryCodes: string[] }> {
  const code = requiredString(input, 'code', { max: 10 }).replace(/\s/g, '');
  return inTransaction(ctx.db, async (tx) => {
    const user = await tx.selectFrom('portal_users').select(['totp_pending_sealed', 'totp_enabled_at']).where('id', '=', who.id).forUpdate().executeTakeFirstOrThrow();
    if (user.totp_enabled_at) throw new AppError('conflict', 'code: 보안로그인이 이미 사용 중입니다 (secure login is already on)', { field: 'code' });
    if (!user.totp_pending_sealed) throw new AppError('conflict', 'code: 먼저 QR 코드를 발급받으세요 (start the enrolment first)', { field: 'code' });
    const secret = openSecret(ctx.masterKey, user.totp_pending_sealed, aad(who.id));
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

/** Turning 보안로그인 off needs the password and a current code (or a recovery code). */
export async function disableTotp(ctx: Ctx, who: Actor & { id: number }, input: Input): Promise<void> {
  const password = requiredString(input, 'password', { max: 200 });
  const code = requiredString(input, 'code', { max: 40 });
  const row = await ctx.db.selectFrom('portal_users').select(['password_hash', 'totp_enabled_at']).where('id', '=', who.id).executeTakeFirstOrThrow();
  if (!row.totp_enabled_at) throw new AppError('conflict', 'code: 보안로그인을 사용하고 있지 않습니다 (secure login is off)', { field: 'code' });
  if (!(await verifyPassword(row.password_hash, password))) {
    throw new AppError('credentials_mismatch', 'password: 비밀번호가 일치하지 않습니다 (password does not match)', { field: 'password' });
  }
  if (!(await checkSecondFactor(ctx, who.id, code))) throw invalidError('code', '인증 코드가 올바르지 않습니다 (wrong code)');
  await ctx.db
    .updateTable('portal_users')
    .set({ totp_secret_sealed: null, totp_pending_sealed: null, totp_enabled_at: null, totp_last_step: null, updated_at: ctx.clock.now() })
    .where('id', '=', who.id)
    .execute();
  await ctx.db.deleteFrom('portal_recovery_codes').where('user_id', '=', who.id).execute();
  await audit(ctx, who, { action: 'user.totp_disabled', targetKind: 'user', targetId: who.id });
}

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
export async function verifySecondFactor(ctx: Ctx, userId: number, rawCode: string): Promise<'totp' | 'recovery' | undefined> {
  const code = rawCode.trim();
  return inTransaction(ctx.db, async (tx) => {
    const user = await tx.selectFrom('portal_users').select(['totp_secret_sealed', 'totp_last_step']).where('id', '=', userId).forUpdate().executeTakeFirstOrThrow();
    if (!user.totp_secret_sealed) return undefined;
    if (/^\d{6}$/.test(code.replace(/\s/g, ''))) {
      const secret = openSecret(ctx.masterKey, user.totp_secret_sealed, aad(userId));
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

export async function remainingRecoveryCodes(ctx: Ctx, userId: number): Promise<number> {
  const r = await ctx.db.selectFrom('portal_recovery_codes').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('used_at', 'is', null).executeTakeFirst();
  return Number(r?.n ?? 0);
}
