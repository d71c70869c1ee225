/**
 * Password reset by mail. `requestPasswordReset` (business number + ID) answers the same whether or not such a
 * member exists; when it does, it stores a one-time token (only its SHA-256, valid RESET_TTL_MS) and enqueues the
 * mail job in the same transaction — the token itself travels sealed (master key) in the job's payload, and the
 * worker mails the link through the installation's mail transport (retried on a temporary failure).
 * `resetPassword` (token + new password) sets the password once: the token is used up, every session of the
 * member ends, and the login throttle of that (business number, ID) is cleared.
 * Requests are capped per member: at most RESET_MAX_OPEN unexpired tokens at a time (more are silently dropped).
 */
import { sql } from 'kysely';
import { invalidError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { requiredString, type Input } from '../../platform/input.ts';
import { hashPassword } from '../../platform/passwords.ts';
import { randomToken, sha256 } from '../../platform/tokens.ts';
import { openSecret, sealSecret } from '../../platform/secret-box.ts';
import { enqueueJob, type Job } from '../../platform/jobs.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { MailSendError, type MailTransport } from '../mail/mail-transport.ts';
import { serviceMailBody, serviceMessageId } from '../mail/service-mail.ts';
import { readBizno, readNewPassword } from '../accounts/member-input.ts';
import { clearFailures } from '../accounts/login-throttle.ts';
import { destroyMemberSessions } from './member-sessions.ts';
import './member-web-tables.ts';

export const RESET_TTL_MS = 30 * 60_000;
export const RESET_MAX_OPEN = 3;

export const memberResetQueue = (ctx: { config: { channel: string } }) => `${ctx.config.channel}.member.password_reset`;
const resetHash = (token: string) => sha256(`member_reset:${token}`);
const AAD = 'member_password_reset';

export async function requestPasswordReset(ctx: Ctx, input: Input): Promise<void> {
  const bizno = readBizno(input, 'bizno');
  const loginId = requiredString(input, 'loginId', { max: 30 });
  const member = await ctx.db
    .selectFrom('members')
    .select(['id', 'email'])
    .where('bizno', '=', bizno)
    .where(sql<string>`lower(login_id)`, '=', loginId.toLowerCase())
    .executeTakeFirst();
  if (!member || !member.email) {
    ctx.log.info({ bizno, loginId }, 'password reset asked for no such member (answered the same)');
    return;
  }
  const now = ctx.clock.now();
  await inTransaction(ctx.db, async (tx) => {
    const open = await tx
      .selectFrom('member_password_resets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('member_id', '=', member.id)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirstOrThrow();
    if (Number(open.n) >= RESET_MAX_OPEN) return;
    const token = randomToken(32);
    const row = await tx
      .insertInto('member_password_resets')
      .values({ member_id: member.id, token_hash: resetHash(token), expires_at: new Date(now.getTime() + RESET_TTL_MS), created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await enqueueJob(tx, memberResetQueue(ctx), { resetId: Number(row.id), sealed: sealSecret(ctx.masterKey, Buffer.from(token), AAD).toString('base64') }, { maxAttempts: 8 });
  });
}

/** `token`, `newPassword` (optional `newPasswordConfirm`). A wrong, used or expired token: 400 naming `token`. */
export async function resetPassword(ctx: Ctx, input: Input): Promise<void> {
  const token = requiredString(input, 'token', { max: 200 });
  const next = readNewPassword(input, 'newPassword');
  if (input['newPasswordConfirm'] !== undefined && input['newPasswordConfirm'] !== next) {
    throw invalidError('newPasswordConfirm', '새 비밀번호 확인이 일치하지 않습니다 (new passwords do not match)');
  }
  const now = ctx.clock.now();
  const hash = await hashPassword(next);
  const memberId = await inTransaction(ctx.db, async (tx) => {
    const used = await tx
      .updateTable('member_password_resets')
      .set({ used_at: now })
      .where('token_hash', '=', resetHash(token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('member_id')
      .executeTakeFirst();
    if (!used) return undefined;
    await tx.updateTable('members').set({ password_hash: hash, updated_at: now }).where('id', '=', used.member_id).execute();
    return Number(used.member_id);
  });
  if (memberId === undefined) throw invalidError('token', '재설정 링크가 틀렸거나 이미 사용되었거나 만료되었습니다, 다시 요청하세요 (the reset link is wrong, used or expired; ask again)');
  await destroyMemberSessions(ctx, memberId);
  const m = await ctx.db.selectFrom('members').select(['bizno', 'login_id']).where('id', '=', memberId).executeTakeFirstOrThrow();
  await clearFailures(ctx, 'member', `${m.bizno}:${m.login_id.toLowerCase()}`);
}

/** The job handler: mails the reset link (Korean first, then English) to the member's e-mail address. */
export function passwordResetMailHandler(ctx: Ctx, transport: MailTransport) {
  return async (job: Job): Promise<void> => {
    const resetId = Number(job.payload['resetId']);
    const token = openSecret(ctx.masterKey, Buffer.from(String(job.payload['sealed']), 'base64'), AAD).toString();
    const row = await ctx.db
      .selectFrom('member_password_resets as r')
      .innerJoin('members as m', 'm.id', 'r.member_id')
      .select(['r.used_at', 'r.expires_at', 'm.email', 'm.user_name', 'm.com_name', 'm.login_id'])
      .where('r.id', '=', resetId)
      .executeTakeFirst();
    if (!row || row.used_at || row.expires_at <= ctx.clock.now()) return;
    const link = `${ctx.config.publicUrl.replace(/\/$/, '')}/member/reset?token=${encodeURIComponent(token)}`;
    const ko = [`${row.com_name} ${row.user_name} 님,`, '', `Hanbill 회원 아이디 ${row.login_id}의 비밀번호 재설정을 요청하셨습니다.`, '아래 링크에서 30분 안에 새 비밀번호를 정하세요. 한 번만 쓸 수 있습니다.', { link }, '', '요청하지 않으셨다면 이 메일을 무시하세요. 비밀번호는 바뀌지 않습니다.'];
    const en = ['You asked to reset the password of your Hanbill member ID. Open the link above within 30 minutes (it works once).', 'If you did not ask, ignore this mail: nothing changes.'];
    const { text, html } = serviceMailBody(ko, en);
    try {
      await transport.send({ to: [row.email], subject: '[Hanbill] 비밀번호 재설정 안내 (password reset)', text, html, headers: { 'Message-ID': serviceMessageId(ctx.config, `member-reset-${resetId}`) } });
    } catch (err) {
      const permanent = err instanceof MailSendError && err.permanent;
      ctx.log.warn({ resetId, permanent, err: String((err as Error).message ?? err) }, 'password reset mail failed');
      if (!permanent) throw err;
    }
  };
}
