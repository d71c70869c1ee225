/**
 * 웹훅 엔드포인트 (the partner's, by its Access Key): register (the secret is in the answer only), list, read,
 * change, delete, rotate the secret, and the deliveries with their attempt log, redelivered on demand.
 */
import type {
  CreatedWebhookEndpoint,
  CursorPage,
  RotatedSecret,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointInput,
  WebhookEndpointPatch,
} from '../contract-types.ts';
import { requestOf } from '../operation-call.ts';
import type { ClientContext } from '../context.ts';
import { cursorPage, paginate } from '../paging.ts';
import type { CallOptions } from '../transport.ts';

const P = '/v1/webhook-endpoints';

export class WebhookEndpointsApi {
  constructor(private readonly c: ClientContext) {}

  private call<T>(name: string, args: Parameters<typeof requestOf>[1], idempotentPost?: boolean): Promise<T> {
    return this.c.transport.request<T>(requestOf(name, args, this.c.subscription, idempotentPost));
  }

  /** Register an endpoint (at most 10 per partner); keep `secret` from the answer: it is not shown again. */
  create(input: WebhookEndpointInput, options?: CallOptions): Promise<CreatedWebhookEndpoint> {
    return this.call(`POST ${P}`, { body: input, ...options }, true);
  }

  async list(options?: CallOptions): Promise<WebhookEndpoint[]> {
    return (await this.call<{ data: WebhookEndpoint[] }>(`GET ${P}`, { ...options })).data;
  }

  get(endpointId: string, options?: CallOptions): Promise<WebhookEndpoint> {
    return this.call(`GET ${P}/{endpointId}`, { path: { endpointId }, ...options });
  }

  update(endpointId: string, patch: WebhookEndpointPatch, options?: CallOptions): Promise<WebhookEndpoint> {
    return this.call(`PATCH ${P}/{endpointId}`, { path: { endpointId }, body: patch, ...options });
  }

  async delete(endpointId: string, options?: CallOptions): Promise<void> {
    await this.call(`DELETE ${P}/{endpointId}`, { path: { endpointId }, ...options });
  }

  /** A new secret; deliveries carry a second signature with the previous one for `expiresInHours` (0..168, default 24). */
  rotateSecret(endpointId: string, body: { expiresInHours?: number } = {}, options?: CallOptions): Promise<RotatedSecret> {
    // retried after a lost answer only where the server deduplicates it by Idempotency-Key (it declares so in the
    // OpenAPI document): else a second rotation would replace the secret the first one returned
    return this.call(`POST ${P}/{endpointId}/rotate-secret`, { path: { endpointId }, body, ...options });
  }

  deliveries(endpointId: string, query: { cursor?: string; limit?: number } = {}, options?: CallOptions): Promise<CursorPage<WebhookDelivery>> {
    return this.call(`GET ${P}/{endpointId}/deliveries`, { path: { endpointId }, query, ...options });
  }

  iterateDeliveries(endpointId: string, query: { limit?: number } = {}, options?: CallOptions): AsyncGenerator<WebhookDelivery, void, undefined> {
    return paginate<WebhookDelivery, string>(async (cursor) => cursorPage(await this.deliveries(endpointId, { ...query, ...(cursor ? { cursor } : {}) }, options)));
  }

  /** A new attempt of the same delivery (same delivery id), whatever its state. */
  redeliver(endpointId: string, deliveryId: string, options?: CallOptions): Promise<{ id: string; state: 'pending' }> {
    // a repeat only adds an attempt of an at-least-once delivery: safe to retry
    return this.call(`POST ${P}/{endpointId}/deliveries/{deliveryId}/redeliver`, { path: { endpointId, deliveryId }, ...options }, true);
  }
}
