/**
 * Who may act on a subscription through REST: the subscription's own `X-Svc-Key`, checked after the API
 * guard has looked at a partner key (`Authorization: Bearer`), its IP allow-list and the partner's state.
 */
import type { FastifyRequest } from 'fastify';
import type { Ctx } from '../../platform/context.ts';
import { authenticateSubscription, type Tenant } from '../../modules/subscriptions/authenticate-subscription.ts';
import type { ApiGuard } from '../legacy/legacy-commands.ts';
import { AppError } from '../../platform/errors.ts';

export async function restTenant(ctx: Ctx, req: FastifyRequest, subscriptionId: number, guard: ApiGuard | undefined): Promise<Tenant> {
  const auth = req.headers.authorization;
  const bearer = auth?.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : undefined;
  const svcKey = req.headers['x-svc-key'];
  try {
    // inside the try: the guard's own sinch_no errors (not canonical, not this partner's) name subscriptionId too
    const partner = await guard?.({ face: 'rest', ip: req.ip, bearer, page: req.routeOptions.url ?? req.url, cmd: req.method.toLowerCase(), fields: { sinch_no: String(subscriptionId) } });
    if (typeof svcKey !== 'string' || svcKey === '') {
      throw new AppError('unauthenticated', 'X-Svc-Key: 서비스키 헤더가 필요합니다 (the subscription service key header is required)', { field: 'X-Svc-Key' });
    }
    return await authenticateSubscription(ctx, subscriptionId, svcKey, partner ? { partnerId: partner.partnerId } : undefined);
  } catch (err) {
    if (err instanceof AppError && err.field === 'svc_key') throw new AppError(err.code, err.message.replace(/^svc_key:/, 'X-Svc-Key:'), { field: 'X-Svc-Key' });
    if (err instanceof AppError && err.field === 'sinch_no') throw new AppError(err.code, err.message.replace(/^sinch_no:/, 'subscriptionId:'), { field: 'subscriptionId' });
    throw err;
  }
}
