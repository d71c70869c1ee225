/** 국세청 전송: file issued documents with the NTS and read a document's filing state. */
import { callOperation } from '../operation-call.ts';
import { subscriptionIdOf, type ClientContext } from '../context.ts';
import type { CallOptions } from '../transport.ts';

const P = '/v1/subscriptions/{subscriptionId}/nts-filings' as const;

export class NtsApi {
  constructor(private readonly c: ClientContext) {}

  /** Queue up to 100 issued documents for filing (즉시 전송); the answer says which were queued. */
  async file(dockeys: readonly string[], options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, `POST ${P}`, { path: { subscriptionId: subscriptionIdOf(this.c) }, body: { dockeys: [...dockeys] }, ...options });
  }

  /** A document's filing: its NTS state (ntsState) and result. */
  async status(dockey: string, options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, `GET ${P}/{dockey}`, { path: { subscriptionId: subscriptionIdOf(this.c), dockey }, ...options });
  }
}
