/**
 * Transmit (job `<channel>.transmit`, payload { submissionId }): pack the submission if it is not packed yet,
 * then send the stored package under its SubmitID until the NTS acknowledges it.
 *
 *   accepted  → submission 'acked' (ReceiptID), filings 'sent', a poll job is scheduled as the fallback of the push
 *   refused   → every filing of it fails with the NTS code (a refusal is final for this package)
 *   transient → next attempt after a backoff (a new job with its own dedupe key)
 *
 * Retransmitting after a lost ack (time-out, HTTP 5xx after receipt, crash before the ack was stored) sends the
 * same SubmitID and bytes: the NTS answers the same receipt and registers nothing twice.
 */
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { enqueueJob } from '../../platform/jobs.ts';
import { backoffMs, queuesOf, realTimeIn } from './filing-queues.ts';
import { NtsTransientError, type NtsGateway } from './nts-gateway.ts';
import { packSubmission } from './pack-submission.ts';
import { failOpenFilings } from './record-results.ts';
import './tables.ts';

export interface TransmitDeps {
  gateway: NtsGateway;
  /** kec:ReplyTo for the result push. */
  replyTo: () => string;
}

function isTransient(err: unknown): boolean {
  return err instanceof NtsTransientError || !(err instanceof AppError);
}

async function scheduleRetry(ctx: Ctx, submissionId: number, attempts: number, err: unknown): Promise<void> {
  const delay = backoffMs(ctx.config.nts.retryMs, attempts - 1);
  const runAt = realTimeIn(delay);
  await inTransaction(ctx.db, async (tx) => {
    const updated = await tx
      .updateTable('nts_submissions')
      .set({ transmit_attempts: attempts, last_error: String((err as Error)?.message ?? err).slice(0, 1000), next_attempt_at: runAt, updated_at: ctx.clock.now() })
      .where('id', '=', submissionId)
      .where('state', 'in', ['packing', 'prepared'])
      .returning('id')
      .executeTakeFirst();
    if (updated) await enqueueJob(tx, queuesOf(ctx).transmit, { submissionId }, { runAt, dedupeKey: `transmit:${submissionId}:${attempts}` });
  });
  ctx.log.warn({ submissionId, attempt: attempts, retryInMs: delay, err: String((err as Error)?.message ?? err) }, 'nts transmission failed; will retry');
}

export async function transmitSubmission(ctx: Ctx, deps: TransmitDeps, submissionId: number): Promise<void> {
  let sub = await ctx.db.selectFrom('nts_submissions').selectAll().where('id', '=', submissionId).executeTakeFirst();
  if (!sub) return;
  if (sub.state === 'packing') {
    try {
      await packSubmission(ctx, deps.gateway, submissionId);
    } catch (err) {
      if (!isTransient(err)) throw err;
      return scheduleRetry(ctx, submissionId, sub.transmit_attempts + 1, err);
    }
    sub = await ctx.db.selectFrom('nts_submissions').selectAll().where('id', '=', submissionId).executeTakeFirstOrThrow();
  }
  if (sub.state !== 'prepared' || !sub.package) return;

  let outcome: Awaited<ReturnType<NtsGateway['submit']>>;
  try {
    outcome = await deps.gateway.submit({ submitId: sub.submit_id, referenceId: sub.reference_id, totalCount: sub.total_count, cms: sub.package, replyTo: deps.replyTo() });
  } catch (err) {
    if (!isTransient(err)) throw err;
    return scheduleRetry(ctx, submissionId, sub.transmit_attempts + 1, err);
  }

  const now = ctx.clock.now();
  if (outcome.kind === 'accepted') {
    const pollAt = realTimeIn(ctx.config.nts.pollMs);
    await inTransaction(ctx.db, async (tx) => {
      const acked = await tx
        .updateTable('nts_submissions')
        .set({ state: 'acked', receipt_id: outcome.receiptId, acked_at: now, next_attempt_at: pollAt, transmit_attempts: sub.transmit_attempts + 1, last_error: null, updated_at: now })
        .where('id', '=', submissionId)
        .where('state', '=', 'prepared')
        .returning('id')
        .executeTakeFirst();
      if (!acked) return; // the results came first (push) and settled it
      await tx.updateTable('nts_filings').set({ state: 'sent', sent_at: now }).where('submission_id', '=', submissionId).where('state', '=', 'packing').execute();
      await enqueueJob(tx, queuesOf(ctx).poll, { submissionId }, { runAt: pollAt, dedupeKey: `poll:${submissionId}:${sub.poll_attempts}:${sub.transmit_attempts}` });
    });
    ctx.log.info({ submitId: sub.submit_id, receiptId: outcome.receiptId, invoices: sub.total_count }, 'nts submission acknowledged');
    return;
  }

  await failOpenFilings(ctx, submissionId, outcome.code, outcome.detail);
  ctx.log.warn({ submitId: sub.submit_id, code: outcome.code, detail: outcome.detail }, 'nts refused the submission');
}
