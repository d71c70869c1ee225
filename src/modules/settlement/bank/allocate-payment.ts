/**
 * Money received for a partner (a deposit into its virtual account, a CMS debit) applied to its bills — the
 * matching rule of docs/settlement.md "Bank":
 *
 *   - the bills not paid, `first` (the debited bill) then **oldest period first**; each gets one bill_payments row
 *     of at most its remainder (total − paid): exact → paid, partial → stays due/overdue with the remainder;
 *   - what is left is **credit**: billing_accounts.credit_krw += left and a billing_credit_entries row (reason
 *     overpayment, the notice) — spent on the next bills by the billing run;
 *   - then refreshBill for each touched bill and liftArrearsIfCleared for the partner (bill-state.ts).
 *
 * Inside the notice's transaction, with the partner's billing account locked (record-bank-notice.ts).
 */
import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/transaction.ts';
import { liftArrearsIfCleared, refreshBill } from '../billing/bill-state.ts';
import '../tables.ts';

export interface Allocation {
  /** bill id → amount applied */
  bills: { billId: number; amountKrw: number; state: string }[];
  creditKrw: number;
  restored: boolean;
}

export async function allocatePayment(
  ctx: Ctx,
  tx: Tx,
  input: { partnerId: number; amountKrw: number; source: 'virtual_account' | 'cms'; noticeId: number; paidAt: Date; firstBillId?: number | undefined },
): Promise<Allocation> {
  const now = ctx.clock.now();
  const open = await tx
    .selectFrom('bills')
    .select(['id', 'total_krw', 'period'])
    .where('partner_id', '=', input.partnerId)
    .where('state', '<>', 'paid')
    .orderBy('period')
    .orderBy('id')
    .forUpdate()
    .execute();
  if (input.firstBillId !== undefined) open.sort((a, b) => Number(Number(b.id) === input.firstBillId) - Number(Number(a.id) === input.firstBillId));
  let left = input.amountKrw;
  const touched: { billId: number; amountKrw: number }[] = [];
  for (const bill of open) {
    if (left <= 0) break;
    const paid = await paidOf(tx, Number(bill.id));
    const remainder = Number(bill.total_krw) - paid;
    if (remainder <= 0) continue;
    const amount = Math.min(left, remainder);
    await tx.insertInto('bill_payments').values({ bill_id: Number(bill.id), partner_id: input.partnerId, source: input.source, notice_id: input.noticeId, amount_krw: amount, paid_at: input.paidAt }).execute();
    touched.push({ billId: Number(bill.id), amountKrw: amount });
    left -= amount;
  }
  if (left > 0) {
    await tx.updateTable('billing_accounts').set({ credit_krw: sql`credit_krw + ${left}`, updated_at: now }).where('partner_id', '=', input.partnerId).execute();
    await tx.insertInto('billing_credit_entries').values({ partner_id: input.partnerId, amount_krw: left, reason: 'overpayment', notice_id: input.noticeId, bill_id: null, created_at: now }).execute();
  }
  const bills = [];
  for (const t of touched) {
    const r = await refreshBill(ctx, tx, t.billId);
    bills.push({ ...t, state: r.state });
  }
  const restored = await liftArrearsIfCleared(ctx, tx, input.partnerId);
  return { bills, creditKrw: Math.max(0, left), restored };
}

/** Σ of a bill's payments not reversed. */
export async function paidOf(tx: Tx, billId: number): Promise<number> {
  const r = await tx.selectFrom('bill_payments').select(sql<string>`coalesce(sum(amount_krw), 0)`.as('paid')).where('bill_id', '=', billId).where('reversed_at', 'is', null).executeTakeFirstOrThrow();
  return Number(r.paid);
}
