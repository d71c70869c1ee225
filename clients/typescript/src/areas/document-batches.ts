/**
 * 대량 발행 (up to 10,000 documents): stored at once (202) and issued in the background, each item idempotent by
 * its subkey; progress and per-item results (dockey and 승인번호, or the error naming its field) by polling.
 */
import type { Operations } from '../generated/api.ts';
import type { BulkWrite } from './documents.ts';
import { callOperation } from '../operation-call.ts';
import { subscriptionIdOf, type ClientContext } from '../context.ts';
import { cursorPage, paginate } from '../paging.ts';
import type { CallOptions } from '../transport.ts';

const P = '/v1/subscriptions/{subscriptionId}/document-batches';
/** A batch's progress and one page of its items (index order). */
export type DocumentBatch = Operations[`GET ${typeof P}/{batchId}`]['success'];
export type DocumentBatchState = DocumentBatch['state'];
export type DocumentBatchItem = DocumentBatch['items'][number];
export type DocumentBatchSummary = Operations[`GET ${typeof P}`]['success']['data'][number];
type PageQuery = NonNullable<Operations[`GET ${typeof P}/{batchId}`]['query']>;

export interface WaitOptions {
  /** between polls, ms (default 1,000) */
  pollIntervalMs?: number;
  /** called after every poll (a progress bar) */
  onProgress?: (batch: DocumentBatch) => void;
  signal?: AbortSignal;
}

export class DocumentBatchesApi {
  constructor(private readonly c: ClientContext) {}

  /** `{subscriptionId}` from the client; a batch id may come as a string (a command-line argument), it goes in the URL as is. */
  private path(batchId?: number | string) {
    return { subscriptionId: subscriptionIdOf(this.c), ...(batchId !== undefined ? { batchId } : {}) } as { subscriptionId: number; batchId: number };
  }

  /** Store a batch (1..10,000 items of the bulk route's shape); re-posting with the same idempotencyKey answers the same batch. */
  create(documents: BulkWrite['documents'], options?: CallOptions): Promise<DocumentBatch> {
    return callOperation(this.c.transport, this.c.subscription, `POST ${P}`, { path: this.path(), body: { documents }, ...options });
  }

  /** The batch's progress and one page of its items (index order). */
  get(batchId: number | string, query: PageQuery = {}, options?: CallOptions): Promise<DocumentBatch> {
    return callOperation(this.c.transport, this.c.subscription, `GET ${P}/{batchId}`, { path: this.path(batchId), query, ...options });
  }

  /** The subscription's batches, newest first (without items). */
  list(query: PageQuery = {}, options?: CallOptions): Promise<Operations[`GET ${typeof P}`]['success']> {
    return callOperation(this.c.transport, this.c.subscription, `GET ${P}`, { path: this.path(), query, ...options });
  }

  /** Every item of a batch, page after page. */
  iterateItems(batchId: number | string, query: Omit<PageQuery, 'cursor'> = {}, options?: CallOptions): AsyncGenerator<DocumentBatchItem, void, undefined> {
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
