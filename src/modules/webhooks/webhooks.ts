/**
 * Signed webhooks as one unit for the composition root (docs/webhooks.md): the job handlers (deliver, sweep), the
 * queues of their lane, and the dispatcher loop a worker runs (`start` / `stop`).
 *
 *   a change ─► recordEvents (its transaction)                                   events/record-event.ts
 *   dispatcher loop, every HANBILL_WEBHOOK_POLL_MS (and at once after an attempt settles):
 *     fan out     ─► events past the channel's cursor → deliveries (+ cursor)   fan-out-events.ts      (one transaction)
 *     start due   ─► due deliveries, in order per object → claim + deliver job  start-due-deliveries.ts (one transaction)
 *   deliver job   ─► signed POST to the checked address ─► attempt logged;     deliver-webhook.ts
 *                    succeeded | retry with backoff | failed after 3 days; endpoint disabled + owner mailed after 3 days
 *   redeliver     ─► claim + deliver job at once                                 redeliver.ts
 *   sweep (hourly) ─► deliveries older than 30 days deleted                       sweep-webhooks.ts
 */
import type { Ctx } from '../../platform/context.ts';
import type { JobHandler } from '../../platform/jobs.ts';
import { attemptDelivery } from './deliver-webhook.ts';
import { fanOutEvents } from './fan-out-events.ts';
import { startDueDeliveries } from './start-due-deliveries.ts';
import { armWebhookSweeper, sweepWebhooks } from './sweep-webhooks.ts';
import { postWebhook, type WebhookPoster } from './webhook-http.ts';
import { webhookQueuesOf } from './webhook-queues.ts';

export interface Webhooks {
  handlers: Record<string, JobHandler>;
  /** The queues of the webhook lane (src/main.ts `lanes`): deliveries never wait behind mail or filing, nor they behind them. */
  laneQueues: string[];
  /** Arm the sweeper and run the dispatcher loop (worker role). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** One dispatcher round now: fan out new events, then start due deliveries. */
  dispatch(): Promise<{ fannedOut: number; started: number }>;
}

export function createWebhooks(ctx: Ctx, opts: { post?: WebhookPoster } = {}): Webhooks {
  const q = webhookQueuesOf(ctx);
  const post = opts.post ?? postWebhook;
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let kicked = false;
  let chain: Promise<unknown> = Promise.resolve();

  const dispatch = () => {
    const round = chain.then(async () => ({ fannedOut: await fanOutEvents(ctx), started: await startDueDeliveries(ctx) }));
    chain = round.catch(() => {});
    return round;
  };
  const kick = () => {
    kicked = true;
    wake?.();
  };

  return {
    laneQueues: [q.deliver],
    handlers: {
      [q.deliver]: async (job) => {
        const outcome = await attemptDelivery(ctx, String(job.payload['deliveryId']), String(job.payload['claim']), post);
        // a settled delivery with a later one of its object pending lets that one go: do not wait for the next poll
        // (only then: a round after every success would scan the pending deliveries once per delivery)
        if (outcome.unblocks) kick();
      },
      [q.sweep]: async () => sweepWebhooks(ctx),
    },
    dispatch,
    start: async () => {
      if (running) return;
      running = true;
      await armWebhookSweeper(ctx, 1);
      loop = (async () => {
        while (running) {
          kicked = false;
          try {
            await dispatch();
          } catch (err) {
            ctx.log.warn({ err: String((err as Error)?.message ?? err) }, 'webhook dispatcher round failed');
          }
          if (!running || kicked) continue;
          await new Promise<void>((resolve) => {
            const t = setTimeout(() => {
              wake = undefined;
              resolve();
            }, ctx.config.webhooks.pollMs);
            wake = () => {
              clearTimeout(t);
              wake = undefined;
              resolve();
            };
          });
        }
      })();
    },
    stop: async () => {
      running = false;
      wake?.();
      await loop;
      loop = undefined;
    },
  };
}
