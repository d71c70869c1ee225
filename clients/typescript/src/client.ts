/**
 * `new HanbillClient({ baseUrl, apiKey, subscription })`: the Hanbill REST API by area, async/await.
 *
 *   const hanbill = new HanbillClient({ baseUrl: 'https://hanbill.example.kr', apiKey, subscription: { id, serviceKey } });
 *   const doc = await hanbill.documents.issue({ kind: 'tax_invoice', … });
 *   await hanbill.nts.file([doc.dockey]);
 *   for await (const e of hanbill.events.iterate({ objectId: doc.dockey })) console.log(e.type);
 *
 * `apiKey` is a partner Access Key (연동 API Key, sent as Bearer); `subscription` the 사업자 구독 that
 * document and filing calls act for (its id and service key, X-Svc-Key). `forSubscription` gives a client for
 * another subscription sharing everything else. Every POST carries an Idempotency-Key; failures that may be
 * retried are (retry.ts); every failure is a HanbillError.
 */
import { BillingApi } from './areas/billing.ts';
import { DocumentBatchesApi } from './areas/document-batches.ts';
import { DocumentsApi } from './areas/documents.ts';
import { EventsApi } from './areas/events.ts';
import { MessagingApi } from './areas/messaging.ts';
import { NtsApi } from './areas/nts.ts';
import { WebhookEndpointsApi } from './areas/webhook-endpoints.ts';
import type { ClientContext } from './context.ts';
import type { OperationName } from './generated/api.ts';
import { callOperation, type OperationArgs, type SubscriptionCredentials, type Success } from './operation-call.ts';
import { Transport, type TransportOptions } from './transport.ts';

export interface HanbillClientOptions extends TransportOptions {
  subscription?: SubscriptionCredentials | undefined;
}

export class HanbillClient {
  readonly documents: DocumentsApi;
  readonly nts: NtsApi;
  readonly messaging: MessagingApi;
  readonly billing: BillingApi;
  readonly events: EventsApi;
  readonly webhookEndpoints: WebhookEndpointsApi;
  readonly documentBatches: DocumentBatchesApi;
  private readonly context: ClientContext;

  constructor(options: HanbillClientOptions | { transport: Transport; subscription?: SubscriptionCredentials | undefined }) {
    const transport = 'transport' in options ? options.transport : new Transport(options);
    this.context = { transport, subscription: options.subscription };
    this.documents = new DocumentsApi(this.context);
    this.nts = new NtsApi(this.context);
    this.messaging = new MessagingApi(this.context);
    this.billing = new BillingApi(this.context);
    this.events = new EventsApi(this.context);
    this.webhookEndpoints = new WebhookEndpointsApi(this.context);
    this.documentBatches = new DocumentBatchesApi(this.context);
  }

  /** The subscription calls act for, if any. */
  get subscription(): SubscriptionCredentials | undefined {
    return this.context.subscription;
  }

  /** A client acting for another subscription, sharing the base URL, key, fetch and retry policy. */
  forSubscription(subscription: SubscriptionCredentials): HanbillClient {
    return new HanbillClient({ transport: this.context.transport, subscription });
  }

  /** Any documented operation by name ("METHOD /path"), typed by the OpenAPI document: what the areas do not cover. */
  call<O extends OperationName>(name: O, args: OperationArgs<O>): Promise<Success<O>> {
    return callOperation(this.context.transport, this.context.subscription, name, args);
  }
}
