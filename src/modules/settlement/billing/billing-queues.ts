/**
 * Job queues of monthly billing (platform/jobs.ts), per job channel (HANBILL_CHANNEL):
 *   tick     the billing tick, every HANBILL_BILLING_TICK_MS (it arms its next run first; dedupe key per slot)
 *   notice   one arrears notice mail per bill (dedupe key arrears-notice:<bill id>), retried with backoff
 */
export interface BillingQueues {
  tick: string;
  notice: string;
}

export function billingQueuesOf(ctx: { config: { channel: string } }): BillingQueues {
  return { tick: `${ctx.config.channel}.billing.tick`, notice: `${ctx.config.channel}.billing.notice` };
}
