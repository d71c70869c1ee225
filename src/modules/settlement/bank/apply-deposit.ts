/**
 * A deposit notice (입금 통지): the partner is found by its fixed virtual account (billing_accounts va_bank_code +
 * va_account_no) and the money applied by allocatePayment (oldest bill first, the rest as credit). An account we
 * do not know keeps the notice with partner_id null (acknowledged, logged: an operator refunds it by hand). A
 * deposit whose cancellation arrived first is kept and applied as cancelled: nothing is paid.
 */
import type { Ctx } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/transaction.ts';
import { allocatePayment, type Allocation } from './allocate-payment.ts';
import type { DepositNotice } from './bank-notice.ts';
import { insertNotice, lockBillingAccount } from './record-bank-notice.ts';

export type DepositOutcome =
  | { applied: false; reason: 'duplicate' }
  | { applied: true; partnerId: null; reason: 'unknown_account' }
  | { applied: true; partnerId: number; reason: 'cancelled_before' }
  | { applied: true; partnerId: number; allocation: Allocation };

export async function partnerOfAccount(tx: Tx, bankCode: string, accountNo: string): Promise<number | undefined> {
  if (!bankCode || !accountNo) return undefined;
  const r = await tx.selectFrom('billing_accounts').select('partner_id').where('va_bank_code', '=', bankCode).where('va_account_no', '=', accountNo).executeTakeFirst();
  return r ? Number(r.partner_id) : undefined;
}

export async function applyDeposit(ctx: Ctx, tx: Tx, n: DepositNotice): Promise<DepositOutcome> {
  const partnerId = await partnerOfAccount(tx, n.bankCode, n.accountNo);
  if (partnerId !== undefined) await lockBillingAccount(tx, partnerId);
  const noticeId = await insertNotice(tx, {
    transaction_id: n.transactionId,
    kind: 'deposit',
    partner_id: partnerId ?? null,
    bank_code: n.bankCode,
    account_no: n.accountNo,
    amount_krw: n.amountKrw,
    depositor: n.depositor,
    occurred_at: n.occurredAt,
    received_at: ctx.clock.now(),
  });
  if (noticeId === undefined) return { applied: false, reason: 'duplicate' };
  if (partnerId === undefined) {
    ctx.log.warn({ transactionId: n.transactionId, bankCode: n.bankCode, accountNo: n.accountNo, amountKrw: n.amountKrw }, 'bank deposit into an account of no partner: kept, not applied (refund by hand)');
    return { applied: true, partnerId: null, reason: 'unknown_account' };
  }
  const cancelled = await tx.selectFrom('bank_notices').select('id').where('kind', '=', 'deposit_cancel').where('cancels_id', '=', n.transactionId).limit(1).executeTakeFirst();
  if (cancelled) {
    ctx.log.info({ transactionId: n.transactionId }, 'bank deposit arrived after its cancellation: kept as cancelled, nothing paid');
    return { applied: true, partnerId, reason: 'cancelled_before' };
  }
  const allocation = await allocatePayment(ctx, tx, { partnerId, amountKrw: n.amountKrw, source: 'virtual_account', noticeId, paidAt: n.occurredAt });
  return { applied: true, partnerId, allocation };
}
