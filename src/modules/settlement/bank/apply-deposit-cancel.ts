/**
 * A deposit cancellation notice (입금 취소, e.g. the bank's deposit error): the deposit's money is taken back.
 *
 *   - its bill_payments rows are marked reversed (reversed_at; never deleted);
 *   - the credit it made (its overpayment entries) is taken back from the credit balance first; what of that credit
 *     was already spent on later bills (bill_payments source credit) is reversed for the rest, **newest first** —
 *     a credit payment larger than the rest is reversed whole and a new credit payment of the part kept is written;
 *   - refreshBill for each touched bill; a bill that is overdue again suspends the partner (suspendForArrears).
 *
 * A cancellation that arrives before its deposit is kept; the deposit, when it arrives, is kept as cancelled and
 * pays nothing (apply-deposit.ts). A second cancellation of the same deposit changes nothing.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/transaction.ts';
import { refreshBill, suspendForArrears } from '../billing/bill-state.ts';
import { partnerOfAccount } from './apply-deposit.ts';
import type { DepositCancelNotice } from './bank-notice.ts';
import { insertNotice, lockBillingAccount } from './record-bank-notice.ts';

export type DepositCancelOutcome =
  | { applied: false; reason: 'duplicate' }
  | { applied: true; reason: 'deposit_not_yet' | 'unknown_account' | 'already_cancelled' }
  | { applied: true; reason: 'reversed'; partnerId: number; reversedKrw: number; creditTakenKrw: number; suspended: boolean };

export async function applyDepositCancel(ctx: Ctx, tx: Tx, n: DepositCancelNotice): Promise<DepositCancelOutcome> {
  const now = ctx.clock.now();
  const deposit = await tx.selectFrom('bank_notices').select(['id', 'partner_id']).where('transaction_id', '=', n.cancelsTransactionId).where('kind', '=', 'deposit').executeTakeFirst();
  const partnerId = deposit ? (deposit.partner_id === null ? undefined : Number(deposit.partner_id)) : await partnerOfAccount(tx, n.bankCode, n.accountNo);
  if (partnerId !== undefined) await lockBillingAccount(tx, partnerId);
  const noticeId = await insertNotice(tx, {
    transaction_id: n.transactionId,
    kind: 'deposit_cancel',
    partner_id: partnerId ?? null,
    bank_code: n.bankCode,
    account_no: n.accountNo,
    amount_krw: n.amountKrw,
    occurred_at: n.occurredAt,
    cancels_id: n.cancelsTransactionId,
    received_at: now,
  });
  if (noticeId === undefined) return { applied: false, reason: 'duplicate' };
  if (!deposit) {
    ctx.log.warn({ transactionId: n.transactionId, cancels: n.cancelsTransactionId }, 'bank deposit cancellation before its deposit: kept; the deposit will pay nothing');
    return { applied: true, reason: 'deposit_not_yet' };
  }
  if (partnerId === undefined) return { applied: true, reason: 'unknown_account' };
  const earlier = await tx.selectFrom('bank_notices').select('id').where('kind', '=', 'deposit_cancel').where('cancels_id', '=', n.cancelsTransactionId).where('id', '<>', noticeId).limit(1).executeTakeFirst();
  if (earlier) return { applied: true, reason: 'already_cancelled' };

  const touched = new Set<number>();
  const reversed = await tx.updateTable('bill_payments').set({ reversed_at: now }).where('notice_id', '=', Number(deposit.id)).where('reversed_at', 'is', null).returning(['bill_id', 'amount_krw']).execute();
  let reversedKrw = 0;
  for (const r of reversed) {
    touched.add(Number(r.bill_id));
    reversedKrw += Number(r.amount_krw);
  }

  // the credit this deposit made: from the balance first, then off the bills it was spent on, newest first
  const made = await tx
    .selectFrom('billing_credit_entries')
    .select(sql<string>`coalesce(sum(amount_krw), 0)`.as('sum'))
    .where('notice_id', '=', Number(deposit.id))
    .where('reason', '=', 'overpayment')
    .executeTakeFirstOrThrow();
  const credit = Number(made.sum);
  let creditTakenKrw = 0;
  if (credit > 0) {
    const account = await lockBillingAccount(tx, partnerId);
    const fromBalance = Math.min(account?.credit ?? 0, credit);
    if (fromBalance > 0) {
      await tx.updateTable('billing_accounts').set({ credit_krw: sql`credit_krw - ${fromBalance}`, updated_at: now }).where('partner_id', '=', partnerId).execute();
      await tx.insertInto('billing_credit_entries').values({ partner_id: partnerId, amount_krw: -fromBalance, reason: 'reversed', notice_id: noticeId, bill_id: null, created_at: now }).execute();
    }
    let rest = credit - fromBalance;
    creditTakenKrw = fromBalance;
    if (rest > 0) {
      const spent = await tx
        .selectFrom('bill_payments')
        .select(['id', 'bill_id', 'amount_krw', 'paid_at'])
        .where('partner_id', '=', partnerId)
        .where('source', '=', 'credit')
        .where('reversed_at', 'is', null)
        .orderBy('id', 'desc')
        .execute();
      for (const p of spent) {
        if (rest <= 0) break;
        const amount = Number(p.amount_krw);
        const take = Math.min(amount, rest);
        await tx.updateTable('bill_payments').set({ reversed_at: now }).where('id', '=', Number(p.id)).execute();
        if (take < amount) await tx.insertInto('bill_payments').values({ bill_id: Number(p.bill_id), partner_id: partnerId, source: 'credit', notice_id: null, amount_krw: amount - take, paid_at: p.paid_at }).execute();
        touched.add(Number(p.bill_id));
        rest -= take;
        creditTakenKrw += take;
      }
      if (rest > 0) ctx.log.warn({ transactionId: n.transactionId, partnerId, rest }, 'bank deposit cancellation: credit to take back not found');
    }
  }

  const overdue: string[] = [];
  for (const billId of [...touched].sort((a, b) => a - b)) {
    const r = await refreshBill(ctx, tx, billId);
    if (r.state === 'overdue') overdue.push(billId.toString());
  }
  let suspended = false;
  if (overdue.length) {
    const orderNos = await tx.selectFrom('bills').select('order_no').where('partner_id', '=', partnerId).where('state', '=', 'overdue').orderBy('period').execute();
    suspended = await suspendForArrears(ctx, tx, partnerId, orderNos.map((o) => o.order_no));
  }
  return { applied: true, reason: 'reversed', partnerId, reversedKrw, creditTakenKrw, suspended };
}
