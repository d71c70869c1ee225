/**
 * The `poll` job of a batch (the fallback when reports are not pushed): ask the carrier for the results of the
 * batch's attempts still `sent`, store the reported ones with the shared recorder, and send again the ones the
 * carrier does not know (a send whose answer was lost before the carrier stored it; same ids, so no double
 * send). While attempts remain out, the next poll is scheduled (the period doubles, at most 10 minutes); the
 * 48-hour rule ends them.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import { enqueueJob } from '../../../platform/jobs.ts';
import { batchJobPayload, messageQueuesOf } from '../sending/message-queues.ts';
import '../sending/tables.ts';
import type { CarrierGateway } from './carrier-gateway.ts';
import { recordResults } from './record-results.ts';

const CHUNK = 1000;

export async function pollBatch(ctx: Ctx, gateway: CarrierGateway, batchId: number, acceptedAt: Date, round: number): Promise<{ reported: number; pending: number; resent: number }> {
  let reported = 0;
  let pending = 0;
  let resent = 0;
  let after = 0;
  for (;;) {
    const rows = await ctx.db
      .selectFrom('message_attempts')
      .select('id')
      .where('batch_id', '=', batchId)
      .where('accepted_at', '=', acceptedAt)
      .where('state', '=', sql.lit('sent'))
      .where('id', '>', after)
      .orderBy('id')
      .limit(CHUNK)
      .execute();
    if (rows.length === 0) break;
    after = Number(rows[rows.length - 1]!.id);
    const lookups = await gateway.fetchReports(rows.map((r) => String(r.id)));
    const results = lookups.flatMap((l) => (l.status === 'reported' ? [{ attemptId: Number(l.messageId), delivered: l.report.delivered, code: l.report.code, message: l.report.message }] : []));
    if (results.length > 0) reported += (await recordResults(ctx, results, 'report')).applied;
    pending += lookups.filter((l) => l.status === 'pending').length;
    const unknown = lookups.filter((l) => l.status === 'unknown').map((l) => Number(l.messageId));
    if (unknown.length > 0) {
      const back = await ctx.db.updateTable('message_attempts').set({ state: 'queued' }).where('id', 'in', unknown).where('accepted_at', '=', acceptedAt).where('state', '=', sql.lit('sent')).returning('id').execute();
      resent += back.length;
    }
  }
  if (resent > 0) {
    ctx.log.warn({ batchId, resent }, 'carrier does not know sent messages: sending them again');
    await enqueueJob(ctx.db, messageQueuesOf(ctx).dispatch, { ...batchJobPayload(batchId, acceptedAt), reason: 'poll' });
  }
  if (pending > 0) {
    const delay = Math.min(ctx.config.carrier.pollMs * 2 ** Math.min(round + 1, 20), 10 * 60_000);
    await enqueueJob(ctx.db, messageQueuesOf(ctx).poll, { ...batchJobPayload(batchId, acceptedAt), round: round + 1 }, { dedupeKey: `poll:${batchId}:r${round + 1}:${Math.floor(Date.now() / 1000)}`, runAt: new Date(Date.now() + delay) });
  }
  return { reported, pending, resent };
}
