/** REST (operator): CRM service units and packages. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../platform/context.ts';
import { createUnit, getUnit, listUnits, retireUnit, updateUnit } from '../../modules/catalog/manage-units.ts';
import { createPackage, getPackage, listPackages, retirePackage, updatePackage } from '../../modules/catalog/manage-packages.ts';
import { operatorGuard } from './operator-auth.ts';
import { runIdempotent } from './idempotency.ts';
import { errors, IdempotencyKeyHeader, Krw } from './schemas.ts';

const Unit = Type.Object(
  {
    id: Type.Integer({ description: '서비스유닛번호' }),
    name: Type.String(),
    meteredItem: Type.String({ description: 'what is counted, e.g. tax_invoice_issued, nts_filing, alimtalk_sent' }),
    unitPriceKrw: Type.Integer({ description: 'price per item in KRW, VAT excluded' }),
    limitPerPeriod: Type.Integer({ description: 'usage limit per period; 0 = none' }),
    period: Type.String({ enum: ['month', 'year', 'subscription'] }),
    retired: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'ServiceUnit' },
);
const Package = Type.Object(
  {
    id: Type.Integer({ description: '서비스패키지번호' }),
    name: Type.String(),
    description: Type.String(),
    priceKrw: Type.Integer(),
    periodMonths: Type.Integer({ description: 'subscription period in months; 0 = open-ended' }),
    unitIds: Type.Array(Type.Integer()),
    retired: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'ServicePackage' },
);

const unitBody = {
  name: Type.String({ maxLength: 100 }),
  meteredItem: Type.String(),
  unitPriceKrw: Type.Optional(Krw),
  limitPerPeriod: Type.Optional(Type.Integer({ minimum: 0 })),
  period: Type.Optional(Type.String({ enum: ['month', 'year', 'subscription'] })),
};
const packageBody = {
  name: Type.String({ maxLength: 100 }),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  priceKrw: Type.Optional(Krw),
  periodMonths: Type.Optional(Type.Integer({ minimum: 0, maximum: 120 })),
  unitIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }))),
};
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const ListQuery = Type.Object({ includeRetired: Type.Optional(Type.Boolean()) });
const security = [{ operatorToken: [] }];

export async function catalogRoutes(instance: FastifyInstance, opts: { ctx: Ctx; operatorToken: string }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = opts;
  app.addSchema(Unit);
  app.addSchema(Package);
  app.addHook('onRequest', operatorGuard(opts.operatorToken));
  const tags = ['catalog (operator)'];

  app.get('/v1/catalog/units', { schema: { tags, security, summary: '서비스유닛 목록', querystring: ListQuery, response: { 200: Type.Object({ data: Type.Array(Type.Ref('ServiceUnit')) }), ...errors(401) } } }, async (req) => ({
    data: await listUnits(ctx, req.query),
  }));
  app.post('/v1/catalog/units', { schema: { tags, security, summary: '서비스유닛 등록', headers: IdempotencyKeyHeader, body: Type.Object(unitBody), response: { 201: Type.Ref('ServiceUnit'), ...errors(400, 401) } } }, async (req, reply) => {
    const r = await runIdempotent(ctx, req, 'operator', async (c) => ({ status: 201, body: await createUnit(c, req.body) }));
    return reply.code(r.status as 201).send(r.body);
  });
  app.get('/v1/catalog/units/:id', { schema: { tags, security, summary: '서비스유닛 조회', params: IdParams, response: { 200: Type.Ref('ServiceUnit'), ...errors(401, 404) } } }, async (req) =>
    getUnit(ctx, req.params.id),
  );
  app.patch(
    '/v1/catalog/units/:id',
    { schema: { tags, security, summary: '서비스유닛 변경', params: IdParams, body: Type.Partial(Type.Object(unitBody)), response: { 200: Type.Ref('ServiceUnit'), ...errors(400, 401, 404) } } },
    async (req) => updateUnit(ctx, req.params.id, req.body),
  );
  app.delete(
    '/v1/catalog/units/:id',
    { schema: { tags, security, summary: '서비스유닛 폐지 (retire)', params: IdParams, response: { 200: Type.Ref('ServiceUnit'), ...errors(401, 404, 409) } } },
    async (req) => retireUnit(ctx, req.params.id),
  );

  app.get('/v1/catalog/packages', { schema: { tags, security, summary: '서비스패키지 목록', querystring: ListQuery, response: { 200: Type.Object({ data: Type.Array(Type.Ref('ServicePackage')) }), ...errors(401) } } }, async (req) => ({
    data: await listPackages(ctx, req.query),
  }));
  app.post('/v1/catalog/packages', { schema: { tags, security, summary: '서비스패키지 등록', headers: IdempotencyKeyHeader, body: Type.Object(packageBody), response: { 201: Type.Ref('ServicePackage'), ...errors(400, 401, 404) } } }, async (req, reply) => {
    const r = await runIdempotent(ctx, req, 'operator', async (c) => ({ status: 201, body: await createPackage(c, req.body) }));
    return reply.code(r.status as 201).send(r.body);
  });
  app.get('/v1/catalog/packages/:id', { schema: { tags, security, summary: '서비스패키지 조회', params: IdParams, response: { 200: Type.Ref('ServicePackage'), ...errors(401, 404) } } }, async (req) =>
    getPackage(ctx, req.params.id),
  );
  app.patch(
    '/v1/catalog/packages/:id',
    { schema: { tags, security, summary: '서비스패키지 변경', params: IdParams, body: Type.Partial(Type.Object(packageBody)), response: { 200: Type.Ref('ServicePackage'), ...errors(400, 401, 404) } } },
    async (req) => updatePackage(ctx, req.params.id, req.body),
  );
  app.delete(
    '/v1/catalog/packages/:id',
    { schema: { tags, security, summary: '서비스패키지 폐지 (retire)', params: IdParams, response: { 200: Type.Ref('ServicePackage'), ...errors(401, 404, 409) } } },
    async (req) => retirePackage(ctx, req.params.id),
  );
}
