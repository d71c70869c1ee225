/**
 * Portal accounts: sign up, password login (with throttling), the second step of 보안로그인, profile,
 * password change and withdrawal. Individual members sign up; a company-member conversion makes them
 * company members (company-conversion.ts).
 */
import { sql } from 'kysely';
import { AppError, invalidError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { optionalString, requiredString, type Input } from '../../platform/input.ts';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../../platform/passwords.ts';
import { readEmail, readLoginId, readNewPassword } from '../accounts/member-input.ts';
import { audit, type Actor } from './audit.ts';
import { assertNotLocked, clearFailures, recordFailure } from './throttle.ts';
import { destroySubjectSessions } from './sessions.ts';
import { checkSecondFactor } from './second-factor.ts';
import type { UserKind } from './tables.ts';
import { isUniqueViolation } from '../../platform/db/unique-violation.ts';

export interface PortalUser {
  id: number;
  loginId: string;
  name: string;
  email: string;
  phone: string;
  kind: UserKind;
  company: { bizno: string; comName: string; ceoName: string; uptae: string; jongmok: string; addr: string; tel: string } | null;
  totpEnabled: boolean;
  partner: { id: number; state: 'active' | 'suspended'; suspendedReason: string } | null;
  createdAt: Date;
}

const PHONE = { max: 20, pattern: /^[0-9+\-() ]{2,20}$/, expected: '전화번호 형식이 올바르지 않습니다 (digits and - only)' };

export function readPersonFields(input: Input) {
  return {
    name: requiredString(input, 'name', { max: 30 }),
    email: readEmail(input, 'email', true)!,
    phone: optionalString(input, 'phone', PHONE) ?? '',
  };
}

export async function getPortalUser(ctx: Ctx, userId: number): Promise<PortalUser> {
  const row = await ctx.db
    .selectFrom('portal_users as u')
    .leftJoin('partners as p', 'p.user_id', 'u.id')
    .select([
      'u.id', 'u.login_id', 'u.name', 'u.email', 'u.phone', 'u.kind', 'u.bizno', 'u.com_name', 'u.ceo_name', 'u.uptae', 'u.jongmok', 'u.addr', 'u.tel',
      'u.totp_enabled_at', 'u.withdrawn_at', 'u.created_at', 'p.id as partner_id', 'p.state as partner_state', 'p.suspended_reason',
    ])
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (!row || row.withdrawn_at) throw new AppError('unauthenticated', 'session: 로그인이 필요합니다 (login required)', { field: 'session' });
  return {
    id: row.id,
    loginId: row.login_id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    kind: row.kind,
    company:
      row.kind === 'company'
        ? { bizno: row.bizno ?? '', comName: row.com_name ?? '', ceoName: row.ceo_name ?? '', uptae: row.uptae ?? '', jongmok: row.jongmok ?? '', addr: row.addr ?? '', tel: row.tel ?? '' }
        : null,
    totpEnabled: row.totp_enabled_at !== null,
    partner: row.partner_id !== null && row.partner_state !== null ? { id: row.partner_id, state: row.partner_state, suspendedReason: row.suspended_reason ?? '' } : null,
    createdAt: row.created_at,
  };
}

async function loginIdFree(ctx: Ctx, loginId: string): Promise<boolean> {
  const row = await ctx.db.selectFrom('portal_users').select('id').where(sql<string>`lower(login_id)`, '=', loginId.toLowerCase()).executeTakeFirst();
  return row === undefined;
}

const loginIdTaken = () => new AppError('login_id_taken', 'loginId: 이미 사용 중인 아이디입니다 (ID already in use)', { field: 'loginId' });

export async function signUp(ctx: Ctx, who: Actor, input: Input): Promise<PortalUser> {
  const loginId = readLoginId(input, 'loginId');
  const password = readNewPassword(input, 'password');
  if (input['passwordConfirm'] !== undefined && input['passwordConfirm'] !== password) {
    throw invalidError('passwordConfirm', '비밀번호 확인이 일치하지 않습니다 (passwords do not match)');
  }
  const person = readPersonFields(input);
  if (!(await loginIdFree(ctx, loginId))) throw loginIdTaken();
  const passwordHash = await hashPassword(password);
  let id: number;
  try {
    id = (
      await ctx.db
        .insertInto('portal_users')
        .values({ login_id: loginId, password_hash: passwordHash, ...person })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  } catch (err) {
    if (isUniqueViolation(err, 'portal_users_login_id_uq')) throw loginIdTaken();
    throw err;
  }
  await audit(ctx, { ...who, kind: 'user', id, label: loginId }, { action: 'user.signup', targetKind: 'user', targetId: id });
  return getPortalUser(ctx, id);
}

const badLogin = () =>
  new AppError('credentials_mismatch', 'password: 아이디 또는 비밀번호가 일치하지 않습니다 (ID or password does not match)', { field: 'password' });

/**
 * Password step of a portal login. Unknown IDs cost one hash verification too, and get the same answer.
 * Returns the user and whether a second factor (TOTP) is still due.
 */
export async function checkUserPassword(ctx: Ctx, ip: string, input: Input): Promise<{ userId: number; loginId: string; mfaRequired: boolean }> {
  const loginId = requiredString(input, 'loginId', { max: 30 });
  const password = requiredString(input, 'password', { max: 200 });
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
  await clearFailures(ctx, 'user', account);
  const mfaRequired = live.totp_enabled_at !== null;
  await audit(ctx, { kind: 'user', id: live.id, label: live.login_id, ip }, { action: mfaRequired ? 'user.login_password_ok' : 'user.login', targetKind: 'user', targetId: live.id });
  return { userId: live.id, loginId: live.login_id, mfaRequired };
}

/** Second step of 보안로그인: a TOTP code or an unused recovery code. Failures count like password failures. */
export async function checkUserSecondFactor(ctx: Ctx, ip: string, userId: number, input: Input): Promise<void> {
  const code = requiredString(input, 'code', { max: 40 });
  const user = await ctx.db.selectFrom('portal_users').select(['login_id']).where('id', '=', userId).executeTakeFirstOrThrow();
  const account = user.login_id.toLowerCase();
  await assertNotLocked(ctx, 'ip', ip);
  await assertNotLocked(ctx, 'user', account);
  const how = await checkSecondFactor(ctx, userId, code); // its own lockout: a right password never clears it
  if (!how) {
    await recordFailure(ctx, 'user', account);
    await recordFailure(ctx, 'ip', ip);
    await audit(ctx, { kind: 'user', id: userId, label: user.login_id, ip }, { action: 'user.login_code_failed', targetKind: 'user', targetId: userId });
    throw new AppError('credentials_mismatch', 'code: 인증 코드가 올바르지 않습니다 (wrong or already used code)', { field: 'code' });
  }
  await clearFailures(ctx, 'user', account);
  await audit(ctx, { kind: 'user', id: userId, label: user.login_id, ip }, { action: 'user.login', targetKind: 'user', targetId: userId, details: { secondFactor: how } });
}

export async function updateProfile(ctx: Ctx, who: Actor & { id: number }, input: Input): Promise<PortalUser> {
  const person = readPersonFields(input);
  await ctx.db.updateTable('portal_users').set({ ...person, updated_at: ctx.clock.now() }).where('id', '=', who.id).where('withdrawn_at', 'is', null).execute();
  await audit(ctx, who, { action: 'user.profile_changed', targetKind: 'user', targetId: who.id });
  return getPortalUser(ctx, who.id);
}

async function assertPassword(ctx: Ctx, userId: number, password: string, field: string): Promise<void> {
  const row = await ctx.db.selectFrom('portal_users').select('password_hash').where('id', '=', userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(row.password_hash, password))) {
    throw new AppError('credentials_mismatch', `${field}: 현재 비밀번호가 일치하지 않습니다 (current password does not match)`, { field });
  }
}

/** 비밀번호변경: the old password is required; every other session of the user ends. */
export async function changePassword(ctx: Ctx, who: Actor & { id: number }, input: Input, keepSessionToken?: string): Promise<void> {
  const current = requiredString(input, 'currentPassword', { max: 200 });
  const next = readNewPassword(input, 'newPassword');
  if (input['newPasswordConfirm'] !== undefined && input['newPasswordConfirm'] !== next) {
    throw invalidError('newPasswordConfirm', '새 비밀번호 확인이 일치하지 않습니다 (new passwords do not match)');
  }
  await assertPassword(ctx, who.id, current, 'currentPassword');
  if (current === next) throw invalidError('newPassword', '현재 비밀번호와 다른 비밀번호를 입력하세요 (choose a different password)');
  await ctx.db.updateTable('portal_users').set({ password_hash: await hashPassword(next), updated_at: ctx.clock.now() }).where('id', '=', who.id).execute();
  await destroySubjectSessions(ctx, 'user', who.id, keepSessionToken);
  await audit(ctx, who, { action: 'user.password_changed', targetKind: 'user', targetId: who.id });
}

/**
 * 회원탈퇴: with the password. Personal data is erased, open requests are cancelled, sessions end; the ID
 * stays reserved. A company with the integration API (a partner) must first ask the operator to end it.
 */
export async function withdraw(ctx: Ctx, who: Actor & { id: number }, input: Input): Promise<void> {
  const password = requiredString(input, 'password', { max: 200 });
  await assertPassword(ctx, who.id, password, 'password');
  await inTransaction(ctx.db, async (tx) => {
    const partner = await tx.selectFrom('partners').select('id').where('user_id', '=', who.id).executeTakeFirst();
    if (partner) {
      throw new AppError('conflict', 'password: 연동 API 서비스 이용 중에는 탈퇴할 수 없습니다. 운영자에게 해지를 요청하세요 (an API partner cannot withdraw; ask the operator to end the service first)', {
        field: 'password',
      });
    }
    const now = ctx.clock.now();
    await tx
      .updateTable('portal_users')
      .set({ withdrawn_at: now, name: '', email: '', phone: '', totp_secret_sealed: null, totp_pending_sealed: null, totp_enabled_at: null, updated_at: now })
      .where('id', '=', who.id)
      .execute();
    await tx.deleteFrom('portal_recovery_codes').where('user_id', '=', who.id).execute();
    await tx.updateTable('company_conversions').set({ state: 'cancelled', updated_at: now }).where('user_id', '=', who.id).where('state', '=', 'pending').execute();
    await tx
      .updateTable('api_applications')
      .set({ state: 'cancelled', cancelled_at: now, updated_at: now })
      .where('user_id', '=', who.id)
      .where('state', 'in', ['pending', 'documents_requested'])
      .execute();
    await tx.deleteFrom('portal_sessions').where('subject_kind', '=', 'user').where('subject_id', '=', who.id).execute();
    await audit(tx, who, { action: 'user.withdrawn', targetKind: 'user', targetId: who.id });
  });
}
