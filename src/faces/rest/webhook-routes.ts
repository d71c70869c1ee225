/**
 * REST: signed webhooks (docs/webhooks.md), partner (Access Key):
 *   POST /v1/webhook-endpoints · GET /v1/webhook-endpoints · GET|PATCH|DELETE /v1/webhook-endpoints/{endpointId}
 *   POST …/{endpointId}/rotate-secret · GET …/{endpointId}/deliveries · POST …/deliveries/{deliveryId}/redeliver
 * Another partner's endpoint is 404, always. The secret is in the answers of POST and rotate-secret only; an
 * answer kept for Idempotency-Key replay holds it sealed (endpoint-secrets.ts sealAnswerSecret).
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../platform/context.ts';
import type { ApiGuard } from '../../modules/access/api-guard.ts';
import { EVENT_TYPE_NAMES } from '../../modules/events/event-catalogue.ts';
import { registerEndpoint } from '../../modules/webhooks/register-endpoint.ts';
import { getEndpoint, listEndpoints } from '../../modules/webhooks/list-endpoints.ts';
import { updateEndpoint } from '../../modules/webhooks/update-endpoint.ts';
import { deleteEndpoint } from '../../modules/webhooks/delete-endpoint.ts';
import { MAX_ROTATION_HOURS, rotateEndpointSecret } from '../../modules/webhooks/rotate-endpoint-secret.ts';
import { listDeliveries, MAX_DELIVERY_PAGE } from '../../modules/webhooks/list-deliveries.ts';
import { redeliver } from '../../modules/webhooks/redeliver.ts';
import { openAnswerSecret, sealAnswerSecret } from '../../modules/webhooks/endpoint-secrets.ts';
import { MAX_DESCRIPTION } from '../../modules/webhooks/endpoint-input.ts';
import { MAX_URL_LENGTH } from '../../modules/webhooks/webhook-address.ts';
import { partnerCaller } from './partner-caller.ts';
import { runIdempotent } from './idempotency.ts';
import { errors, IdempotencyKeyHeader, StringEnum } from './schemas.ts';

const EventTypes = Type.Array(StringEnum(EVENT_TYPE_NAMES), { minItems: 1, maxItems: EVENT_TYPE_NAMES.length * 2, description: '받을 이벤트 유형 (event types to receive, of the catalogue; at least one)' });

const EndpointSchema = Type.Object(
  {
    id: Type.String({ description: '엔드포인트 ID (we_…)' }),
    url: Type.String({ description: 'https URL the events are POSTed to' }),
    events: Type.Array(Type.String()),
    description: Type.String(),
    enabled: Type.Boolean({ description: 'true when state is enabled' }),
    state: StringEnum(['enabled', 'disabled'] as const, { description: 'disabled: by the partner, or after 3 days of failed deliveries (the owner is mailed)' }),
    createdAt: Type.String({ description: 'KST ISO 8601' }),
    previousSecretExpiresAt: Type.Union([Type.String(), Type.Null()], { description: 'after a rotation: until then deliveries also carry a signature with the previous secret' }),
    failingSince: Type.Union([Type.String(), Type.Null()], { description: 'the first failed attempt since the last success' }),
    disabledAt: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'WebhookEndpoint' },
);
const CreatedEndpointSchema = Type.Object(
  { ...EndpointSchema.properties, secret: Type.String({ description: '서명 비밀키, 이 응답에서만 보여줌 (the signing secret: whsec_…, shown only in this answer)' }) },
  { $id: 'WebhookEndpointCreated' },
);
const AttemptSchema = Type.Object({
  at: Type.String({ description: 'KST ISO 8601' }),
  status: Type.Union([Type.Integer(), Type.Null()], { description: 'the HTTP status; null when no answer came (time-out, refused address, network error)' }),
  durationMs: Type.Integer(),
  responseExcerpt: Type.String({ description: 'the first 500 characters of the answer' }),
  error: Type.Union([Type.String(), Type.Null()]),
});
const DeliverySchema = Type.Object(
  {
    id: Type.String({ description: '전송 ID (whd_…): the Hanbill-Delivery header, the same on every attempt' }),
    eventId: Type.String(),
    eventType: Type.String(),
    objectId: Type.String(),
    state: StringEnum(['pending', 'succeeded', 'failed'] as const),
    attempts: Type.Integer(),
    nextAttemptAt: Type.Union([Type.String(), Type.Null()], { description: 'pending: the next attempt (it may also wait for an older delivery of the same object)' }),
    createdAt: Type.String(),
    attemptLog: Type.Array(AttemptSchema, { description: 'the attempts, oldest first (the latest 50)' }),
  },
  { $id: 'WebhookDelivery' },
);

const EndpointParams = Type.Object({ endpointId: Type.String({ maxLength: 100 }) });
const DeliveryParams = Type.Object({ endpointId: Type.String({ maxLength: 100 }), deliveryId: Type.String({ maxLength: 100 }) });
const security = [{ partnerKey: [] }];
const tags = ['webhooks'];

export async function webhookRoutes(instance: FastifyInstance, opts: { ctx: Ctx; guard: ApiGuard }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx, guard } = opts;
  app.addSchema(EndpointSchema);
  app.addSchema(CreatedEndpointSchema);
  app.addSchema(DeliverySchema);

  app.post(
    '/v1/webhook-endpoints',
    {
      schema: {
        tags, security, summary: '웹훅 엔드포인트 등록 (register an endpoint, at most 10; the secret is shown only in this answer)',
        headers: IdempotencyKeyHeader,
        body: Type.Object({
          url: Type.String({ maxLength: MAX_URL_LENGTH, description: 'https URL; internal addresses are refused', examples: ['https://example.com/hanbill/webhooks'] }),
          events: EventTypes,
          description: Type.Optional(Type.String({ maxLength: MAX_DESCRIPTION * 4, description: `≤ ${MAX_DESCRIPTION} characters` })),
        }),
        response: { 201: Type.Ref('WebhookEndpointCreated'), ...errors(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const p = await partnerCaller(req, guard);
      const r = await runIdempotent(ctx, req, `partner:${p.partnerId}`, async (c) => {
        const created = await registerEndpoint(c, p.partnerId, req.body);
        return { status: 201, body: { ...created, secret: sealAnswerSecret(ctx.masterKey, created.secret) } };
      });
      return reply.code(201).send({ ...r.body, secret: openAnswerSecret(ctx.masterKey, r.body.secret) });
    },
  );
  app.get(
    '/v1/webhook-endpoints',
    { schema: { tags, security, summary: '웹훅 엔드포인트 목록 (this partner’s endpoints, oldest first)', response: { 200: Type.Object({ data: Type.Array(Type.Ref('WebhookEndpoint')) }), ...errors(401, 403) } } },
    async (req) => {
      const p = await partnerCaller(req, guard);
      return { data: await listEndpoints(ctx, p.partnerId) };
    },
  );
  app.get(
    '/v1/webhook-endpoints/:endpointId',
    { schema: { tags, security, summary: '웹훅 엔드포인트 (one endpoint)', params: EndpointParams, response: { 200: Type.Ref('WebhookEndpoint'), ...errors(401, 403, 404) } } },
    async (req) => {
      const p = await partnerCaller(req, guard);
      return getEndpoint(ctx, p.partnerId, req.params.endpointId);
    },
  );
  app.patch(
    '/v1/webhook-endpoints/:endpointId',
    {
      schema: {
        tags, security, summary: '웹훅 엔드포인트 수정 (URL, events, description, enabled; enabling a disabled endpoint clears its failure streak and resumes its pending deliveries)',
        params: EndpointParams,
        body: Type.Object({
          url: Type.Optional(Type.String({ maxLength: MAX_URL_LENGTH })),
          events: Type.Optional(EventTypes),
          description: Type.Optional(Type.String({ maxLength: MAX_DESCRIPTION * 4 })),
          enabled: Type.Optional(Type.Boolean()),
        }),
        response: { 200: Type.Ref('WebhookEndpoint'), ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const p = await partnerCaller(req, guard);
      return updateEndpoint(ctx, p.partnerId, req.params.endpointId, req.body);
    },
  );
  app.delete(
    '/v1/webhook-endpoints/:endpointId',
    { schema: { tags, security, summary: '웹훅 엔드포인트 삭제 (its deliveries and their log go with it)', params: EndpointParams, response: { 204: Type.Null(), ...errors(401, 403, 404) } } },
    async (req, reply) => {
      const p = await partnerCaller(req, guard);
      await deleteEndpoint(ctx, p.partnerId, req.params.endpointId);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/v1/webhook-endpoints/:endpointId/rotate-secret',
    {
      schema: {
        tags, security, summary: '서명 비밀키 교체 (a new secret, shown only in this answer; the previous one keeps signing as a second v1 until previousSecretExpiresAt)',
        headers: IdempotencyKeyHeader,
        params: EndpointParams,
        body: Type.Optional(Type.Object({ expiresInHours: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_ROTATION_HOURS, description: `0..${MAX_ROTATION_HOURS}, default 24; 0: the previous secret stops at once` })) })),
        response: { 200: Type.Object({ secret: Type.String(), previousSecretExpiresAt: Type.Union([Type.String(), Type.Null()]) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const p = await partnerCaller(req, guard);
      const r = await runIdempotent(ctx, req, `partner:${p.partnerId}`, async (c) => {
        const rotated = await rotateEndpointSecret(c, p.partnerId, req.params.endpointId, req.body ?? {});
        return { status: 200, body: { ...rotated, secret: sealAnswerSecret(ctx.masterKey, rotated.secret) } };
      });
      return { ...r.body, secret: openAnswerSecret(ctx.masterKey, r.body.secret) };
    },
  );
  app.get(
    '/v1/webhook-endpoints/:endpointId/deliveries',
    {
      schema: {
        tags, security, summary: '전송 내역 (deliveries, newest first, each with its attempt log)',
        params: EndpointParams,
        querystring: Type.Object({
          cursor: Type.Optional(Type.String({ maxLength: 100, description: 'the previous answer’s nextCursor' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_DELIVERY_PAGE, description: `1~${MAX_DELIVERY_PAGE}, default 20` })),
        }),
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('WebhookDelivery')), nextCursor: Type.Union([Type.String(), Type.Null()]), hasMore: Type.Boolean() }), ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const p = await partnerCaller(req, guard);
      return listDeliveries(ctx, p.partnerId, req.params.endpointId, { ...(req.query.cursor !== undefined ? { cursor: req.query.cursor } : {}), ...(req.query.limit !== undefined ? { limit: req.query.limit } : {}) });
    },
  );
  app.post(
    '/v1/webhook-endpoints/:endpointId/deliveries/:deliveryId/redeliver',
    {
      schema: {
        tags, security, summary: '다시 보내기 (a new attempt of the same delivery, same id and body, whatever its state)',
        headers: IdempotencyKeyHeader,
        params: DeliveryParams,
        response: { 202: Type.Object({ id: Type.String(), state: Type.Literal('pending') }), ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const p = await partnerCaller(req, guard);
      const r = await runIdempotent(ctx, req, `partner:${p.partnerId}`, async (c) => {
        await redeliver(c, p.partnerId, req.params.endpointId, req.params.deliveryId);
        return { status: 202, body: { id: req.params.deliveryId, state: 'pending' as const } };
      });
      return reply.code(202).send(r.body);
    },
  );
}
