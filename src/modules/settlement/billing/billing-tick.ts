/**
 * The billing tick (job `<channel>.billing.tick`, every HANBILL_BILLING_TICK_MS; it arms its next run first, so a
 * failing run does not stop the chain, and every start re-arms it), by the injected clock:
 *  1. on or after the billing day (HANBILL_BILLING_DAY, KST) the previous month is billed if its run has not
 *     finished (before the billing day: the month before, should a run have been missed);
 *  2. bills without their tax invoice get it (issuePendingInvoices), and invoices never queued for filing are
 *     queued (fileBillInvoices);
 *  3. CMS debits due are requested through the bank (when the composition hands a requester in);
 *  4. arrears: bills past their due date → 미납, the partner suspended, the notice mailed (markArrears).
 * Each step runs even when an earlier one failed; the first failure is rethrown after the last step.
 */
import type { Ctx } from '../../../platform/context.ts';
import { enqueueJob } from '../../../platform/jobs.ts';
import { kstParts } from '../../../platform/clock.ts';
import { billingQueuesOf } from './billing-queues.ts';
import { previousPeriod } from './billing-period.ts';
import { runBilling } from './run-billing.ts';
import { fileBillInvoices, issuePendingInvoices } from './issue-bill-invoice.ts';
import { markArrears, type ArrearsResult } from './mark-arrears.ts';
import '../tables.ts';

export interface BillingTickDeps {
  /** Request the CMS debits due (bank/request-due-debits.ts), bound to the bank gateway. */
  requestDueDebits?: (() => Promise<unknown>) | undefined;
}

export interface BillingTickResult {
  period: string;
  ran: boolean;
  invoicesIssued: number;
  arrears: ArrearsResult | undefined;
}

export async function billingTick(ctx: Ctx, deps: BillingTickDeps = {}): Promise<BillingTickResult> {
  const now = ctx.clock.now();
  const prev = previousPeriod(now);
  const target = kstParts(now).day >= ctx.config.billing.day ? prev : previousPeriod(prev.from);
  const failures: unknown[] = [];
  const step = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (err) {
      ctx.log.warn({ step: what, err: String(err) }, 'billing tick step failed (retried by the next tick)');
      failures.push(err);
      return undefined;
    }
  };
  const ran = await step('run', async () => {
    const run = await ctx.db.selectFrom('billing_runs').select('finished_at').where('period', '=', target.periodDate).executeTakeFirst();
    if (run?.finished_at) return false;
    await runBilling(ctx, { period: target.period, startedBy: 'schedule', issueInvoices: false });
    return true;
  });
  const invoicesIssued = (await step('invoices', () => issuePendingInvoices(ctx))) ?? 0;
  await step('filings', () => fileBillInvoices(ctx));
  if (deps.requestDueDebits) await step('debits', deps.requestDueDebits);
  const arrears = await step('arrears', () => markArrears(ctx));
  if (failures.length > 0) throw failures[0];
  return { period: target.period, ran: ran === true, invoicesIssued, arrears };
}

/** Arm the tick chain: the run of the slot `offsetSlots` from now (deduplicated across processes and restarts); none when the period is 0. */
export async function armBillingTick(ctx: Ctx, offsetSlots = 1): Promise<void> {
  const period = ctx.config.billing.tickMs;
  if (period === 0) return; // not scheduled on this installation (HANBILL_BILLING_TICK_MS=0)
  const slot = Math.floor(Date.now() / period) + offsetSlots;
  await enqueueJob(ctx.db, billingQueuesOf(ctx).tick, { slot }, { dedupeKey: `tick:${period}:${slot}`, runAt: new Date(Math.max(Date.now(), slot * period)), maxAttempts: 1 });
}
