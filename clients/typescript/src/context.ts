/** What every area of the client shares: the one transport and the subscription calls act for. */
import { HanbillError } from './errors.ts';
import type { SubscriptionCredentials } from './operation-call.ts';
import type { Transport } from './transport.ts';

export interface ClientContext {
  transport: Transport;
  subscription: SubscriptionCredentials | undefined;
}

/** The subscription id for a `{subscriptionId}` route; a usage error when the client has none. */
export function subscriptionIdOf(c: ClientContext): number {
  if (!c.subscription) {
    throw new HanbillError("이 호출에는 subscription { id, serviceKey }가 필요합니다 (this call needs the client's subscription: { id, serviceKey })", {
      status: 0,
      code: 'client_usage',
      field: 'subscription',
    });
  }
  return c.subscription.id;
}
