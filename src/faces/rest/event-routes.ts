/**
 * REST: the event log (issue 14, docs/events.md) — every state change of documents, filings, messages, bills and
 * keys, read back with a cursor to catch up after an outage or instead of webhooks.
 *   partner (Access Key):  GET /v1/events                                  the partner's and its members' events
 *   subscription:          GET /v1/subscriptions/{subscriptionId}/events   that subscription's events
 * Answers are never cached (Cache-Control: no-store): a poller must see what became visible since.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../platform/context.ts';
import type { ApiGuard } from '../../modules/access/api-guard.ts';
import { EVENT_OBJECT_TYPES, EVENT_TYPE_NAMES } from '../../modules/events/event-catalogue.ts';
import { listEvents, MAX_EVENT_PAGE, type EventFilter } from '../../modules/events/list-events.ts';
import { partnerCaller } from './partner-caller.ts';
import { restTenant } from './tenant-auth.ts';
import { errors, StringEnum } from './schemas.ts';

const EventSchema = Type.Object(
  {
    id: Type.String({ description: '이벤트 ID (the event id; a decimal string, unique)' }),
    type: StringEnum(EVENT_TYPE_NAMES, { description: '이벤트 유형 (the event type; docs/events.md)' }),
    occurredAt: Type.String({ description: '발생 시각, KST ISO 8601 (when the change happened)' }),
    subscriptionId: Type.Union([Type.Integer(), Type.Null()], { description: '신청번호 (the subscription of the change; null for a partner-level event)' }),
    object: Type.Object({
      type: StringEnum(EVENT_OBJECT_TYPES, { description: '객체 유형 (the changed object type)' }),
      id: Type.String({ description: '객체 ID: dockey, reqkey, batch id, recipient id, order number, partner id or key id (docs/events.md)' }),
      state: Type.String({ description: '변경 후 상태 (the object state after the change)' }),
    }),
    data: Type.Record(Type.String(), Type.Unknown(), { description: '요약 (a small summary of the change; never a secret)' }),
  },
  { $id: 'Event' },
);

const EventPageSchema = Type.Object({
  data: Type.Array(Type.Ref('Event')),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: '다음 요청의 cursor (pass as cursor; kept when nothing new was visible; null only when nothing was ever read)' }),
  hasMore: Type.Boolean({ description: '바로 이어서 더 읽을 이벤트가 있음 (more events are visible now)' }),
});

const Query = {
  type: Type.Optional(Type.String({ maxLength: 2000, description: '이벤트 유형, 쉼표로 구분 (comma-separated event types, e.g. document.issued,nts_filing.succeeded)' })),
  objectType: Type.Optional(Type.String({ maxLength: 40, description: `객체 유형 (object type: ${EVENT_OBJECT_TYPES.join(', ')})` })),
  objectId: Type.Optional(Type.String({ maxLength: 200, description: '객체 ID (one object, e.g. a dockey)' })),
  cursor: Type.Optional(Type.String({ maxLength: 100, description: '이전 응답의 nextCursor (the previous answer’s nextCursor; absent: from the oldest kept event)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_EVENT_PAGE, description: `1~${MAX_EVENT_PAGE}, default 100` })),
};

type QueryValues = { type?: string; objectType?: string; objectId?: string; cursor?: string; limit?: number };

function filterOf(q: QueryValues): EventFilter {
  const types = q.type === undefined ? undefined : q.type.split(',').map((t) => t.trim()).filter(Boolean);
  return {
    ...(types?.length ? { types } : {}),
    ...(q.objectType !== undefined ? { objectType: q.objectType } : {}),
    ...(q.objectId !== undefined ? { objectId: q.objectId } : {}),
    ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
    ...(q.limit !== undefined ? { limit: q.limit } : {}),
  };
}

const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

export async function eventRoutes(instance: FastifyInstance, opts: { ctx: Ctx; guard: ApiGuard }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx, guard } = opts;
  app.addSchema(EventSchema);
  const tags = ['events'];
  const description =
    'Events in a total order (docs/events.md): follow `nextCursor` until `hasMore` is false, then poll with the last cursor. ' +
    'A cursor never skips an event committed later. Events are kept 30 days.';

  app.get(
    '/v1/events',
    {
      schema: {
        tags,
        security: [{ partnerKey: [] }],
        summary: '이벤트 목록 (the partner’s events and its members’ subscriptions’ events, oldest first)',
        description,
        querystring: Type.Object({ ...Query, subscriptionId: Type.Optional(Type.Integer({ minimum: 1, description: '신청번호: 이 파트너 회원의 서비스만 (only this subscription of one of the partner’s members)' })) }),
        response: { 200: EventPageSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const p = await partnerCaller(req, guard);
      noStore(reply);
      return listEvents(ctx, { partnerId: p.partnerId }, { ...filterOf(req.query), ...(req.query.subscriptionId !== undefined ? { subscriptionId: req.query.subscriptionId } : {}) });
    },
  );

  app.get(
    '/v1/subscriptions/:subscriptionId/events',
    {
      schema: {
        tags,
        security: [{ svcKey: [] }, { svcKey: [], partnerKey: [] }],
        summary: '서비스 이벤트 목록 (this subscription’s events, oldest first)',
        description,
        params: Type.Object({ subscriptionId: Type.Integer({ minimum: 1 }) }),
        querystring: Type.Object(Query),
        response: { 200: EventPageSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const tenant = await restTenant(ctx, req, req.params.subscriptionId, guard);
      noStore(reply);
      return listEvents(ctx, { subscriptionId: tenant.subscriptionId }, filterOf(req.query));
    },
  );
}
