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

/** The dedupe key of a bill's notice job: one per bill ever (done jobs are kept, so the key stays taken). */
const NOTICE_KEY_PREFIX = 'arrears-notice:';

export async function markArrears(ctx: Ctx, opts: { limit?: number } = {}): Promise<ArrearsResult> {
  const now = ctx.clock.now();
  const noticeQueue = billingQueuesOf(ctx).notice;
  // bills turning overdue, and overdue ones (made so by another writer: a deposit cancelled after the due date)
  // whose notice job was never enqueued — not those whose job exists but mailed nothing (no address, a permanent
  // failure): the key is taken for good, so revisiting them every tick would only rewrite the bill
  const bills = await ctx.db
    .selectFrom('bills')
    .select('id')
    .where('state', '<>', 'paid')
    .where('due_at', '<=', now)
    .where((eb) =>
      eb.or([
        eb('state', '=', 'due'),
        eb.and([
          eb('notice_mailed_at', 'is', null),
          eb.not(eb.exists(eb.selectFrom('jobs').select('jobs.id').where('jobs.queue', '=', noticeQueue).where('jobs.dedupe_key', '=', sql<string>`${NOTICE_KEY_PREFIX}::text || bills.id::text`))),
        ]),
      ]),
    )
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
        await enqueueJob(tx, noticeQueue, { billId: r.id }, { dedupeKey: `${NOTICE_KEY_PREFIX}${r.id}`, maxAttempts: 8 });
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
