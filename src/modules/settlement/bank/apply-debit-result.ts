/**
 * A CMS debit result notice (추심 결과): the cms_debits row (requestId "debit:<id>") → succeeded: the money is
 * applied like a deposit (its bill first, then oldest first, the rest as credit; bill_payments source cms) — or
 * failed: the bank's result code is kept and the bill stays unpaid (the arrears sweep makes it overdue at its due
 * time). A result for a debit that already has one, or for a requestId we do not know, is kept and changes nothing.
 */
import type { Ctx } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/transaction.ts';
import { allocatePayment, type Allocation } from './allocate-payment.ts';
import { DEBIT_RESULT_OK, type DebitResultNotice } from './bank-notice.ts';
import { insertNotice, lockBillingAccount } from './record-bank-notice.ts';

export type DebitResultOutcome =
  | { applied: false; reason: 'duplicate' }
  | { applied: true; reason: 'unknown_debit' | 'already_settled' }
  | { applied: true; reason: 'failed'; debitId: number; resultCode: string }
  | { applied: true; reason: 'succeeded'; debitId: number; allocation: Allocation };

export function debitIdOf(requestId: string): number | undefined {
  const m = /^debit:([1-9]\d{0,15})$/.exec(requestId);
  return m ? Number(m[1]) : undefined;
}

export async function applyDebitResult(ctx: Ctx, tx: Tx, n: DebitResultNotice): Promise<DebitResultOutcome> {
  const now = ctx.clock.now();
  const debitId = debitIdOf(n.requestId);
  const found = debitId === undefined ? undefined : await tx.selectFrom('cms_debits').select(['id', 'partner_id']).where('id', '=', debitId).executeTakeFirst();
  const partnerId = found ? Number(found.partner_id) : undefined;
  if (partnerId !== undefined) await lockBillingAccount(tx, partnerId);
  const noticeId = await insertNotice(tx, {
    transaction_id: n.transactionId,
    kind: 'debit_result',
    partner_id: partnerId ?? null,
    amount_krw: n.amountKrw,
    occurred_at: n.occurredAt,
    debit_id: found ? Number(found.id) : null,
    result_code: n.resultCode,
    received_at: now,
  });
  if (noticeId === undefined) return { applied: false, reason: 'duplicate' };
  if (!found || partnerId === undefined) {
    ctx.log.warn({ transactionId: n.transactionId, requestId: n.requestId }, 'bank debit result for a debit we do not know: kept, not applied');
    return { applied: true, reason: 'unknown_debit' };
  }
  const debit = await tx.selectFrom('cms_debits').select(['id', 'bill_id', 'amount_krw', 'state']).where('id', '=', Number(found.id)).forUpdate().executeTakeFirstOrThrow();
  if (debit.state !== 'requested') return { applied: true, reason: 'already_settled' };
  if (n.resultCode !== DEBIT_RESULT_OK) {
    await tx.updateTable('cms_debits').set({ state: 'failed', result_code: n.resultCode, result_at: now }).where('id', '=', Number(debit.id)).execute();
    ctx.log.info({ debitId: Number(debit.id), resultCode: n.resultCode, resultMessage: n.resultMessage }, 'CMS debit failed');
    return { applied: true, reason: 'failed', debitId: Number(debit.id), resultCode: n.resultCode };
  }
  await tx.updateTable('cms_debits').set({ state: 'succeeded', result_code: n.resultCode, result_at: now }).where('id', '=', Number(debit.id)).execute();
  const amount = n.amountKrw > 0 ? n.amountKrw : Number(debit.amount_krw);
  const allocation = await allocatePayment(ctx, tx, { partnerId, amountKrw: amount, source: 'cms', noticeId, paidAt: n.occurredAt, firstBillId: Number(debit.bill_id) });
  return { applied: true, reason: 'succeeded', debitId: Number(debit.id), allocation };
}
