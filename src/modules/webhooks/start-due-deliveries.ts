/**
 * Start due deliveries: pending ones whose next attempt has come (business time, ctx.clock), of this channel's
 * enabled endpoints, not already claimed by a job, and — the order per object — with no pending delivery of the
 * same endpoint and object that has a smaller event id. Each is claimed (a random token, for 15 minutes of real
 * time) and gets a deliver job in the same transaction; the job attempts it only while it holds that claim, so a
 * delivery whose claim ran out (a lost job) is claimed and attempted again, never twice at once.
 *
 * At most MAX_IN_FLIGHT deliveries of a channel are claimed at a time: a backlog (an endpoint back after a day down,
 * a 10,000-document batch) is handed to the deliver lane as it drains, so no claim runs out while its job waits.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { enqueueJobs } from '../../platform/jobs.ts';
import { webhookQueuesOf } from './webhook-queues.ts';
import './webhook-tables.ts';

export const START_BATCH = 500;
/** How long a claim holds (real time): a deliver job waiting in a long queue still runs within it. */
export const CLAIM_SECONDS = 15 * 60;
/** Claimed and not yet attempted, per channel: ≈ 10 s of deliveries at the lane's pace, far inside CLAIM_SECONDS. */
export const MAX_IN_FLIGHT = 2000;

/** The deliveries that may be claimed now (`d`, joined with their endpoint `w`): due, enabled, unclaimed, first of their object. */
const dueDeliveries = (ctx: Ctx) => sql`
  SELECT d.seq
    FROM webhook_deliveries d
    JOIN webhook_endpoints w ON w.id = d.endpoint_id
   WHERE d.state = 'pending' AND d.next_attempt_at <= ${ctx.clock.now()}::timestamptz
     AND w.channel = ${ctx.config.channel} AND w.state = 'enabled'
     AND (d.claimed_until IS NULL OR d.claimed_until < now())
     AND NOT EXISTS (SELECT 1 FROM webhook_deliveries o
                      WHERE o.endpoint_id = d.endpoint_id AND o.object_key = d.object_key
                        AND o.state = 'pending' AND o.event_id < d.event_id)`;

export async function startDueDeliveries(ctx: Ctx, opts: { batch?: number; maxInFlight?: number } = {}): Promise<number> {
  const queue = webhookQueuesOf(ctx).deliver;
  // one statement, no transaction, when nothing is due (most rounds of the dispatcher loop: it runs every
  // HANBILL_WEBHOOK_POLL_MS on every worker, whatever the traffic)
  const look = await sql<{ n: string; due: boolean }>`
    SELECT (SELECT count(*) FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id
             WHERE d.state = 'pending' AND d.claimed_until > now() AND w.channel = ${ctx.config.channel}) AS n,
           EXISTS (${dueDeliveries(ctx)}) AS due`.execute(ctx.db);
  if (look.rows[0]?.due !== true) return 0;
  let room = (opts.maxInFlight ?? MAX_IN_FLIGHT) - Number(look.rows[0].n);
  let started = 0;
  while (room > 0) {
    const batch = Math.min(opts.batch ?? START_BATCH, room);
    const n = await inTransaction(ctx.db, async (tx) => {
      const claimed = await sql<{ id: string; claim: string }>`
        WITH due AS (
          ${dueDeliveries(ctx)}
           ORDER BY d.next_attempt_at, d.seq
           LIMIT ${batch}
           FOR UPDATE OF d SKIP LOCKED)
        UPDATE webhook_deliveries SET claim = replace(gen_random_uuid()::text, '-', ''), claimed_until = now() + make_interval(secs => ${CLAIM_SECONDS})
          FROM due WHERE webhook_deliveries.seq = due.seq
        RETURNING webhook_deliveries.id, webhook_deliveries.claim`.execute(tx);
      await enqueueJobs(tx, claimed.rows.map((r) => ({ queue, payload: { deliveryId: r.id, claim: r.claim }, opts: { maxAttempts: 3 } })));
      return claimed.rows.length;
    });
    started += n;
    room -= n;
    if (n < batch) break;
  }
  return started;
}
