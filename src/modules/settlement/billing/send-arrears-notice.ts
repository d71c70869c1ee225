/**
 * The arrears notice mail (job `<channel>.billing.notice`, one per bill): to the partner's portal user, Korean
 * first — the amount left, the overdue bills' order numbers, the virtual account to pay into (billing_accounts)
 * and that paying restores API access at once. Sent through the installation's mail transport; bills.notice_mailed_at
 * is set after the SMTP answer (a crash in between can send it twice: the Message-ID is stable per bill so a
 * receiver drops the duplicate). A temporary failure throws (the job is retried with backoff); a permanent one
 * stops (logged). A bill paid before its notice went out gets none.
 */
import type { Ctx } from '../../../platform/context.ts';
import type { Job } from '../../../platform/jobs.ts';
import { kstDate } from '../../../platform/clock.ts';
import { MailSendError, type MailTransport } from '../../mail/mail-transport.ts';
import { serviceMailBody, serviceMessageId } from '../../mail/service-mail.ts';
import { arrearsOf } from './mark-arrears.ts';
import { bankName } from '../bank/bank-gateway.ts';
import '../tables.ts';

const won = (n: number) => `${n.toLocaleString('ko-KR')}원`;
const day = (d: Date) => {
  const k = kstDate(d);
  return `${k.slice(0, 4)}-${k.slice(4, 6)}-${k.slice(6, 8)}`;
};

export interface ArrearsNotice {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** The notice of a bill, or undefined when none is due (paid meanwhile, mailed already, no recipient). */
export interface ArrearsNoticeDeps {
  /** Issue the partner's virtual account when it has none yet (bank/billing-account.ts ensureBillingAccount). */
  ensureAccount?: (partnerId: number) => Promise<unknown>;
}

export async function composeArrearsNotice(ctx: Ctx, billId: number, deps: ArrearsNoticeDeps = {}): Promise<ArrearsNotice | undefined> {
  const bill = await ctx.db.selectFrom('bills').select(['id', 'partner_id', 'order_no', 'state', 'notice_mailed_at']).where('id', '=', billId).executeTakeFirst();
  if (!bill || bill.state !== 'overdue' || bill.notice_mailed_at !== null) return undefined;
  const user = await ctx.db
    .selectFrom('partners as p')
    .innerJoin('portal_users as u', 'u.id', 'p.user_id')
    .select(['u.email', 'u.name', 'u.com_name'])
    .where('p.id', '=', bill.partner_id)
    .executeTakeFirstOrThrow();
  if (!user.email) return undefined;
  const open = await arrearsOf(ctx, Number(bill.partner_id));
  const left = open.reduce((s, b) => s + Number(b.total_krw) - Number(b.paid_krw), 0);
  if (deps.ensureAccount) {
    try {
      await deps.ensureAccount(Number(bill.partner_id));
    } catch (err) {
      ctx.log.warn({ partnerId: bill.partner_id, err: String(err) }, 'virtual account not issued for the arrears notice: the notice points at the portal');
    }
  }
  const acct = await ctx.db.selectFrom('billing_accounts').select(['va_bank_code', 'va_account_no', 'va_holder']).where('partner_id', '=', bill.partner_id).executeTakeFirst();
  const account = acct?.va_account_no ? `${bankName(acct.va_bank_code)} ${acct.va_account_no} (예금주 ${acct.va_holder ?? ''})` : '포털 연동 API 관리 > 정산 > 결제하기에서 입금 계좌를 확인하세요';
  const rows = open.map((b) => `주문번호 ${b.order_no} (${b.period} 이용분): 청구 ${won(Number(b.total_krw))}, 납부 ${won(Number(b.paid_krw))}, 납부기한 ${day(new Date(new Date(b.due_at).getTime() - 1))}`);
  const subject = `[Hanbill] 미납 요금 안내: ${won(left)} (주문번호 ${bill.order_no}) · API 이용이 정지되었습니다`;
  const ko = [
    `${user.com_name ?? ''} ${user.name} 님,`,
    '',
    '연동 API 이용료가 납부기한까지 입금되지 않아 API 이용이 정지되었습니다.',
    `미납 금액: ${won(left)}`,
    ...rows,
    '',
    `입금 계좌 (가상계좌): ${account}`,
    '미납 금액을 입금하시면 확인 즉시 이용 정지가 자동으로 해제됩니다.',
  ];
  const en = [
    'Your API usage fees were not paid by the due date, so API access is suspended.',
    `Amount overdue: KRW ${left.toLocaleString('en-US')} (order ${open.map((b) => b.order_no).join(', ')}).`,
    'Pay into the virtual account above: access is restored the moment the payment arrives.',
  ];
  return { to: user.email, subject, ...serviceMailBody(ko, en) };
}

export function sendArrearsNoticeHandler(ctx: Ctx, transport: MailTransport, deps: ArrearsNoticeDeps = {}) {
  return async (job: Job): Promise<void> => {
    const billId = Number(job.payload['billId']);
    const notice = await composeArrearsNotice(ctx, billId, deps);
    if (!notice) return;
    try {
      await transport.send({ to: [notice.to], subject: notice.subject, text: notice.text, html: notice.html, headers: { 'Message-ID': serviceMessageId(ctx.config, `arrears-${billId}`), 'X-Hanbill-Bill': String(billId) } });
    } catch (err) {
      const permanent = err instanceof MailSendError && err.permanent;
      ctx.log.warn({ billId, permanent, attempt: job.attempts, err: String((err as Error).message ?? err) }, 'arrears notice mail failed');
      if (!permanent) throw err;
      return;
    }
    await ctx.db.updateTable('bills').set({ notice_mailed_at: ctx.clock.now() }).where('id', '=', billId).where('notice_mailed_at', 'is', null).execute();
    ctx.log.info({ billId, to: notice.to }, 'arrears notice mailed');
  };
}
