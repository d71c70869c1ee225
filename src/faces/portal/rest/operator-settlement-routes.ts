/**
 * REST (operator console): a partner's contract prices (docs/settlement.md "Prices"), operator session (CSRF on
 * changes) or the operator token as Bearer.
 *   GET /v1/operator/partners/{id}/unit-prices            every contract row of the partner (in effect now marked)
 *   PUT /v1/operator/partners/{id}/unit-prices/{unitId}   set the price (and limit) from validFrom (default now), audited
 * A PUT repeated with the same validFrom replaces that row: the same request twice leaves one row.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../../platform/context.ts';
import { errors } from '../../rest/schemas.ts';
import { listPartnerUnitPrices, MAX_UNIT_PRICE_KRW, setPartnerUnitPrice, type PartnerUnitPrice } from '../../../modules/settlement/partner-unit-prices.ts';
import { requireOperator } from '../portal-http.ts';
import { csrfHeader, opSecurity, schema } from './schemas.ts';

const PartnerUnitPriceSchema = Type.Object(
  {
    partnerId: Type.Integer(),
    unitId: Type.Integer({ description: '서비스유닛 번호 (service unit)' }),
    unitName: Type.String(),
    meteredItem: Type.String({ description: 'e.g. message_alimtalk, tax_invoice_issued, nts_filing_succeeded' }),
    listPriceKrw: Type.Integer({ description: '유닛 기본 단가 (the unit\'s own price, KRW, VAT excluded)' }),
    unitPriceKrw: Type.Integer({ description: '계약 단가 (the contract price, KRW, VAT excluded)' }),
    limitPerPeriod: Type.Union([Type.Integer(), Type.Null()], { description: '계약 한도 per the unit\'s period (null: the unit\'s own limit; 0: none)' }),
    validFrom: Type.String({ format: 'date-time', description: '적용 시작 (in effect from)' }),
    inEffect: Type.Boolean({ description: '현재 적용 중 (the row in effect now)' }),
  },
  { $id: 'PartnerUnitPrice', additionalProperties: false },
);
const json = (p: PartnerUnitPrice) => ({ ...p, validFrom: p.validFrom.toISOString() });
const Params = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });
const UnitParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), unitId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });

export async function operatorSettlementRoutes(instance: FastifyInstance, opts: { ctx: Ctx; operatorToken: string }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = opts;
  app.addSchema(PartnerUnitPriceSchema);
  const tags = ['settlement (operator)'];
  const op = (req: FastifyRequest) => requireOperator(ctx, req, { operatorToken: opts.operatorToken });

  app.get('/v1/operator/partners/:id/unit-prices', schema({
    tags, security: opSecurity, summary: '파트너 계약 단가 목록 (a partner\'s contract prices, oldest first per unit)', params: Params,
    response: { 200: Type.Object({ data: Type.Array(Type.Ref('PartnerUnitPrice')) }), ...errors(401, 404) },
  }), async (req) => {
    await op(req);
    return { data: (await listPartnerUnitPrices(ctx, req.params.id)).map(json) };
  });

  app.put('/v1/operator/partners/:id/unit-prices/:unitId', schema({
    tags, security: opSecurity, headers: csrfHeader,
    summary: '파트너 계약 단가 설정 (set a partner\'s price of a unit from a time on; audited)',
    description: 'The price in effect at an event (a message sent, a document issued, a filing accepted) is the contract row with the latest `validFrom` at or before it, else the unit\'s own price. Rows of earlier starts stay, so past usage keeps its price. The same `validFrom` again replaces that row.',
    params: UnitParams,
    body: Type.Object({
      unitPriceKrw: Type.Integer({ minimum: 0, maximum: MAX_UNIT_PRICE_KRW, description: '계약 단가, 원 (KRW, VAT excluded)' }),
      limitPerPeriod: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: '한도 per the unit\'s period (0: none; null or absent: the unit\'s own). Enforced for documents issued' })),
      validFrom: Type.Optional(Type.String({ description: '적용 시작: YYYY-MM-DD (00:00 KST) or an ISO date-time with an offset; default now', examples: ['2026-12-01'] })),
    }, { additionalProperties: false }),
    response: { 200: Type.Object({ data: Type.Array(Type.Ref('PartnerUnitPrice'), { description: 'the partner\'s rows of this unit' }) }), ...errors(400, 401, 403, 404) },
  }), async (req) => {
    const o = await op(req);
    return { data: (await setPartnerUnitPrice(ctx, o.actor, { partnerId: req.params.id, unitId: req.params.unitId, input: req.body })).map(json) };
  });
}
