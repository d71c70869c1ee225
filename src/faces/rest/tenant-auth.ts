/**
 * Who may act on a subscription through REST: the subscription's own `X-Svc-Key`, checked after the API
 * guard has looked at a partner key (`Authorization: Bearer`), its IP allow-list and the partner's state.
 */
import type { FastifyRequest } from 'fastify';
import type { Ctx } from '../../platform/context.ts';
import { authenticateSubscription, type Tenant } from '../../modules/subscriptions/authenticate-subscription.ts';
import type { ApiGuard } from '../../modules/access/api-guard.ts';
import { parseSubscriptionId } from '../../modules/subscriptions/subscription-id.ts';
import { bearerOf } from '../bearer.ts';
import { AppError, renameField } from '../../platform/errors.ts';

/** REST names of the subscriptions module's fields: the id is the path's `subscriptionId`, the key a header. */
const TENANT_FIELDS: Readonly<Record<string, string>> = { serviceKey: 'X-Svc-Key' };

export async function restTenant(ctx: Ctx, req: FastifyRequest, subscriptionId: number, guard: ApiGuard): Promise<Tenant> {
  const auth = req.headers.authorization;
  const bearer = bearerOf(auth);
  const svcKey = req.headers['x-svc-key'];
  try {
    // the path's id through the canonical reader, and exactly that id to the guard: the one the handler acts on
    const subject = { subscriptionId: parseSubscriptionId(subscriptionId, 'subscriptionId'), field: 'subscriptionId' };
    const partner = await guard({ face: 'rest', ip: req.ip, bearer, subject, operation: `${req.method} ${req.routeOptions.url ?? req.url}` });
    if (typeof svcKey !== 'string' || svcKey === '') {
      throw new AppError('unauthenticated', '서비스키 헤더가 필요합니다 (the subscription service key header is required)', { field: 'X-Svc-Key' });
    }
    return await authenticateSubscription(ctx, subscriptionId, svcKey, partner ? { partnerId: partner.partnerId } : undefined);
  } catch (err) {
    throw renameField(err, TENANT_FIELDS);
  }
}
