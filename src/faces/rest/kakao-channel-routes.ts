/**
 * REST: Kakao channels (발신 프로필, docs/messaging.md "Senders").
 *   partner (Access Key):  POST /v1/kakao/channels · POST /v1/kakao/channels/{id}/token · POST /v1/kakao/channels/{id}/confirm
 *                          · GET /v1/kakao/channels
 *   operator (token):      POST /v1/operator/kakao/channels/{id}/state
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { ApiGuard } from '../../modules/access/api-guard.ts';
import type { KakaoGateway } from '../../modules/messaging/kakao-gateway.ts';
import { registerKakaoChannel } from '../../modules/messaging/register-kakao-channel.ts';
import { requestKakaoChannelToken } from '../../modules/messaging/request-kakao-channel-token.ts';
import { confirmKakaoChannel, countWrongKakaoToken } from '../../modules/messaging/confirm-kakao-channel.ts';
import { listKakaoChannels } from '../../modules/messaging/list-kakao-channels.ts';
import { setKakaoChannelState } from '../../modules/messaging/set-kakao-channel-state.ts';
import type { KakaoChannel } from '../../modules/messaging/kakao-channel-view.ts';
import { operatorGuard } from './operator-auth.ts';
import { partnerCaller } from './partner-caller.ts';
import { runIdempotent } from './idempotency.ts';
import { errors, IdempotencyKeyHeader, StringEnum } from './schemas.ts';

const STATES = ['pending', 'active', 'dormant', 'blocked'] as const;
const Nullable = (s: ReturnType<typeof Type.String>) => Type.Union([s, Type.Null()]);

const KakaoChannelSchema = Type.Object(
  {
    id: Type.Integer(),
    partnerId: Type.Integer(),
    searchId: Type.String({ description: '채널 검색용 아이디 (@…)' }),
    adminPhone: Type.String(),
    categoryCode: Type.String(),
    senderKey: Nullable(Type.String({ description: "Kakao's 40-character senderKey, once confirmed" })),
    state: StringEnum(STATES, { description: 'pending (토큰 인증 대기) → active; the operator sets dormant / blocked / active' }),
    stateComment: Type.String(),
    tokenAttemptsLeft: Type.Integer({ description: 'wrong tokens still allowed before a new token must be requested' }),
    tokenSentAt: Nullable(Type.String({ format: 'date-time' })),
    confirmedAt: Nullable(Type.String({ format: 'date-time' })),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'KakaoChannel' },
);
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const partnerSecurity = [{ partnerKey: [] }];
const operatorSecurity = [{ operatorToken: [] }];

function view(c: KakaoChannel) {
  return {
    ...c,
    tokenSentAt: c.tokenSentAt?.toISOString() ?? null,
    confirmedAt: c.confirmedAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export async function kakaoChannelRoutes(instance: FastifyInstance, opts: { ctx: Ctx; guard: ApiGuard; operatorToken: string; gateway: KakaoGateway }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx, guard, gateway } = opts;
  app.addSchema(KakaoChannelSchema);
  const tags = ['messaging: senders'];

  app.post(
    '/v1/kakao/channels',
    {
      schema: {
        tags, security: partnerSecurity, summary: '카카오 채널(발신 프로필) 등록: a token is sent to the admin\'s KakaoTalk, then confirm it',
        headers: IdempotencyKeyHeader,
        body: Type.Object({
          searchId: Type.String({ description: '@ + the channel\'s search ID (≤ 30 characters)', examples: ['@hanbill'] }),
          adminPhone: Type.String({ description: "the channel admin's mobile number, digits only", examples: ['01012345678'] }),
          categoryCode: Type.String({ description: '11-digit category code', examples: ['00100010001'] }),
        }),
        response: { 201: Type.Ref('KakaoChannel'), ...errors(400, 401, 403, 409, 502) },
      },
    },
    async (req, reply) => {
      const p = await partnerCaller(req, guard);
      const r = await runIdempotent(ctx, req, `partner:${p.partnerId}`, async (c) => ({ status: 201, body: view(await registerKakaoChannel(c, gateway, p.partnerId, req.body)) }));
      return reply.code(r.status as 201).send(r.body);
    },
  );
  app.post(
    '/v1/kakao/channels/:id/token',
    {
      schema: {
        tags, security: partnerSecurity, summary: '토큰 재요청 (send a new token to the admin\'s KakaoTalk; the old one is void)',
        headers: IdempotencyKeyHeader, params: IdParams, response: { 200: Type.Ref('KakaoChannel'), ...errors(400, 401, 403, 404, 409, 502) },
      },
    },
    async (req) => {
      const p = await partnerCaller(req, guard);
      return (await runIdempotent(ctx, req, `partner:${p.partnerId}`, async (c) => ({ status: 200, body: view(await requestKakaoChannelToken(c, gateway, { partnerId: p.partnerId, id: req.params.id })) }))).body;
    },
  );
  app.post(
    '/v1/kakao/channels/:id/confirm',
    {
      schema: {
        tags, security: partnerSecurity, summary: '토큰 인증 (the token from KakaoTalk → senderKey, state active)',
        headers: IdempotencyKeyHeader, params: IdParams, body: Type.Object({ token: Type.String({ description: 'the digits sent to the admin\'s KakaoTalk' }) }),
        response: { 200: Type.Ref('KakaoChannel'), ...errors(400, 401, 403, 404, 409, 429, 502) },
      },
    },
    async (req) => {
      const p = await partnerCaller(req, guard);
      try {
        return (await runIdempotent(ctx, req, `partner:${p.partnerId}`, async (c) => ({ status: 200, body: view(await confirmKakaoChannel(c, gateway, { partnerId: p.partnerId, id: req.params.id, input: req.body })) }))).body;
      } catch (err) {
        // the refused request's transaction is rolled back: the wrong try is counted on its own
        if (err instanceof AppError && err.code === 'kakao_token_mismatch') await countWrongKakaoToken(ctx, { partnerId: p.partnerId, id: req.params.id });
        throw err;
      }
    },
  );
  app.get(
    '/v1/kakao/channels',
    { schema: { tags, security: partnerSecurity, summary: '카카오 채널 목록 (this partner\'s channels, newest first)', response: { 200: Type.Object({ data: Type.Array(Type.Ref('KakaoChannel')) }), ...errors(401, 403) } } },
    async (req) => {
      const p = await partnerCaller(req, guard);
      return { data: (await listKakaoChannels(ctx, p.partnerId)).map(view) };
    },
  );

  app.post(
    '/v1/operator/kakao/channels/:id/state',
    {
      onRequest: operatorGuard(opts.operatorToken),
      schema: {
        tags: ['messaging: senders (operator)'], security: operatorSecurity, summary: '채널 상태 변경 (set a confirmed channel active, dormant or blocked)',
        headers: IdempotencyKeyHeader, params: IdParams,
        body: Type.Object({ state: StringEnum(['active', 'dormant', 'blocked'] as const), comment: Type.Optional(Type.String({ description: 'shown to the partner, ≤ 500 characters' })) }),
        response: { 200: Type.Ref('KakaoChannel'), ...errors(400, 401, 404, 409) },
      },
    },
    async (req) => (await runIdempotent(ctx, req, 'operator', async (c) => ({ status: 200, body: view(await setKakaoChannelState(c, { id: req.params.id, input: req.body })) }))).body,
  );
}
