/**
 * Dev: the tokens the in-process Kakao simulator "sent to the admins' KakaoTalk", as JSON.
 *
 *   GET /dev/kakao/tokens[?searchId=@…]      newest first
 *
 * Registered only where the simulator is (today: always). The tokens confirm any partner's channel, so
 * the route answers only a caller on this machine (the socket's loopback address — never a forwarding header,
 * trustProxy is off); anyone else gets 403. Not part of the REST reference.
 */
import { isLoopback } from '../loopback.ts';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { KakaoSimulator } from '../../simulators/kakao/kakao-simulator.ts';

export function kakaoTokenPlugin(simulator: Pick<KakaoSimulator, 'tokens'>): (app: FastifyInstance) => Promise<void> {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: Record<string, unknown> }>('/dev/kakao/tokens', { schema: { hide: true } }, async (req, reply) => {
      if (!isLoopback(req.socket.remoteAddress)) throw new AppError('forbidden', '이 서버가 실행 중인 컴퓨터에서만 볼 수 있습니다 (loopback callers only)');
      const searchId = typeof req.query['searchId'] === 'string' ? req.query['searchId'].toLowerCase() : undefined;
      const data = simulator
        .tokens()
        .filter((t) => searchId === undefined || t.searchId.toLowerCase() === searchId)
        .map((t) => ({ searchId: t.searchId, adminPhone: t.adminPhone, token: t.token, sentAt: t.sentAt.toISOString(), used: t.used }));
      return reply.header('cache-control', 'no-store').send({ data });
    });
  };
}
