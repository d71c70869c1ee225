/**
 * The filing sweeper (job `<channel>.sweep`, every HANBILL_NTS_SWEEP_MS; it schedules its own next run first,
 * so one failing run does not stop the chain, and every start re-arms it):
 *
 *  1. auto-filing: documents issued before today (KST) and still not filed are queued (trigger 'auto'),
 *     unless their subscription turned auto_file_nts off — the law wants them at the NTS by the day after
 *     issuance (NTS.md §3.2). Without a usable certificate they fail at packing with HBL001;
 *  2. every intermediate state has a deadline: submissions whose next attempt is overdue (a lost job, a
 *     worker that died mid-flight) get a new transmit or poll job; queued filings nobody dispatched get a
 *     dispatch job.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { enqueueJob } from '../../platform/jobs.ts';
import { kstDate, toSqlDate } from '../../platform/clock.ts';
import { queueDocumentFilings } from './request-filing.ts';
import { queuesOf } from './filing-queues.ts';
import './tables.ts';

const AUTO_FILE_BATCH = 1000;

/** 00:00 KST of the day of `at`. */
export function startOfKstDay(at: Date): Date {
  return new Date(`${toSqlDate(kstDate(at))}T00:00:00+09:00`);
}

/** Queue issued documents not filed by the day after issuance. Returns how many were queued. */
export async function autoFileDue(ctx: Ctx, opts: { subscriptionIds?: number[] } = {}): Promise<number> {
  const cutoff = startOfKstDay(ctx.clock.now());
  let total = 0;
  for (;;) {
    const n = await inTransaction(ctx.db, async (tx) => {
      let q = tx
        .selectFrom('documents as d')
        .innerJoin('subscriptions as s', 's.id', 'd.subscription_id')
        .selectAll('d')
        .where('d.nts_state', '=', '0')
        .where('d.nts_issue_id', 'is not', null)
        .where('d.doc_state', '<>', 'D')
        .where('d.proc_state', 'not in', ['T', 'C']) // drafts, and documents cancelled before filing (발행취소)
        .where('d.issued_at', '<', cutoff)
        .where('s.auto_file_nts', '=', true)
        .orderBy('d.id')
        .limit(AUTO_FILE_BATCH)
        .forUpdate('d')
        .skipLocked();
      if (opts.subscriptionIds) q = q.where('d.subscription_id', 'in', opts.subscriptionIds);
      const rows = await q.execute();
      if (rows.length === 0) return 0;
      const queued = await queueDocumentFilings(tx, ctx, rows, 'auto');
      return queued.size === 0 ? -1 : queued.size;
    });
    if (n <= 0) break;
    total += n;
  }
  if (total > 0) ctx.log.info({ queued: total }, 'nts auto-filing: issued documents not filed by the next day were queued');
  return total;
}

/** Re-arm overdue submissions and forgotten queued filings. */
export async function rescueStuckFilings(ctx: Ctx): Promise<{ transmit: number; poll: number; dispatch: boolean }> {
  const queues = queuesOf(ctx);
  const graceMs = ctx.config.nts.sweepMs;
  const overdue = new Date(Date.now() - graceMs);
  const slot = Math.floor(Date.now() / graceMs);
  const stuck = await ctx.db
    .selectFrom('nts_submissions')
    .select(['id', 'state'])
    .where('channel', '=', ctx.config.nts.channel)
    .where('state', 'in', ['packing', 'prepared', 'acked'])
    .where('next_attempt_at', '<', overdue)
    .orderBy('id')
    .limit(500)
    .execute();
  let transmit = 0;
  let poll = 0;
  for (const s of stuck) {
    if (s.state === 'acked') {
      await enqueueJob(ctx.db, queues.poll, { submissionId: s.id }, { dedupeKey: `poll:${s.id}:sweep:${slot}` });
      poll++;
    } else {
      await enqueueJob(ctx.db, queues.transmit, { submissionId: s.id }, { dedupeKey: `transmit:${s.id}:sweep:${slot}` });
      transmit++;
    }
  }
  const forgotten = await ctx.db
    .selectFrom('nts_filings')
    .select(sql<number>`count(*)`.as('n'))
    .where('channel', '=', ctx.config.nts.channel)
    .where('state', '=', sql.lit('queued'))
    .where('requested_at', '<', new Date(ctx.clock.now().getTime() - graceMs))
    .executeTakeFirstOrThrow();
  const dispatch = Number(forgotten.n) > 0;
  if (dispatch) await enqueueJob(ctx.db, queues.dispatch, { reason: 'sweep' });
  if (stuck.length > 0) ctx.log.warn({ transmit, poll }, 'nts sweeper re-armed overdue submissions');
  return { transmit, poll, dispatch };
}

/** Arm the sweep chain: the run of the current slot (deduplicated across processes and restarts). */
export async function armSweeper(ctx: Ctx, offsetSlots = 0): Promise<void> {
  const period = ctx.config.nts.sweepMs;
  const slot = Math.floor(Date.now() / period) + offsetSlots;
  await enqueueJob(ctx.db, queuesOf(ctx).sweep, { slot }, { dedupeKey: `sweep:${period}:${slot}`, runAt: new Date(Math.max(Date.now(), slot * period)), maxAttempts: 1 });
}

export async function sweepFilings(ctx: Ctx): Promise<void> {
  await armSweeper(ctx, 1);
  if (ctx.config.nts.autoFile) await autoFileDue(ctx);
  await rescueStuckFilings(ctx);
}
