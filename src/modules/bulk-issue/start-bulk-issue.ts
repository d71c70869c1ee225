/**
 * 대량발행, step 2: the member starts issuing a previewed upload. The upload turns `issuing` and one
 * `<channel>.bulk-issue` job is enqueued in the same transaction (dedupe key per upload, so a second click or a second
 * tab starts nothing more); the job (bulk-issue-job.ts) issues the valid rows and the page polls the counters.
 */
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { enqueueJob } from '../../platform/jobs.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { getBulkUpload, type BulkUploadView } from './bulk-upload-view.ts';

/** The job queue of a channel (installations or test systems sharing one database run only their own jobs). */
export function bulkIssueQueue(config: { channel: string }): string {
  return `${config.channel}.bulk-issue`;
}

export async function startBulkIssue(ctx: Ctx, tenant: Tenant, uploadId: number): Promise<BulkUploadView> {
  await getBulkUpload(ctx, tenant, uploadId); // bulk_upload_not_found for another subscription's upload
  await inTransaction(ctx.db, async (tx) => {
    const started = await tx
      .updateTable('bulk_uploads')
      .set({ state: 'issuing', started_at: ctx.clock.now() })
      .where('id', '=', uploadId)
      .where('subscription_id', '=', tenant.subscriptionId)
      .where('state', '=', 'previewed')
      .returning('id')
      .executeTakeFirst();
    if (!started) return; // already started: the same job keeps going
    await enqueueJob(tx, bulkIssueQueue(ctx.config), { uploadId, subscriptionId: tenant.subscriptionId }, { dedupeKey: `upload:${uploadId}`, maxAttempts: 10 });
  });
  const view = await getBulkUpload(ctx, tenant, uploadId);
  if (view.state === 'previewed') throw new AppError('document_state_conflict', '발행을 시작할 수 없습니다 (the upload could not be started)', { field: 'uploadId' });
  return view;
}
