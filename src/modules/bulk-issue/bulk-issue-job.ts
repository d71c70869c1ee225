/**
 * The `<channel>.bulk-issue` job: works through an upload's valid rows in row order, 100 at a time, issuing them with
 * `insertDocumentsBulk` (issue and mail, as the write form and the API do; one transaction per batch, each row
 * answered as insertDocument would answer it) under the row key as its subkey. A row is marked issued (a new
 * document), existing (the row key had already issued one) or failed (refused now, e.g. the usage limit), and the
 * counters move with it, one transaction per batch. Run again after a crash, it skips the rows already marked, and
 * a row whose document committed before the crash answers with that document (subkey) — nothing is issued twice.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import type { Job } from '../../platform/jobs.ts';
import { insertDocumentsBulk, MAX_BULK_DOCUMENTS } from '../documents/insert-documents-bulk.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { bulkIssueQueue } from './start-bulk-issue.ts';
import './tables.ts';

export async function runBulkIssue(ctx: Ctx, uploadId: number): Promise<void> {
  const upload = await ctx.db
    .selectFrom('bulk_uploads')
    .innerJoin('subscriptions', 'subscriptions.id', 'bulk_uploads.subscription_id')
    .select(['bulk_uploads.id', 'bulk_uploads.state', 'subscriptions.id as subscriptionId', 'subscriptions.member_id as memberId', 'subscriptions.package_id as packageId'])
    .where('bulk_uploads.id', '=', uploadId)
    .executeTakeFirst();
  if (!upload || upload.state !== 'issuing') return;
  const tenant: Tenant = { subscriptionId: upload.subscriptionId, memberId: upload.memberId, packageId: upload.packageId };
  const rows = await ctx.db.selectFrom('bulk_upload_rows').select(['row_no', 'row_key', 'body']).where('upload_id', '=', uploadId).where('state', '=', 'valid').orderBy('row_no').execute();
  for (let at = 0; at < rows.length; at += MAX_BULK_DOCUMENTS) {
    const batch = rows.slice(at, at + MAX_BULK_DOCUMENTS);
    const results = await insertDocumentsBulk(ctx, tenant, batch.map((row) => ({ input: row.body, issue: true, subkey: row.row_key })));
    // an unexpected error is retried by the queue: the rows before it are marked first (as one by one did)
    const broken = results.findIndex((r) => !r.ok && r.error.code === 'internal');
    const marks = (broken < 0 ? results : results.slice(0, broken)).map((r, k) => {
      if (r.ok) return { rowNo: batch[k]!.row_no, state: r.result.created ? ('issued' as const) : ('existing' as const), dockey: r.result.document.dockey, errors: '[]' };
      return { rowNo: batch[k]!.row_no, state: 'failed' as const, dockey: null, errors: JSON.stringify([{ column: r.error.field ?? '', message: r.error.message }]) };
    });
    await inTransaction(ctx.db, async (tx) => {
      for (const m of marks) {
        const counter = m.state === 'issued' ? 'rows_issued' : m.state === 'existing' ? 'rows_existing' : 'rows_failed';
        const marked = await tx
          .updateTable('bulk_upload_rows')
          .set({ state: m.state, dockey: m.dockey, errors: m.errors })
          .where('upload_id', '=', uploadId)
          .where('row_no', '=', m.rowNo)
          .where('state', '=', 'valid')
          .executeTakeFirst();
        if (Number(marked.numUpdatedRows) === 1) {
          await sql`UPDATE bulk_uploads SET ${sql.ref(counter)} = ${sql.ref(counter)} + 1 WHERE id = ${uploadId}`.execute(tx);
        }
      }
    });
    if (broken >= 0) {
      const failed = results[broken]!;
      if (!failed.ok) throw failed.error;
    }
  }
  await ctx.db.updateTable('bulk_uploads').set({ state: 'done', finished_at: ctx.clock.now() }).where('id', '=', uploadId).where('state', '=', 'issuing').execute();
  ctx.log.info({ uploadId, sinchno: tenant.subscriptionId, rows: rows.length }, 'bulk upload issued');
}

/** The worker's handler for this channel's bulk-issue queue (composition root: main.ts). */
export function bulkIssueHandlers(ctx: Ctx): Record<string, (job: Job) => Promise<void>> {
  return {
    [bulkIssueQueue(ctx.config)]: async (job) => {
      const uploadId = Number(job.payload['uploadId']);
      if (Number.isSafeInteger(uploadId)) await runBulkIssue(ctx, uploadId);
    },
  };
}
