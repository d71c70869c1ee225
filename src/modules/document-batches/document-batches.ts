/**
 * Document batches as one unit for the composition root: the job handler of the batch queue (its own lane in
 * main.ts, so a 10,000-document batch does not wait behind mail, nor mail behind it).
 *
 *   POST …/document-batches ─► acceptDocumentBatch ─► batch + items (≤ 10,000, one jsonb) + job  (one transaction)
 *                                                     + document_batch.accepted                    → 202
 *   job (batch, from)       ─► processBatchChunk   ─► next ≤ 100 pending items → insertDocumentsBulk:
 *                                                     documents, approval numbers, mail jobs, notices,
 *                                                     item results, counters, item_issued / item_failed,
 *                                                     the next chunk's job or completed            (one transaction)
 *   GET …/document-batches[/{id}] ─► read-document-batches (progress, items paged in index order)
 */
import type { Ctx } from '../../platform/context.ts';
import { toAppError } from '../../platform/errors.ts';
import type { JobHandler } from '../../platform/jobs.ts';
import { batchIdOf, documentBatchQueue } from './document-batch-queue.ts';
import { processBatchChunk } from './process-batch-chunk.ts';

export interface DocumentBatches {
  handlers: Record<string, JobHandler>;
}

export function createDocumentBatches(ctx: Ctx): DocumentBatches {
  return {
    handlers: {
      [documentBatchQueue(ctx.config)]: async (job) => {
        const batchId = batchIdOf(job.payload);
        try {
          await processBatchChunk(ctx, batchId);
        } catch (err) {
          if (job.attempts < job.maxAttempts) throw err; // retried with backoff
          // the chunk failed on every attempt: its items fail (internal), the batch goes on and completes
          ctx.log.error({ batchId, jobId: job.id, err: String(err) }, 'document batch: a chunk failed on every attempt; its items are answered as failed');
          await processBatchChunk(ctx, batchId, { refuse: toAppError(err) });
        }
        // On the embedded PGlite every query resolves without I/O: the chunks of a batch, one job after another,
        // would keep the event loop in promise callbacks and no HTTP request would be answered (not even this batch's
        // 202) until the batch ended. One turn of the event loop after each chunk lets requests in.
        await new Promise((resolve) => setImmediate(resolve));
      },
    },
  };
}
