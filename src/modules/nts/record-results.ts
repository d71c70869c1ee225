/**
 * Store NTS results for the filings of one submission: filings move to succeeded / failed with the NTS code,
 * their documents to NTS state 3 / 4. Idempotent and order-proof: only open filings (packing / sent) change,
 * so a duplicate push, a late poll answer or an ack arriving after the results changes nothing; the submission
 * is settled when no open filing is left. Each settled document's `nts_filing.succeeded | failed` event is recorded
 * in the same transaction (one INSERT per call). A success writes the filing's usage-ledger row (nts:<filing id>) in the
 * same transaction (settlement/record-usage.ts).
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { afterCommit, inTransaction, type Tx } from '../../platform/db/transaction.ts';
import { metrics } from '../../platform/metrics.ts';
import { NTS_FILED_ITEM, recordUsage } from '../settlement/record-usage.ts';
import { isSuccessCode, resultMessage } from './result-codes.ts';
import { recordFilingEvents } from './filing-events.ts';
import './tables.ts';

export interface FilingResult {
  issueId: string;
  code: string;
}

const MESSAGE_LIMIT = 500;

/** Settle the given filings (ids) with one code. Returns how many changed. */
export async function settleFilings(tx: Tx, ctx: Ctx, filingIds: number[], code: string, detail?: string): Promise<number> {
  if (filingIds.length === 0) return 0;
  const success = isSuccessCode(code);
  const now = ctx.clock.now();
  const message = (detail ? `${resultMessage(code)}: ${detail}` : resultMessage(code)).slice(0, MESSAGE_LIMIT);
  const changed = await tx
    .updateTable('nts_filings')
    .set({ state: success ? 'succeeded' : 'failed', result_code: code, result_msg: message, settled_at: now })
    .where('id', 'in', filingIds)
    .where('state', 'in', ['packing', 'sent'])
    .returning(['id', 'document_id', 'subscription_id'])
    .execute();
  if (changed.length > 0 && success) {
    // billable: one ledger row per filing accepted by the NTS (nts:<filing id>), in this transaction
    await recordUsage(ctx, tx, changed.map((c) => ({ eventKey: `nts:${c.id}`, subscriptionId: Number(c.subscription_id), meteredItem: NTS_FILED_ITEM, occurredAt: now })));
  }
  if (changed.length > 0) {
    const docs = await tx
      .updateTable('documents')
      .set({ nts_state: success ? '3' : '4', nts_result_code: code, nts_result_msg: message, nts_resp_at: now, updated_at: now })
      .where('id', 'in', changed.map((c) => c.document_id))
      .returning(['dockey', 'subscription_id', 'nts_issue_id'])
      .execute();
    await recordFilingEvents(tx, success ? 'nts_filing.succeeded' : 'nts_filing.failed', docs, now, () => ({ resultCode: code, resultMessage: message }));
    afterCommit(tx, () => metrics.inc('hanbill_nts_filings_total', { outcome: success ? 'succeeded' : 'failed' }, changed.length));
  }
  return changed.length;
}

/** Mark the submission settled when none of its filings is open any more. */
export async function settleSubmissionIfDone(tx: Tx, ctx: Ctx, submissionId: number): Promise<boolean> {
  const open = await tx
    .selectFrom('nts_filings')
    .select(sql<number>`count(*)`.as('n'))
    .where('submission_id', '=', submissionId)
    .where('state', 'in', ['packing', 'sent'])
    .executeTakeFirstOrThrow();
  if (Number(open.n) > 0) return false;
  await tx
    .updateTable('nts_submissions')
    .set({ state: 'settled', settled_at: ctx.clock.now(), next_attempt_at: null, package: null, updated_at: ctx.clock.now() })
    .where('id', '=', submissionId)
    .where('state', '<>', sql.lit('settled'))
    .execute();
  return true;
}

export interface RecordOutcome {
  /** False when no submission has this SubmitID (e.g. another installation's). */
  known: boolean;
  changed: number;
  settled: boolean;
}

/**
 * Record per-invoice results of `submitId`. `failRemainingWith`: a final answer that leaves some filings
 * without a result fails them with this code (the NTS said it is done with the package).
 */
export async function recordResults(ctx: Ctx, submitId: string, results: FilingResult[], opts: { failRemainingWith?: string } = {}): Promise<RecordOutcome> {
  return inTransaction(ctx.db, async (tx) => {
    const sub = await tx.selectFrom('nts_submissions').select(['id', 'state']).where('submit_id', '=', submitId).forUpdate().executeTakeFirst();
    if (!sub) return { known: false, changed: 0, settled: false };
    const open = await tx
      .selectFrom('nts_filings')
      .select(['id', 'issue_id'])
      .where('submission_id', '=', sub.id)
      .where('state', 'in', ['packing', 'sent'])
      .execute();
    const byIssue = new Map(open.map((f) => [f.issue_id, f.id]));
    const byCode = new Map<string, number[]>();
    for (const r of results) {
      const id = byIssue.get(r.issueId);
      if (id === undefined) continue;
      byIssue.delete(r.issueId);
      const list = byCode.get(r.code) ?? [];
      list.push(id);
      byCode.set(r.code, list);
    }
    let changed = 0;
    for (const [code, ids] of byCode) changed += await settleFilings(tx, ctx, ids, code);
    if (opts.failRemainingWith && byIssue.size > 0) changed += await settleFilings(tx, ctx, [...byIssue.values()], opts.failRemainingWith);
    const settled = await settleSubmissionIfDone(tx, ctx, sub.id);
    return { known: true, changed, settled };
  });
}

/** The NTS refused a whole submission: every filing still open in it fails with that code. */
export async function failOpenFilings(ctx: Ctx, submissionId: number, code: string, detail?: string): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const open = await tx.selectFrom('nts_filings').select('id').where('submission_id', '=', submissionId).where('state', 'in', ['packing', 'sent']).execute();
    await settleFilings(
      tx,
      ctx,
      open.map((f) => f.id),
      code,
      detail,
    );
    await settleSubmissionIfDone(tx, ctx, submissionId);
  });
}
