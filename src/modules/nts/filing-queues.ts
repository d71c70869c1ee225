/** Job queues of the filing pipeline (per channel) and the retry schedule of NTS calls. */
import type { Ctx } from '../../platform/context.ts';
import { retryDelayMs } from '../../platform/jobs.ts';

export interface FilingQueues {
  /** Claims queued filings into submissions of ≤ 100. */
  dispatch: string;
  /** Signs and packs a submission (once), then transmits it until the NTS acknowledges it. */
  transmit: string;
  /** Asks the NTS for the results of an acknowledged submission. */
  poll: string;
  /** Periodic: auto-filing and stuck states. */
  sweep: string;
}

export function filingQueues(channel: string): FilingQueues {
  return { dispatch: `${channel}.dispatch`, transmit: `${channel}.transmit`, poll: `${channel}.poll`, sweep: `${channel}.sweep` };
}

export function queuesOf(ctx: Ctx): FilingQueues {
  return filingQueues(ctx.config.nts.channel);
}

/** base, 2·base, 4·base … capped at 10 minutes, ±20 % jitter: the jobs' backoff (platform/jobs.ts) from `baseMs`. */
export function backoffMs(baseMs: number, attempt: number): number {
  return retryDelayMs(Math.max(0, attempt) + 1, baseMs);
}

/**
 * Operational deadlines (next attempt, job run times) are real time, not the injected business clock:
 * the job table compares them with the database's now().
 */
export function realTimeIn(ms: number): Date {
  return new Date(Date.now() + ms);
}
