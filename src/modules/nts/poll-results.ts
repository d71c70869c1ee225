/**
 * Poll (job `<channel>.poll`, payload { submissionId }): the fallback when no result push arrived. Asks the
 * NTS for the results of an acknowledged submission and stores them; "still processing" and transient
 * failures schedule the next poll (backoff from HANBILL_NTS_POLL_MS). If the NTS does not know the SubmitID
 * any more, the submission goes back to 'prepared' and is transmitted again (same SubmitID and bytes).
 */
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { enqueueJob } from '../../platform/jobs.ts';
import { backoffMs, queuesOf, realTimeIn } from './filing-queues.ts';
import { NtsTransientError, type NtsGateway } from './nts-gateway.ts';
import { failOpenFilings, recordResults } from './record-results.ts';
import './tables.ts';

async function schedulePoll(ctx: Ctx, submissionId: number, attempts: number, why: string): Promise<void> {
  const runAt = realTimeIn(backoffMs(ctx.config.nts.pollMs, attempts));
  await inTransaction(ctx.db, async (tx) => {
    const updated = await tx
      .updateTable('nts_submissions')
      .set({ poll_attempts: attempts, next_attempt_at: runAt, last_error: why.slice(0, 1000), updated_at: ctx.clock.now() })
      .where('id', '=', submissionId)
      .where('state', '=', 'acked')
      .returning('id')
      .executeTakeFirst();
    if (updated) await enqueueJob(tx, queuesOf(ctx).poll, { submissionId }, { runAt, dedupeKey: `poll:${submissionId}:${attempts}` });
  });
}

export async function pollSubmission(ctx: Ctx, gateway: NtsGateway, submissionId: number): Promise<void> {
  const sub = await ctx.db.selectFrom('nts_submissions').select(['id', 'state', 'submit_id', 'poll_attempts', 'transmit_attempts']).where('id', '=', submissionId).executeTakeFirst();
  if (!sub || sub.state !== 'acked') return;
  const attempts = sub.poll_attempts + 1;
  let outcome: Awaited<ReturnType<NtsGateway['requestResults']>>;
  try {
    outcome = await gateway.requestResults(sub.submit_id);
  } catch (err) {
    if (!(err instanceof NtsTransientError) && err instanceof AppError) throw err;
    return schedulePoll(ctx, submissionId, attempts, String((err as Error)?.message ?? err));
  }
  switch (outcome.kind) {
    case 'processing':
      return schedulePoll(ctx, submissionId, attempts, 'results not ready');
    case 'done': {
      const r = await recordResults(ctx, sub.submit_id, outcome.results, { failRemainingWith: 'HBL003' });
      ctx.log.info({ submitId: sub.submit_id, changed: r.changed, via: 'poll' }, 'nts results stored');
      return;
    }
    case 'refused':
      await failOpenFilings(ctx, submissionId, outcome.code, outcome.detail);
      return;
    case 'unknown':
      await inTransaction(ctx.db, async (tx) => {
        const back = await tx
          .updateTable('nts_submissions')
          .set({ state: 'prepared', poll_attempts: attempts, next_attempt_at: new Date(), last_error: 'NTS does not know the SubmitID: transmitting again', updated_at: ctx.clock.now() })
          .where('id', '=', submissionId)
          .where('state', '=', 'acked')
          .returning('id')
          .executeTakeFirst();
        if (back) await enqueueJob(tx, queuesOf(ctx).transmit, { submissionId }, { dedupeKey: `transmit:${submissionId}:resend:${attempts}` });
      });
      ctx.log.warn({ submitId: sub.submit_id }, 'nts does not know the submission; transmitting it again');
      return;
  }
}
