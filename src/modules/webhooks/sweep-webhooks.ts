/**
 * The retention sweep (job `<channel>.webhooks.sweep`, hourly; it arms its next run first, like the NTS sweeper,
 * so one failing run does not stop the chain, and every start re-arms it): deliveries of this channel's endpoints
 * created more than 30 days ago (the event log's retention, events/event-catalogue.ts) are deleted with their
 * attempts, in batches.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { enqueueJob } from '../../platform/jobs.ts';
import { EVENT_RETENTION_DAYS } from '../events/event-catalogue.ts';
import { webhookQueuesOf } from './webhook-queues.ts';
import './webhook-tables.ts';

export const SWEEP_PERIOD_MS = 60 * 60 * 1000;
const DELETE_BATCH = 5000;

export async function armWebhookSweeper(ctx: Ctx, offsetSlots = 0): Promise<void> {
  const slot = Math.floor(Date.now() / SWEEP_PERIOD_MS) + offsetSlots;
  await enqueueJob(ctx.db, webhookQueuesOf(ctx).sweep, { slot }, { dedupeKey: `webhooks-sweep:${slot}`, runAt: new Date(Math.max(Date.now(), slot * SWEEP_PERIOD_MS)), maxAttempts: 1 });
}

/** Delete deliveries older than the retention. Returns how many. */
export async function deleteExpiredDeliveries(ctx: Ctx): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - EVENT_RETENTION_DAYS * 86_400_000);
  let total = 0;
  for (;;) {
    const r = await sql<{ n: string }>`
      WITH gone AS (
        DELETE FROM webhook_deliveries WHERE seq IN (
          SELECT d.seq FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id
           WHERE d.created_at < ${cutoff}::timestamptz AND w.channel = ${ctx.config.channel}
           LIMIT ${DELETE_BATCH})
        RETURNING 1)
      SELECT count(*) AS n FROM gone`.execute(ctx.db);
    const n = Number(r.rows[0]?.n ?? 0);
    total += n;
    if (n < DELETE_BATCH) break;
  }
  if (total > 0) ctx.log.info({ deleted: total }, 'webhook deliveries past the retention deleted');
  return total;
}

export async function sweepWebhooks(ctx: Ctx): Promise<void> {
  await armWebhookSweeper(ctx, 1);
  await deleteExpiredDeliveries(ctx);
}
