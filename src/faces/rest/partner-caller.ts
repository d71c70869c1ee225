/** The partner calling a partner-owned REST resource: `Authorization: Bearer <Access Key>` through the API guard. */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { ApiGuard, CallerPartner } from '../../modules/access/api-guard.ts';
import { bearerOf } from '../bearer.ts';

/** `readsOwnBilling`: a GET of the partner's own billing, answered while it is suspended for arrears (api-guard.ts). */
export async function partnerCaller(req: FastifyRequest, guard: ApiGuard, opts: { readsOwnBilling?: boolean } = {}): Promise<CallerPartner> {
  const bearer = bearerOf(req.headers.authorization);
  if (!bearer) throw new AppError('api_key_invalid', '연동 API Key가 필요합니다 (Authorization: Bearer <Access Key> required)', { field: 'Authorization' });
  const p = await guard({ face: 'rest', ip: req.ip, bearer, subject: undefined, operation: `${req.method} ${req.routeOptions.url ?? req.url}`, ...(opts.readsOwnBilling ? { readsOwnBilling: true } : {}) });
  if (!p) throw new AppError('api_key_invalid', '연동 API Key가 필요합니다 (API key required)', { field: 'Authorization' });
  return p;
}
