/**
 * Job queues of webhooks (platform/jobs.ts), per job channel (HANBILL_CHANNEL), and the retry schedule.
 *   deliver  one attempt of one delivery (payload: delivery id and the claim the dispatcher gave it); its own lane
 *   sweep    hourly: deliveries (and their attempts) older than the event log's 30 days are deleted
 */
export interface WebhookQueues {
  deliver: string;
  sweep: string;
}

export function webhookQueuesOf(ctx: { config: { channel: string } }): WebhookQueues {
  return { deliver: `${ctx.config.channel}.webhooks.deliver`, sweep: `${ctx.config.channel}.webhooks.sweep` };
}

const SECOND = 1000;
const HOUR = 3600 * SECOND;
/** A delivery is retried for 3 days after it was created; an endpoint failing for 3 days is disabled. */
export const RETRY_WINDOW_MS = 72 * HOUR;
export const FIRST_RETRY_MS = 30 * SECOND;
export const MAX_RETRY_MS = 8 * HOUR;

/**
 * The wait after the `failures`-th failed attempt: 30 s, 1 min, 2 min, 4 min … doubling up to 8 hours, each ±25 %
 * (jitter, so endpoints that failed together are not retried together). About 17 attempts in the 3 days.
 */
export function retryDelayMs(failures: number, random: () => number = Math.random): number {
  const base = Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1), MAX_RETRY_MS);
  return Math.round(base * (0.75 + random() * 0.5));
}
