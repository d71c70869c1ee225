/**
 * Business number + login ID + password → the member. Every mismatch gives the same answer (2001),
 * and a missing member still costs one password verification, so the answer reveals nothing.
 * Failures are throttled like the portal login (login-throttle.ts): per (business number, ID) and per
 * caller IP, in the database so every api process sees the same counts. A locked pair or IP is refused
 * even with the right password. Call this outside any transaction the request may roll back (the
 * Idempotency-Key wrapper's, for one): a failure must be counted even though the request fails.
 */
import { sql } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { requiredString, type Input } from '../../platform/input.ts';
import { dummyPasswordHash, verifyPassword } from '../../platform/passwords.ts';
import { assertNotLocked, clearFailures, recordFailure } from './login-throttle.ts';
import { readBizno } from './member-input.ts';

export interface VerifiedMember {
  id: number;
  bizno: string;
  loginId: string;
  comName: string;
}

export interface CredentialCaller {
  /** The caller's IP address (throttled on its own, across IDs). */
  ip: string;
}

/** Input: `bizno`, `loginId`, `password` (errors name these; a throttle names `loginId`). */
export async function verifyMemberCredentials(ctx: Ctx, input: Input, caller: CredentialCaller): Promise<VerifiedMember> {
  const bizno = readBizno(input, 'bizno');
  const loginId = requiredString(input, 'loginId', { max: 30 });
  const password = requiredString(input, 'password', { max: 200 });
  const account = `${bizno}:${loginId.toLowerCase()}`;
  if (ctx.db.isTransaction) throw new AppError('internal', 'verifyMemberCredentials inside a transaction: its failure count would be rolled back');
  await assertNotLocked(ctx, 'member_ip', caller.ip, 'loginId');
  await assertNotLocked(ctx, 'member', account, 'loginId');
  const member = await ctx.db
    .selectFrom('members')
    .select(['id', 'bizno', 'login_id', 'com_name', 'password_hash'])
    .where(sql<string>`lower(login_id)`, '=', loginId.toLowerCase())
    .where('bizno', '=', bizno)
    .executeTakeFirst();
  const ok = await verifyPassword(member?.password_hash ?? (await dummyPasswordHash()), password);
  if (!member || !ok) {
    const lockedAccount = await recordFailure(ctx, 'member', account);
    const lockedIp = await recordFailure(ctx, 'member_ip', caller.ip);
    ctx.log.warn({ bizno, loginId, ip: caller.ip, lockedAccount, lockedIp }, 'credentials mismatch');
    throw new AppError('credentials_mismatch', '사업자번호, 아이디 또는 비밀번호가 일치하지 않습니다 (business number, ID or password does not match)', {
      field: 'password',
    });
  }
  await clearFailures(ctx, 'member', account);
  return { id: member.id, bizno: member.bizno, loginId: member.login_id, comName: member.com_name };
}
