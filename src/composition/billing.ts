/**
 * Monthly billing as one unit for the composition root (docs/settlement.md "Monthly billing"): the job handlers
 * (the billing tick, the arrears notice mail), `start()` (arms the tick) and `tick()` (run now: POST /dev/clock).
 * The tick requests due CMS debits through the bank gateway when one is handed in.
 */
import type { Ctx } from '../platform/context.ts';
import type { JobHandler } from '../platform/jobs.ts';
import type { MailTransport } from '../modules/mail/mail-transport.ts';
import { billingQueuesOf } from '../modules/settlement/billing/billing-queues.ts';
import { armBillingTick, billingTick, type BillingTickDeps, type BillingTickResult } from '../modules/settlement/billing/billing-tick.ts';
import { sendArrearsNoticeHandler } from '../modules/settlement/billing/send-arrears-notice.ts';

export interface BillingSystem {
  handlers: Record<string, JobHandler>;
  start(): Promise<void>;
  tick(): Promise<BillingTickResult>;
}

export function createBilling(ctx: Ctx, opts: { transport: MailTransport } & BillingTickDeps): BillingSystem {
  const deps: BillingTickDeps = { requestDueDebits: opts.requestDueDebits };
  const queues = billingQueuesOf(ctx);
  return {
    handlers: {
      [queues.tick]: async () => {
        await armBillingTick(ctx, 1);
        await billingTick(ctx, deps);
      },
      [queues.notice]: sendArrearsNoticeHandler(ctx, opts.transport),
    },
    start: () => armBillingTick(ctx, 1),
    tick: () => billingTick(ctx, deps),
  };
}
