/**
 * REST: reservations (예약발송, docs/messaging.md "Sending").
 *   partner (Access Key):  GET /v1/reservations · DELETE /v1/reservations/{id}
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../platform/context.ts';
import type { ApiGuard } from '../../modules/access/api-guard.ts';
import { listReservations, MAX_RESERVATION_PAGE } from '../../modules/messaging/sending/list-reservations.ts';
import { cancelReservation } from '../../modules/messaging/sending/cancel-reservation.ts';
import { batchJson, MessageBatchSchema } from './message-routes.ts';
import { partnerCaller } from './partner-caller.ts';
import { errors } from './schemas.ts';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const partnerSecurity = [{ partnerKey: [] }];

export async function reservationRoutes(instance: FastifyInstance, opts: { ctx: Ctx; guard: ApiGuard }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx, guard } = opts;
  const Reservation = Type.Object(MessageBatchSchema.properties, { $id: 'MessageReservation' });
  app.addSchema(Reservation);
  const tags = ['messaging: reservations'];

  app.get(
    '/v1/reservations',
    {
      schema: {
        tags, security: partnerSecurity,
        summary: '예약 목록 (pending reserved batches, soonest first: reserveAt, or ads held to 08:00 KST)',
        querystring: Type.Object({
          offset: Type.Optional(Type.Integer({ minimum: 0, description: '건너뛸 건수 (rows to skip)' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_RESERVATION_PAGE, description: '≤ 1,000, default 100' })),
        }),
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('MessageReservation')), total: Type.Integer({ description: '전체 예약 건수 (all pending reservations)' }) }), ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const p = await partnerCaller(req, guard);
      const r = await listReservations(ctx, p.partnerId, { offset: req.query.offset, limit: req.query.limit });
      return { total: r.total, data: r.data.map(batchJson) };
    },
  );
  app.delete(
    '/v1/reservations/:id',
    {
      schema: {
        tags, security: partnerSecurity,
        summary: '예약 취소 (until 10 minutes before reserveAt: the batch and its recipients become cancelled)',
        params: IdParams,
        response: { 200: Type.Ref('MessageReservation'), ...errors(401, 403, 404, 409) },
      },
    },
    async (req) => {
      const p = await partnerCaller(req, guard);
      return batchJson(await cancelReservation(ctx, p.partnerId, req.params.id));
    },
  );
}
