/**
 * REST: 결제완료/미납내역 (a partner's bills, docs/settlement.md "Bills, adjustments and pages"), partner Access Key.
 *   GET /v1/partner/bills               the partner's bills (state, method, from/to periods; paging) with sums
 *   GET /v1/partner/bills.xlsx          the same query (or ?orderNos=…) as a streamed .xlsx
 *   GET /v1/partner/bills/{orderNo}     one bill with its lines, payments, adjustments and (paged) usage;
 *                                       another partner's order number answers 404 bill_not_found
 * The JSON shapes (bill-json.ts) are shared with the operator's routes (faces/portal/rest/operator-bill-routes.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../platform/context.ts';
import type { ApiGuard } from '../../modules/access/api-guard.ts';
import { listBills } from '../../modules/settlement/billing/list-bills.ts';
import { getBill } from '../../modules/settlement/billing/get-bill.ts';
import { exportBills } from '../../modules/settlement/billing/export-bills.ts';
import { partnerCaller } from './partner-caller.ts';
import { errors } from './schemas.ts';
import { billDetailJson, BillDetailJson, BillDetailQuery, billPaging, billQueryFields, billsPageJson, BillsPageJson, OrderNoParams, XLSX, xlsxHeaders } from './bill-json.ts';

export async function billRoutes(instance: FastifyInstance, opts: { ctx: Ctx; guard: ApiGuard }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx, guard } = opts;
  const tags = ['settlement'];
  const security = [{ partnerKey: [] }];

  app.get('/v1/partner/bills', {
    schema: {
      tags, security,
      summary: '결제완료/미납내역 (the partner\'s bills, newest period first, with sums)',
      querystring: Type.Object({ ...billQueryFields, ...billPaging }),
      response: { 200: BillsPageJson, ...errors(400, 401, 403) },
    },
  }, async (req) => {
    const p = await partnerCaller(req, guard, { readsOwnBilling: true });
    return billsPageJson(await listBills(ctx, req.query, { partnerId: p.partnerId }));
  });

  app.get('/v1/partner/bills.xlsx', {
    schema: {
      tags, security,
      summary: '결제완료/미납내역 엑셀 다운로드 (the same query, or a selection of order numbers, as a streamed .xlsx)',
      querystring: Type.Object({ ...billQueryFields, orderNos: Type.Optional(Type.String({ description: '선택한 주문번호, 쉼표로 구분', examples: ['2611000001,2610000007'] })) }),
      produces: [XLSX],
      response: { ...errors(400, 401, 403) },
    },
  }, async (req, reply) => {
    const p = await partnerCaller(req, guard, { readsOwnBilling: true });
    const x = exportBills(ctx, req.query, { partnerId: p.partnerId });
    return reply.headers(xlsxHeaders(x.fileName, 'bills.xlsx')).send(x.stream);
  });

  app.get('/v1/partner/bills/:orderNo', {
    schema: {
      tags, security,
      summary: '청구서 상세 (one bill: lines, payments, adjustments, and its usage paged)',
      params: OrderNoParams,
      querystring: BillDetailQuery,
      response: { 200: BillDetailJson, ...errors(400, 401, 403, 404) },
    },
  }, async (req) => {
    const p = await partnerCaller(req, guard, { readsOwnBilling: true });
    return billDetailJson(await getBill(ctx, { orderNo: req.params.orderNo, partnerId: p.partnerId, usagePage: req.query.usagePage, usagePageSize: req.query.usagePageSize }));
  });
}
