/**
 * An operator clears a member's 보안로그인 (issue 12: the lost-device path — members have no recovery codes; the
 * member resets the password by mail and asks the operator). In one transaction: the member row is locked and its
 * TOTP columns set to null (secret, pending enrolment, enabled-at, last step), every member-web session of the
 * member ends, the member's code lockout (login-throttle scope `totp`) is cleared, the audit log records who did it
 * and why, and the notice mail is enqueued — so the change, its record and its mail exist together or not at all.
 * The worker mails it (Korean, then English) through the installation's mail transport, retried on a temporary
 * failure. Unknown member: 404 naming `memberNo`; a member without 보안로그인 (off, or only an enrolment started):
 * 409 naming `memberNo`, nothing changes and no mail goes. `reason` is required (≤ 200 characters, one line).
 *
 * `findMembersForOperator` is the console's 회원 조회: members by business number or login ID.
 */
import { sql } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { requiredString, optionalString, type Input } from '../../platform/input.ts';
import { enqueueJob, type Job } from '../../platform/jobs.ts';
import { kstDateTime } from '../../platform/clock.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { audit, type Actor } from '../access/audit-log.ts';
import { MailSendError, type MailTransport } from '../mail/mail-transport.ts';
import { serviceMailBody, serviceMessageId } from '../mail/service-mail.ts';
import { readBizno, readLoginId } from '../accounts/member-input.ts';
import { memberTotpThrottleKey } from './member-second-factor.ts';
import './member-web-tables.ts';
import '../accounts/account-tables.ts';
import type { BiznoProofMethod } from '../accounts/bizno-proofs.ts';

export const MAX_CLEAR_REASON_LENGTH = 200;
export const secondFactorClearedQueue = (ctx: { config: { channel: string } }) => `${ctx.config.channel}.member.second_factor_cleared`;

export interface ClearMemberSecondFactorOptions {
  memberNo: number;
  /** `reason`: required, kept in the audit log. */
  input: Input;
}

export interface ClearedSecondFactor {
  memberNo: number;
  clearedAt: string;
  /** member-web sessions ended */
  sessionsEnded: number;
}

const memberNotFound = (memberNo: number) => new AppError('member_not_found', `회원 ${memberNo}이(가) 없습니다 (no such member)`, { field: 'memberNo' });

export async function clearMemberSecondFactor(ctx: Ctx, op: Actor, opts: ClearMemberSecondFactorOptions): Promise<ClearedSecondFactor> {
  const { memberNo } = opts;
  const reason = requiredString(opts.input, 'reason', { max: MAX_CLEAR_REASON_LENGTH });
  if (!Number.isSafeInteger(memberNo) || memberNo < 1) throw memberNotFound(memberNo);
  const now = ctx.clock.now();
  const sessionsEnded = await inTransaction(ctx.db, async (tx) => {
    const m = await tx.selectFrom('members').select(['id', 'totp_enabled_at']).where('id', '=', memberNo).forUpdate().executeTakeFirst();
    if (!m) throw memberNotFound(memberNo);
    if (!m.totp_enabled_at) {
      throw new AppError('second_factor_off', `회원 ${memberNo}은(는) 보안로그인을 사용하고 있지 않습니다 (secure login is off for this member)`, { field: 'memberNo' });
    }
    await tx
      .updateTable('members')
      .set({ totp_secret_sealed: null, totp_pending_sealed: null, totp_enabled_at: null, totp_last_step: null, updated_at: now })
      .where('id', '=', memberNo)
      .execute();
    const ended = await tx.deleteFrom('member_sessions').where('member_id', '=', memberNo).executeTakeFirst();
    await tx.deleteFrom('login_throttle').where('scope', '=', 'totp').where('key', '=', memberTotpThrottleKey(memberNo)).execute();
    const sessions = Number(ended.numDeletedRows);
    await audit(tx, op, {
      action: 'member.second_factor_cleared',
      targetKind: 'member',
      targetId: memberNo,
      details: { reason, enabledSince: m.totp_enabled_at.toISOString(), sessionsEnded: sessions },
    });
    await enqueueJob(tx, secondFactorClearedQueue(ctx), { memberId: memberNo, clearedAt: now.toISOString() }, { maxAttempts: 8 });
    return sessions;
  });
  ctx.log.info({ memberNo, operator: op.label, sessionsEnded }, 'member second factor cleared by operator');
  return { memberNo, clearedAt: now.toISOString(), sessionsEnded };
}

/** The job handler: tells the member (Korean first, then English) that 보안로그인 was turned off by the operator. */
export function secondFactorClearedMailHandler(ctx: Ctx, transport: MailTransport) {
  return async (job: Job): Promise<void> => {
    const memberId = Number(job.payload['memberId']);
    const clearedAt = new Date(String(job.payload['clearedAt']));
    const row = await ctx.db.selectFrom('members').select(['email', 'user_name', 'com_name', 'login_id', 'bizno']).where('id', '=', memberId).executeTakeFirst();
    if (!row || !row.email) {
      ctx.log.warn({ memberId, jobId: job.id }, 'second factor cleared: the member has no e-mail address, no notice sent');
      return;
    }
    const when = `${kstDateTime(clearedAt).slice(0, 16)} (KST)`;
    const link = `${ctx.config.publicUrl.replace(/\/$/, '')}/member/settings`;
    const ko = [
      `${row.com_name} ${row.user_name} 님,`,
      '',
      `Hanbill 회원 아이디 ${row.login_id}의 보안로그인(인증 앱 코드)이 ${when}에 운영자에 의해 해제되었습니다.`,
      '지금은 비밀번호만으로 로그인됩니다. 로그인한 뒤 설정에서 보안로그인을 다시 켜세요.',
      { link },
      '',
      '해제를 요청하지 않으셨다면 곧바로 비밀번호를 바꾸고 운영자에게 알려 주세요.',
    ];
    const en = [
      `The secure login (authenticator app codes) of your Hanbill member ID ${row.login_id} was turned off by the operator at ${clearedAt.toISOString()}.`,
      'You now log in with your password alone: log in and turn secure login on again in the settings (link above).',
      'If you did not ask for this, change your password at once and tell the operator.',
    ];
    const { text, html } = serviceMailBody(ko, en);
    try {
      await transport.send({
        to: [row.email],
        subject: '[Hanbill] 보안로그인 해제 안내 (secure login turned off)',
        text,
        html,
        headers: { 'Message-ID': serviceMessageId(ctx.config, `member-second-factor-cleared-${job.id}`) },
      });
    } catch (err) {
      const permanent = err instanceof MailSendError && err.permanent;
      ctx.log.warn({ memberId, permanent, err: String((err as Error).message ?? err) }, 'second factor cleared mail failed');
      if (!permanent) throw err;
    }
  };
}

export interface MemberForOperator {
  memberNo: number;
  comName: string;
  bizno: string;
  loginId: string;
  userName: string;
  /** when 보안로그인 was turned on; null: off */
  secondFactorSince: Date | null;
  /** the proof of the member's current business number, if any */
  biznoProof: { method: BiznoProofMethod; provenAt: Date } | null;
}

/**
 * 회원 조회 (operator): members by business number (`bizno`) or login ID (`loginId`, case-insensitive); one of the
 * two is required (400 naming `bizno`). At most 50, oldest first.
 */
export async function findMembersForOperator(ctx: Ctx, input: Input): Promise<MemberForOperator[]> {
  const hasBizno = optionalString(input, 'bizno', { max: 20 }) !== undefined;
  const hasLoginId = optionalString(input, 'loginId', { max: 30 }) !== undefined;
  if (!hasBizno && !hasLoginId) throw new AppError('field_required', '사업자등록번호 또는 아이디를 입력하세요 (enter a business number or an ID)', { field: 'bizno' });
  let q = ctx.db
    .selectFrom('members as m')
    .leftJoin('bizno_proofs as p', (j) => j.onRef('p.member_id', '=', 'm.id').onRef('p.bizno', '=', 'm.bizno'))
    .select(['m.id', 'm.com_name', 'm.bizno', 'm.login_id', 'm.user_name', 'm.totp_enabled_at', 'p.method', 'p.proven_at'])
    .orderBy('m.id')
    .limit(50);
  if (hasBizno) q = q.where('m.bizno', '=', readBizno(input, 'bizno'));
  if (hasLoginId) {
    q = q.where(sql<string>`lower(m.login_id)`, '=', readLoginId(input, 'loginId').toLowerCase());
  }
  const rows = await q.execute();
  return rows.map((r) => ({
    memberNo: Number(r.id),
    comName: r.com_name,
    bizno: r.bizno,
    loginId: r.login_id,
    userName: r.user_name,
    secondFactorSince: r.totp_enabled_at,
    biznoProof: r.method && r.proven_at ? { method: r.method, provenAt: r.proven_at } : null,
  }));
}
