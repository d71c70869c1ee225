/** 전자(세금)계산서: write, issue, list, read, update, delete, cancel, resend the mail, respond, PDF and XML. */
import type { Operations } from '../generated/api.ts';
import { callOperation } from '../operation-call.ts';
import { subscriptionIdOf, type ClientContext } from '../context.ts';
import { paginate } from '../paging.ts';
import type { CallOptions } from '../transport.ts';

const P = '/v1/subscriptions/{subscriptionId}/documents' as const;
type Ops = Operations;
export type DocumentWrite = Ops[`POST ${typeof P}`]['body'];
export type DocumentInput = DocumentWrite['document'];
export type DocumentListQuery = NonNullable<Ops[`GET ${typeof P}`]['query']>;
export type DocumentView = Ops[`GET ${typeof P}/{dockey}`]['success'];
export type DocumentSummary = Ops[`GET ${typeof P}`]['success']['data'][number];
export type BulkWrite = Ops[`POST ${typeof P}/bulk`]['body'];
export type BulkResult = Ops[`POST ${typeof P}/bulk`]['success'];

export class DocumentsApi {
  constructor(private readonly c: ClientContext) {}

  private path(dockey?: string) {
    return { subscriptionId: subscriptionIdOf(this.c), ...(dockey !== undefined ? { dockey } : {}) } as { subscriptionId: number; dockey: string };
  }

  /** Save a draft, or issue at once with `issue: true`; a repeated `subkey` answers the existing document. */
  async create(body: DocumentWrite, options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, `POST ${P}`, { path: this.path(), body, ...options });
  }

  /** Issue a document (발행): validated, numbered (승인번호), mailed to the buyer. */
  async issue(document: DocumentInput, extra: Omit<DocumentWrite, 'document' | 'issue'> = {}, options?: CallOptions) {
    return this.create({ ...extra, document, issue: true }, options);
  }

  /** Up to 100 documents in one request, each answered alone (see documentBatches for up to 10,000). */
  async bulk(body: BulkWrite, options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, `POST ${P}/bulk`, { path: this.path(), body, ...options });
  }

  /** One page, newest first; continue with `startingAfter` = the last dockey while `hasMore`. */
  async list(query: DocumentListQuery = {}, options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, `GET ${P}`, { path: this.path(), query, ...options });
  }

  /** Every document matching the query, page after page. */
  iterate(query: Omit<DocumentListQuery, 'startingAfter'> = {}, options?: CallOptions): AsyncGenerator<DocumentSummary, void, undefined> {
    return paginate<DocumentSummary, string>(async (startingAfter) => {
      const page = await this.list({ ...query, ...(startingAfter ? { startingAfter } : {}) }, options);
      const last = page.data[page.data.length - 1];
      return { items: page.data, next: page.hasMore && last ? last.dockey : undefined };
    });
  }

  async get(dockey: string, options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, `GET ${P}/{dockey}`, { path: this.path(dockey), ...options });
  }

  /** Replace a draft (and issue it with `issue: true`). */
  async update(dockey: string, body: Ops[`PUT ${typeof P}/{dockey}`]['body'], options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, `PUT ${P}/{dockey}`, { path: this.path(dockey), body, ...options });
  }

  /** Delete a draft. */
  async delete(dockey: string, options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, `DELETE ${P}/{dockey}`, { path: this.path(dockey), ...options });
  }

  /** 발행취소: cancel an issued document not yet filed with the NTS. */
  async cancel(dockey: string, reason: string, options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, `POST ${P}/{dockey}/cancel`, { path: this.path(dockey), body: { reason }, ...options });
  }

  /** Send the document's mail again. */
  async resend(dockey: string, options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, `POST ${P}/{dockey}/send`, { path: this.path(dockey), ...options });
  }

  /** The buyer's answer to a document (승인 / 거부). */
  async respond(dockey: string, body: Ops[`POST ${typeof P}/{dockey}/respond`]['body'], options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, `POST ${P}/{dockey}/respond`, { path: this.path(dockey), body, ...options });
  }

  /** The PDF, as bytes. */
  pdf(dockey: string, options?: CallOptions): Promise<ArrayBuffer> {
    return callOperation(this.c.transport, this.c.subscription, `GET ${P}/{dockey}/pdf`, { path: this.path(dockey), ...options });
  }

  /** The signed standard XML (UTF-8). */
  async xml(dockey: string, options?: CallOptions): Promise<string> {
    const bytes = await callOperation(this.c.transport, this.c.subscription, `GET ${P}/{dockey}/xml`, { path: this.path(dockey), ...options });
    return new TextDecoder('utf-8').decode(bytes);
  }
}
