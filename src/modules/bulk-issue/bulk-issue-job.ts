/**
 * The `<channel>.bulk-issue` job: works through an upload's valid rows in row order, issuing each with `insertDocument`
 * (issue and mail, as the write form and the API do) under the row key as its subkey. A row is marked issued
 * (a new document), existing (the row key had already issued one) or failed (refused now, e.g. the usage limit),
 * and the counters move with it. Run again after a crash, it skips the rows already marked, and a row whose
 * document committed before the crash answers with that document (subkey) — nothing is issued twice.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { toAppError } from '../../platform/errors.ts';
import type { Job } from '../../platform/jobs.ts';
import { insertDocument } from '../documents/insert-document.ts';
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
  for (const row of rows) {
    let state: 'issued' | 'existing' | 'failed';
    let dockey: string | null = null;
    let errors = '[]';
    try {
      const r = await insertDocument(ctx, tenant, { input: row.body, issue: true, subkey: row.row_key });
      state = r.created ? 'issued' : 'existing';
      dockey = r.document.dockey;
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') throw err; // retried by the queue
      state = 'failed';
      errors = JSON.stringify([{ column: e.field ?? '', message: e.message }]);
    }
    const counter = state === 'issued' ? 'rows_issued' : state === 'existing' ? 'rows_existing' : 'rows_failed';
    await inTransaction(ctx.db, async (tx) => {
      const marked = await tx
        .updateTable('bulk_upload_rows')
        .set({ state, dockey, errors })
        .where('upload_id', '=', uploadId)
        .where('row_no', '=', row.row_no)
        .where('state', '=', 'valid')
        .executeTakeFirst();
      if (Number(marked.numUpdatedRows) === 1) {
        await sql`UPDATE bulk_uploads SET ${sql.ref(counter)} = ${sql.ref(counter)} + 1 WHERE id = ${uploadId}`.execute(tx);
      }
    });
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
