/**
 * 웹훅 엔드포인트 (the partner's, by its Access Key): register (the secret is in the answer only), list, read,
 * change, delete, rotate the secret, and the deliveries with their attempt log, redelivered on demand.
 * POST retries follow the generated IDEMPOTENT_OPERATIONS: registration, rotation and redelivery are deduplicated
 * by Idempotency-Key on the server (else a second rotation would replace the secret the first one returned).
 */
import type { Operations, Schemas } from '../generated/api.ts';
import { callOperation } from '../operation-call.ts';
import type { ClientContext } from '../context.ts';
import { cursorPage, paginate } from '../paging.ts';
import type { CallOptions } from '../transport.ts';

const P = '/v1/webhook-endpoints';
export type WebhookEndpoint = Schemas['WebhookEndpoint'];
export type WebhookEndpointState = WebhookEndpoint['state'];
/** The answer of a creation: the secret (`whsec_…`) is shown here and never again. */
export type CreatedWebhookEndpoint = Schemas['WebhookEndpointCreated'];
export type WebhookEndpointInput = Operations[`POST ${typeof P}`]['body'];
export type WebhookEndpointPatch = Operations[`PATCH ${typeof P}/{endpointId}`]['body'];
export type RotatedSecret = Operations[`POST ${typeof P}/{endpointId}/rotate-secret`]['success'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type WebhookAttempt = WebhookDelivery['attemptLog'][number];
export type DeliveryPage = Operations[`GET ${typeof P}/{endpointId}/deliveries`]['success'];
type DeliveryQuery = NonNullable<Operations[`GET ${typeof P}/{endpointId}/deliveries`]['query']>;

export class WebhookEndpointsApi {
  constructor(private readonly c: ClientContext) {}

  /** Register an endpoint (at most 10 per partner); keep `secret` from the answer: it is not shown again. */
  create(input: WebhookEndpointInput, options?: CallOptions): Promise<CreatedWebhookEndpoint> {
    return callOperation(this.c.transport, this.c.subscription, `POST ${P}`, { body: input, ...options });
  }

  async list(options?: CallOptions): Promise<WebhookEndpoint[]> {
    return (await callOperation(this.c.transport, this.c.subscription, `GET ${P}`, { ...options })).data;
  }

  get(endpointId: string, options?: CallOptions): Promise<WebhookEndpoint> {
    return callOperation(this.c.transport, this.c.subscription, `GET ${P}/{endpointId}`, { path: { endpointId }, ...options });
  }

  update(endpointId: string, patch: WebhookEndpointPatch, options?: CallOptions): Promise<WebhookEndpoint> {
    return callOperation(this.c.transport, this.c.subscription, `PATCH ${P}/{endpointId}`, { path: { endpointId }, body: patch, ...options });
  }

  delete(endpointId: string, options?: CallOptions): Promise<void> {
    return callOperation(this.c.transport, this.c.subscription, `DELETE ${P}/{endpointId}`, { path: { endpointId }, ...options });
  }

  /** A new secret; deliveries carry a second signature with the previous one for `expiresInHours` (0..168, default 24). */
  rotateSecret(endpointId: string, body: Operations[`POST ${typeof P}/{endpointId}/rotate-secret`]['body'] = {}, options?: CallOptions): Promise<RotatedSecret> {
    return callOperation(this.c.transport, this.c.subscription, `POST ${P}/{endpointId}/rotate-secret`, { path: { endpointId }, body, ...options });
  }

  deliveries(endpointId: string, query: DeliveryQuery = {}, options?: CallOptions): Promise<DeliveryPage> {
    return callOperation(this.c.transport, this.c.subscription, `GET ${P}/{endpointId}/deliveries`, { path: { endpointId }, query, ...options });
  }

  iterateDeliveries(endpointId: string, query: Omit<DeliveryQuery, 'cursor'> = {}, options?: CallOptions): AsyncGenerator<WebhookDelivery, void, undefined> {
    return paginate<WebhookDelivery, string>(async (cursor) => cursorPage(await this.deliveries(endpointId, { ...query, ...(cursor ? { cursor } : {}) }, options)));
  }

  /** A new attempt of the same delivery (same delivery id), whatever its state: a repeat only adds an attempt. */
  redeliver(endpointId: string, deliveryId: string, options?: CallOptions): Promise<{ id: string; state: 'pending' }> {
    return callOperation(this.c.transport, this.c.subscription, `POST ${P}/{endpointId}/deliveries/{deliveryId}/redeliver`, { path: { endpointId, deliveryId }, ...options });
  }
}
