/** Operator endpoints: `Authorization: Bearer <HANBILL_OPERATOR_TOKEN>` (the portal's operator sessions come later). */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { bearerOf } from '../bearer.ts';
import { safeEqual, sha256 } from '../../platform/tokens.ts';

export function operatorGuard(operatorToken: string) {
  const expected = sha256(operatorToken);
  return async (req: FastifyRequest): Promise<void> => {
    const auth = req.headers.authorization ?? '';
    const given = bearerOf(auth) ?? '';
    if (!given || !safeEqual(sha256(given), expected)) {
      req.log.warn({ ip: req.ip, url: req.url }, 'operator authentication failed');
      throw new AppError('unauthenticated', '운영자 토큰이 필요합니다 (operator bearer token required)', { field: 'Authorization' });
    }
  };
}
