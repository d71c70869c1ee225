/**
 * A call of one operation of the generated `Operations` ("METHOD /path"), typed by it: its path parameters,
 * query and body in, its 2xx answer out. The area modules (documents, nts, messaging …) are one-liners over this,
 * so a change of the OpenAPI document that breaks one of them fails the type check, not an integrator.
 */
import { IDEMPOTENT_OPERATIONS, type OperationName, type Operations } from './generated/api.ts';
import { HanbillError } from './errors.ts';
import type { CallOptions, RequestSpec, Transport } from './transport.ts';

type Has<T> = [T] extends [never] ? false : true;

/** The arguments of an operation: `path` when it has path parameters, `query` when it has a query, `body` when it takes one. */
export type OperationArgs<O extends OperationName> = (Has<Operations[O]['path']> extends true ? { path: Operations[O]['path'] } : { path?: undefined }) &
  (Has<Operations[O]['query']> extends true ? { query?: Operations[O]['query'] | undefined } : { query?: undefined }) &
  (Has<Operations[O]['body']> extends true
    ? Operations[O]['bodyRequired'] extends true
      ? { body: Operations[O]['body'] }
      : { body?: Operations[O]['body'] | undefined }
    : { body?: undefined }) &
  CallOptions;

export type Success<O extends OperationName> = Operations[O]['success'];

/** The subscription (사업자 구독) a call acts for: its id fills `{subscriptionId}`, its service key goes in X-Svc-Key. */
export interface SubscriptionCredentials {
  id: number;
  serviceKey: string;
}

/** Fill `{name}` segments of a path template from `params`, each URL-encoded. */
export function fillPath(template: string, params: Record<string, unknown> | undefined): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null || value === '') {
      throw new HanbillError(`경로 매개변수 ${name}가 필요합니다 (path parameter ${name} is required)`, { status: 0, code: 'client_usage', field: name });
    }
    return encodeURIComponent(String(value));
  });
}

/** The request of a "METHOD /path" of the generated document: a POST is retried only when the server deduplicates it by Idempotency-Key. */
function requestOf(name: string, args: { path?: Record<string, unknown> | undefined; query?: unknown; body?: unknown } & CallOptions, subscription: SubscriptionCredentials | undefined): RequestSpec {
  const space = name.indexOf(' ');
  const method = name.slice(0, space) as RequestSpec['method'];
  const template = name.slice(space + 1);
  const headers: Record<string, string> = {};
  let pathParams = args.path;
  if (template.includes('{subscriptionId}')) {
    if (!subscription) {
      throw new HanbillError('이 호출에는 subscription { id, serviceKey }가 필요합니다 (this call needs the client\'s subscription: { id, serviceKey })', { status: 0, code: 'client_usage', field: 'subscription' });
    }
    headers['x-svc-key'] = subscription.serviceKey;
    pathParams = { subscriptionId: subscription.id, ...pathParams };
  }
  return {
    method,
    path: fillPath(template, pathParams),
    query: args.query as Record<string, unknown> | undefined,
    body: args.body,
    headers,
    idempotentPost: IDEMPOTENT_OPERATIONS.has(name),
    idempotencyKey: args.idempotencyKey,
    signal: args.signal,
  };
}

/** Call a documented operation. `{subscriptionId}` is filled from the client's subscription unless given. */
export function callOperation<O extends OperationName>(transport: Transport, subscription: SubscriptionCredentials | undefined, name: O, args: OperationArgs<O>): Promise<Success<O>> {
  return transport.request<Success<O>>(requestOf(name, args as Parameters<typeof requestOf>[1], subscription));
}
