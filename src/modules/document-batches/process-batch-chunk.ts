/**
 * One chunk of a document batch: its next ≤ 100 pending items, in index order, through the bulk route's own path
 * (`insertDocumentsBulk`: the same validation, answers, codes and fields, usage limits, mail and notices), and in
 * the SAME transaction the items' results, the batch's counters, one `document_batch.item_issued / item_failed`
 * event per item and the job of the next chunk (or the batch's completion and `document_batch.completed`).
 *
 * So a crash anywhere (the worker killed, its lease run out, the job run again) either left the whole chunk
 * committed — the next run finds its items done and goes on — or nothing of it: the next run writes the same items
 * again under the same subkeys. The batch row is locked first (FOR UPDATE), so two runs of a batch's jobs (a lease
 * taken over while the first still runs) write one after the other, and the second finds the first's items done.
 * An unexpected error (database, bug) fails the chunk whole and the job queue retries it with backoff; on the job's
 * last attempt the chunk is run with `refuse`: its items are answered with that error (failed, nothing written for
 * them) and the batch goes on, so a batch always completes and every item says how it ended. A subscription that
 * may no longer be used (suspended, terminated, expired) is refused the same way with subscription_inactive.
 */
import { sql } from 'kysely';
import { withDb, type Ctx } from '../../platform/context.ts';
import { inTransaction, type Tx } from '../../platform/db/transaction.ts';
import { composeMessage, type AppError } from '../../platform/errors.ts';
import { enqueueJob } from '../../platform/jobs.ts';
import { prepareIssue } from '../documents/document-notice.ts';
import { insertDocumentsBulk, MAX_BULK_DOCUMENTS, type BulkItemResult } from '../documents/insert-documents-bulk.ts';
import { recordEvents, type NewEvent } from '../events/record-event.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { subscriptionInactiveError } from '../subscriptions/subscription-usable.ts';
import { documentBatchJob, documentBatchQueue } from './document-batch-queue.ts';
import type { DocumentBatchItemBody } from './tables.ts';
import './tables.ts';

export const BATCH_CHUNK = MAX_BULK_DOCUMENTS;

interface ItemMark {
  idx: number;
  state: 'issued' | 'failed';
  documentId: number | null;
  created: boolean | null;
  code: string | null;
  message: string | null;
  field: string | null;
}

/**
 * Runs the batch's next chunk; returns the number of items it handled (0: nothing was pending). `refuse`: answer
 * every item of the chunk with this error instead of writing it (the chunk failed on every attempt).
 */
export async function processBatchChunk(ctx: Ctx, batchId: number, opts: { refuse?: AppError } = {}): Promise<number> {
  const head = await ctx.db
    .selectFrom('document_batches')
    .innerJoin('subscriptions', 'subscriptions.id', 'document_batches.subscription_id')
    .select(['document_batches.state', 'subscriptions.id as subscriptionId', 'subscriptions.member_id as memberId', 'subscriptions.package_id as packageId', 'subscriptions.state as subscriptionState', 'subscriptions.start_date', 'subscriptions.end_date'])
    .where('document_batches.id', '=', batchId)
    .executeTakeFirst();
  if (!head || head.state === 'completed') return 0;
  const tenant: Tenant = { subscriptionId: Number(head.subscriptionId), memberId: Number(head.memberId), packageId: Number(head.packageId) };
  // a subscription that may no longer be used (suspended, terminated, expired since the batch was accepted) issues
  // nothing more: its pending items are answered subscription_inactive, as the bulk route would answer the request now
  const inactive = subscriptionInactiveError({ state: head.subscriptionState, start_date: head.start_date, end_date: head.end_date }, ctx.clock.now());
  const refused = opts.refuse ?? inactive;
  // a notice's message partitions are made in a transaction of their own: before ours (cached after the first call)
  await prepareIssue(ctx, true);

  return inTransaction(ctx.db, async (tx) => {
    const batch = await sql<{ state: string }>`SELECT state FROM document_batches WHERE id = ${batchId} FOR UPDATE`.execute(tx);
    const state = batch.rows[0]?.state;
    if (state === undefined || state === 'completed') return 0;
    const now = ctx.clock.now();
    const items = await tx
      .selectFrom('document_batch_items')
      .select(['idx', 'subkey', 'body'])
      .where('batch_id', '=', batchId)
      .where('state', '=', sql.lit('pending'))
      .orderBy('idx')
      .limit(BATCH_CHUNK)
      .execute();
    if (items.length === 0) {
      await complete(ctx, tx, batchId, tenant, now);
      return 0;
    }
    if (state === 'accepted') await tx.updateTable('document_batches').set({ state: 'processing' }).where('id', '=', batchId).execute();

    const requests = items.map((it) => {
      const body = it.body as DocumentBatchItemBody;
      return { input: body.document, issue: body.issue === true, subkey: it.subkey };
    });
    const results: BulkItemResult[] = refused ? requests.map(() => ({ ok: false, error: refused })) : await insertDocumentsBulk(withDb(ctx, tx), tenant, requests);
    const broken = results.find((r) => !r.ok && r.error.code === 'internal');
    if (broken && !broken.ok && !refused) throw broken.error; // rolls the chunk back whole; the queue retries it

    const marks: ItemMark[] = results.map((r, k) =>
      r.ok
        ? { idx: items[k]!.idx, state: 'issued', documentId: Number(r.result.document.id), created: r.result.created, code: null, message: null, field: null }
        : { idx: items[k]!.idx, state: 'failed', documentId: null, created: null, code: r.error.code, message: composeMessage(r.error), field: r.error.field ?? null },
    );
    const col = <T>(f: (m: ItemMark) => T): T[] => marks.map(f);
    const marked = await sql<{ idx: number }>`
      UPDATE document_batch_items i
         SET state = v.state, document_id = v.document_id, created = v.created, error_code = v.code, error_message = v.message, error_field = v.field
        FROM unnest(${col((m) => m.idx)}::int[], ${col((m) => m.state)}::text[], ${col((m) => m.documentId)}::bigint[], ${col((m) => m.created)}::boolean[],
                    ${col((m) => m.code)}::text[], ${col((m) => m.message)}::text[], ${col((m) => m.field)}::text[])
             AS v(idx, state, document_id, created, code, message, field)
       WHERE i.batch_id = ${batchId} AND i.idx = v.idx AND i.state = 'pending'
      RETURNING i.idx`.execute(tx);
    // the batch row is locked and these items were pending under the lock: every one is marked now
    if (marked.rows.length !== marks.length) throw new Error(`document batch ${batchId}: ${marked.rows.length} of ${marks.length} items marked`);
    const issued = marks.filter((m) => m.state === 'issued').length;
    const counters = await sql<{ pending: number }>`
      UPDATE document_batches SET issued = issued + ${issued}, failed = failed + ${marks.length - issued} WHERE id = ${batchId}
      RETURNING total - issued - failed AS pending`.execute(tx);

    const events: NewEvent[] = results.map((r, k) => {
      const base = { objectId: String(batchId), state: 'processing', at: now, subscriptionId: tenant.subscriptionId };
      const item = { index: items[k]!.idx, subkey: items[k]!.subkey };
      return r.ok
        ? { ...base, type: 'document_batch.item_issued', data: { ...item, dockey: r.result.document.dockey, issueId: r.result.document.nts_issue_id, created: r.result.created } }
        : { ...base, type: 'document_batch.item_failed', data: { ...item, code: r.error.code, field: r.error.field ?? null } };
    });
    await recordEvents(tx, events);

    // items are marked only here, the first pending ones in index order: the pending items are always the last ones,
    // so the next chunk starts right after this one
    if (counters.rows[0]!.pending > 0) {
      const job = documentBatchJob(batchId, items.at(-1)!.idx + 1);
      await enqueueJob(tx, documentBatchQueue(ctx.config), job.payload, { dedupeKey: job.dedupeKey, maxAttempts: 10 });
    } else {
      await complete(ctx, tx, batchId, tenant, now);
    }
    return marks.length;
  });
}

async function complete(ctx: Ctx, tx: Tx, batchId: number, tenant: Tenant, now: Date): Promise<void> {
  const done = await tx
    .updateTable('document_batches')
    .set({ state: 'completed', completed_at: now })
    .where('id', '=', batchId)
    .where('state', '<>', 'completed')
    .returning(['total', 'issued', 'failed'])
    .executeTakeFirst();
  if (!done) return;
  await recordEvents(tx, [{ type: 'document_batch.completed', objectId: String(batchId), state: 'completed', at: now, subscriptionId: tenant.subscriptionId, data: { total: done.total, issued: done.issued, failed: done.failed } }]);
  ctx.log.info({ sinchno: tenant.subscriptionId, batchId, total: done.total, issued: done.issued, failed: done.failed }, 'document batch completed');
}
