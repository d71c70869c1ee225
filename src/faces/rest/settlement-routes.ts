/**
 * REST: 결제예정내역 (expected charges, docs/settlement.md), partner Access Key.
 *   GET /v1/partner/billing/expected        the period's totals (supply, VAT, total) and one page of ledger rows
 *   GET /v1/partner/billing/expected.xlsx   the same query (or ?ids=…) as a streamed .xlsx with the totals
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../platform/context.ts';
import type { ApiGuard } from '../../modules/access/api-guard.ts';
import { CHARGE_TYPES, chargeTypeName, listExpectedCharges, MAX_PAGE_SIZE, type ExpectedChargeRow } from '../../modules/settlement/expected-charges.ts';
import { exportExpectedCharges } from '../../modules/settlement/export-expected-charges.ts';
import { partnerCaller } from './partner-caller.ts';
import { errors, StringEnum } from './schemas.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const Time = Type.String({ format: 'date-time' });

export const ChargeRowSchema = Type.Object(
  {
    id: Type.Integer({ description: '이용내역 번호 (the ledger row; ids= selects it for the download)' }),
    eventKey: Type.String({ description: 'msg:<attempt id>, doc:<document id>, nts:<filing id>' }),
    type: StringEnum([...CHARGE_TYPES, 'other'] as const, { description: '유형' }),
    typeName: Type.String({ description: '유형 표시명: 알림톡, 친구톡 텍스트, … , 세금계산서 발행, 국세청 전송' }),
    unitId: Type.Integer({ description: '서비스유닛 (service unit)' }),
    title: Type.String({ description: '템플릿 제목 (message: the template name, else the subject or the start of the text)' }),
    sender: Type.String({ description: '발신번호 / 채널ID (message)' }),
    recipient: Type.String({ description: '수신번호 (message)' }),
    documentNo: Type.String({ description: '문서 번호: 국세청 승인번호, else the document key (document, filing)' }),
    counterparty: Type.String({ description: '거래처: the buyer (document, filing)' }),
    sentAt: Type.String({ format: 'date-time', description: '발송일시: a message\'s send, else the event' }),
    occurredAt: Type.String({ format: 'date-time', description: '과금 시점: delivered, issued or filed' }),
    quantity: Type.Integer(),
    unitPriceKrw: Type.Integer({ description: '단가: the price in effect at the event (contract price if any), KRW, VAT excluded' }),
    amountKrw: Type.Integer({ description: '이용금액 (VAT 별도) = 단가 × 수량' }),
  },
  { $id: 'ExpectedChargeRow', additionalProperties: false },
);

const queryFields = {
  month: Type.Optional(Type.String({ description: '조회 월 (KST) YYYY-MM; default the current month. Not with from/to', examples: ['2026-11'] })),
  from: Type.Optional(Type.String({ description: '기간 시작일 (KST) YYYY-MM-DD or YYYYMMDD, with to', examples: ['2026-11-01'] })),
  to: Type.Optional(Type.String({ description: '기간 종료일 (KST, inclusive), ≤ 13 months after from', examples: ['2026-11-30'] })),
  type: Type.Optional(StringEnum([...CHARGE_TYPES, 'all'] as const, { description: '유형 (type); all or absent: every type' })),
  q: Type.Optional(Type.String({ description: '검색어: 템플릿 제목 또는 내용; 거래처, 문서 번호 (≤ 100 characters)' })),
};
const ListQuery = Type.Object({
  ...queryFields,
  page: Type.Optional(Type.Integer({ minimum: 1, description: '페이지 (from 1)' })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, description: `한 페이지 건수 (≤ ${MAX_PAGE_SIZE}; default 20)` })),
});
const XlsxQuery = Type.Object({
  ...queryFields,
  ids: Type.Optional(Type.String({ description: '선택한 이용내역 번호, 쉼표로 구분 (only these rows, still within the period)', examples: ['12,15'] })),
});
const partnerSecurity = [{ partnerKey: [] }];

export function chargeRowJson(r: ExpectedChargeRow) {
  return { ...r, typeName: chargeTypeName(r.type), sentAt: r.sentAt.toISOString(), occurredAt: r.occurredAt.toISOString() };
}

export async function settlementRoutes(instance: FastifyInstance, opts: { ctx: Ctx; guard: ApiGuard }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx, guard } = opts;
  app.addSchema(ChargeRowSchema);
  const tags = ['settlement'];

  app.get('/v1/partner/billing/expected', {
    schema: {
      tags, security: partnerSecurity,
      summary: '결제예정내역 (expected charges: the usage of a period at the prices in effect, with supply, VAT and total)',
      description: 'VAT is 10 % of the period\'s supply, 원 미만 절사 (floor), computed once on the total, never per row. Rows newest first.',
      querystring: ListQuery,
      response: {
        200: Type.Object({
          period: Type.Object({ month: Type.Union([Type.String(), Type.Null()]), from: Time, to: Type.String({ format: 'date-time', description: 'exclusive' }) }),
          total: Type.Object({
            count: Type.Integer({ description: '건수 (rows the query matches)' }),
            supplyKrw: Type.Integer({ description: '공급가액 (Σ 이용금액)' }),
            vatKrw: Type.Integer({ description: '부가세 = floor(공급가액 × 10 / 100)' }),
            totalKrw: Type.Integer({ description: '합계 = 공급가액 + 부가세' }),
          }),
          page: Type.Integer(),
          pageSize: Type.Integer(),
          nextPage: Type.Union([Type.Integer(), Type.Null()]),
          data: Type.Array(Type.Ref('ExpectedChargeRow')),
        }),
        ...errors(400, 401, 403),
      },
    },
  }, async (req) => {
    const p = await partnerCaller(req, guard, { readsOwnBilling: true });
    const r = await listExpectedCharges(ctx, p.partnerId, req.query);
    return {
      period: { month: r.query.month, from: r.query.from.toISOString(), to: r.query.to.toISOString() },
      total: r.totals,
      page: r.query.page,
      pageSize: r.query.pageSize,
      nextPage: r.nextPage,
      data: r.rows.map(chargeRowJson),
    };
  });

  app.get('/v1/partner/billing/expected.xlsx', {
    schema: {
      tags, security: partnerSecurity,
      summary: '결제예정내역 엑셀 다운로드 (the same query, or a selection, as a streamed .xlsx with the totals; KST times)',
      querystring: XlsxQuery,
      produces: [XLSX],
      response: { ...errors(400, 401, 403) },
    },
  }, async (req, reply) => {
    const p = await partnerCaller(req, guard, { readsOwnBilling: true });
    const x = exportExpectedCharges(ctx, p.partnerId, req.query);
    return reply
      .type(XLSX)
      .header('content-disposition', `attachment; filename="expected-charges.xlsx"; filename*=UTF-8''${encodeURIComponent(x.fileName)}`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(x.stream);
  });
}
