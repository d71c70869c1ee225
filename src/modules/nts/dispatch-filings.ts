/**
 * Dispatch (job `<channel>.dispatch`): claim queued filings, at most 100 at a time, into a new submission
 * (state packing, a fresh SubmitID) and enqueue its transmit job — all in one transaction, with
 * `FOR UPDATE SKIP LOCKED`, so concurrent dispatchers never claim the same filing and a crash leaves either
 * nothing or a complete submission with its job.
 */
import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { enqueueJob } from '../../platform/jobs.ts';
import { kstDate } from '../../platform/clock.ts';
import { MAX_PACKAGE_INVOICES } from './transport/tax-invoice-package.ts';
import { queuesOf, realTimeIn } from './filing-queues.ts';
import './tables.ts';

/** ReferenceID of the package attachment (Content-ID), as in the KISA samples. */
export const PACKAGE_REFERENCE_ID = 'taxInvoicePart';

/** SubmitID = <등록번호 8>-<yyyyMMdd>-<32 hex> (NTS.md §4.2). */
export function newSubmitId(registrationId: string, at: Date): string {
  return `${registrationId}-${kstDate(at)}-${randomBytes(16).toString('hex')}`;
}

/** How long a submission may stay in 'packing' before the sweeper lets another worker pack it. */
export function packingDeadlineMs(ctx: Ctx): number {
  return Math.max(60_000, 5 * ctx.config.nts.timeoutMs);
}

/** Claim queued filings into submissions until none is left; returns the number of submissions made. */
export async function dispatchFilings(ctx: Ctx, maxSubmissions = 50): Promise<number> {
  const queues = queuesOf(ctx);
  let made = 0;
  while (made < maxSubmissions) {
    const created = await inTransaction(ctx.db, async (tx) => {
      const claimed = await tx
        .selectFrom('nts_filings')
        .select('id')
        .where('channel', '=', ctx.config.nts.channel)
        .where('state', '=', sql.lit('queued'))
        .orderBy('id')
        .limit(MAX_PACKAGE_INVOICES)
        .forUpdate()
        .skipLocked()
        .execute();
      if (claimed.length === 0) return false;
      const now = ctx.clock.now();
      const sub = await tx
        .insertInto('nts_submissions')
        .values({
          channel: ctx.config.nts.channel,
          submit_id: newSubmitId(ctx.config.ntsIssuerCode, now),
          total_count: claimed.length,
          reference_id: PACKAGE_REFERENCE_ID,
          next_attempt_at: realTimeIn(packingDeadlineMs(ctx)),
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .updateTable('nts_filings')
        .set({ state: 'packing', submission_id: sub.id })
        .where('id', 'in', claimed.map((c) => c.id))
        .execute();
      await enqueueJob(tx, queues.transmit, { submissionId: sub.id }, { dedupeKey: `transmit:${sub.id}:0` });
      return true;
    });
    if (!created) break;
    made++;
  }
  return made;
}
