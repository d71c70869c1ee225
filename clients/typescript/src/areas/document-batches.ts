/**
 * 대량 발행 (up to 10,000 documents): stored at once (202) and issued in the background, each item idempotent by
 * its subkey; progress and per-item results (dockey and 승인번호, or the error naming its field) by polling.
 */
import type { DocumentBatch, DocumentBatchItem, DocumentBatchSummary } from '../contract-types.ts';
import type { BulkWrite } from './documents.ts';
import { requestOf } from '../operation-call.ts';
import { subscriptionIdOf, type ClientContext } from '../context.ts';
import { cursorPage, paginate } from '../paging.ts';
import type { CallOptions } from '../transport.ts';

const P = '/v1/subscriptions/{subscriptionId}/document-batches';

export interface WaitOptions {
  /** between polls, ms (default 1,000) */
  pollIntervalMs?: number;
  /** called after every poll (a progress bar) */
  onProgress?: (batch: DocumentBatch) => void;
  signal?: AbortSignal;
}

export class DocumentBatchesApi {
  constructor(private readonly c: ClientContext) {}

  private async call<T>(name: string, args: Parameters<typeof requestOf>[1], idempotentPost?: boolean): Promise<T> {
    const path = { subscriptionId: subscriptionIdOf(this.c), ...args.path };
    return this.c.transport.request<T>(requestOf(name, { ...args, path }, this.c.subscription, idempotentPost));
  }

  /** Store a batch (1..10,000 items of the bulk route's shape); re-posting with the same idempotencyKey answers the same batch. */
  create(documents: BulkWrite['documents'], options?: CallOptions): Promise<DocumentBatch> {
    return this.call(`POST ${P}`, { body: { documents }, ...options }, true);
  }

  /** The batch's progress and one page of its items (index order). */
  get(batchId: number | string, query: { cursor?: string; limit?: number } = {}, options?: CallOptions): Promise<DocumentBatch> {
    return this.call(`GET ${P}/{batchId}`, { path: { batchId }, query, ...options });
  }

  /** The subscription's batches, newest first (without items). */
  list(query: { cursor?: string; limit?: number } = {}, options?: CallOptions): Promise<{ data: DocumentBatchSummary[]; nextCursor: string | null; hasMore: boolean }> {
    return this.call(`GET ${P}`, { query, ...options });
  }

  /** Every item of a batch, page after page. */
  iterateItems(batchId: number | string, query: { limit?: number } = {}, options?: CallOptions): AsyncGenerator<DocumentBatchItem, void, undefined> {
    return paginate<DocumentBatchItem, string>(async (cursor) => {
      const page = await this.get(batchId, { ...query, ...(cursor ? { cursor } : {}) }, options);
      return cursorPage({ data: page.items, nextCursor: page.nextCursor, hasMore: page.hasMore });
    });
  }

  /** Poll until the batch is completed; its last state. */
  async waitForCompletion(batchId: number | string, options: WaitOptions = {}): Promise<DocumentBatch> {
    const call = options.signal ? { signal: options.signal } : {};
    for (;;) {
      const batch = await this.get(batchId, { limit: 1 }, call);
      options.onProgress?.(batch);
      if (batch.state === 'completed') return batch;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, options.pollIntervalMs ?? 1000);
        options.signal?.addEventListener('abort', () => (clearTimeout(timer), reject(options.signal!.reason)), { once: true });
      });
    }
  }
}
