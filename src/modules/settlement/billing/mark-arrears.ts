/**
 * Arrears (docs/settlement.md "Arrears"): bills not paid whose due date has passed (due_at ≤ the clock's now).
 * Per bill, in one transaction: refreshBill (→ 'overdue'); on the bill's turn to overdue the partner is suspended
 * for arrears (suspendForArrears: an active partner only, audited); and, while its notice has not been mailed,
 * the arrears notice job is enqueued (one per bill ever: dedupe key arrears-notice:<bill id>). A partner an
 * operator restored by hand is not suspended again by the same overdue bill: only a bill turning overdue suspends.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { enqueueJob } from '../../../platform/jobs.ts';
import { refreshBill, suspendForArrears } from './bill-state.ts';
import { billingQueuesOf } from './billing-queues.ts';
import '../tables.ts';

export interface ArrearsResult {
  /** bills that turned overdue now */
  overdue: number;
  /** partners suspended now */
  suspended: number;
  /** notice jobs enqueued (deduplicated per bill) */
  notices: number;
}

export async function markArrears(ctx: Ctx, opts: { limit?: number } = {}): Promise<ArrearsResult> {
  const now = ctx.clock.now();
  const bills = await ctx.db
    .selectFrom('bills')
    .select('id')
    .where('state', '<>', 'paid')
    .where('due_at', '<=', now)
    .where((eb) => eb.or([eb('state', '=', 'due'), eb('notice_mailed_at', 'is', null)]))
    .orderBy('due_at')
    .limit(opts.limit ?? 500)
    .execute();
  const out: ArrearsResult = { overdue: 0, suspended: 0, notices: 0 };
  for (const b of bills) {
    await inTransaction(ctx.db, async (tx) => {
      const r = await refreshBill(ctx, tx, Number(b.id));
      if (r.state !== 'overdue') return;
      if (r.previous !== 'overdue') {
        out.overdue++;
        const open = await tx.selectFrom('bills').select('order_no').where('partner_id', '=', r.partnerId).where('state', '=', 'overdue').orderBy('order_no').execute();
        if (await suspendForArrears(ctx, tx, r.partnerId, open.map((o) => o.order_no))) out.suspended++;
      }
      const bill = await tx.selectFrom('bills').select(['notice_mailed_at']).where('id', '=', r.id).executeTakeFirstOrThrow();
      if (bill.notice_mailed_at === null) {
        await enqueueJob(tx, billingQueuesOf(ctx).notice, { billId: r.id }, { dedupeKey: `arrears-notice:${r.id}`, maxAttempts: 8 });
        out.notices++;
      }
    });
  }
  if (out.overdue > 0) ctx.log.warn({ ...out, at: now.toISOString() }, 'bills past their due date marked 미납 (overdue)');
  return out;
}

/** Remaining (total − paid) of a partner's overdue bills. */
export async function arrearsOf(ctx: Ctx, partnerId: number) {
  return ctx.db
    .selectFrom('bills')
    .select(['id', 'order_no', 'total_krw', 'paid_krw', 'due_at', sql<string>`to_char(period, 'YYYY-MM')`.as('period')])
    .where('partner_id', '=', partnerId)
    .where('state', '=', 'overdue')
    .orderBy('period')
    .execute();
}
