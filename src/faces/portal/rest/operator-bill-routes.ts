/**
 * REST (operator console): every partner's bills and adjustments (docs/settlement.md "Bills, adjustments and
 * pages"), operator session (CSRF on changes) or the operator token as Bearer.
 *   GET  /v1/operator/bills                             bills of every partner (partnerId, state, method, from, to; paging)
 *   GET  /v1/operator/bills/{orderNo}                   one bill with lines, payments, adjustments, its bank notices, usage
 *   POST /v1/operator/bills/{orderNo}/adjustments       { supplyDeltaKrw: ±n, reason } → the bill's new amounts and, when
 *                                                       its invoice was issued, the 수정세금계산서; Idempotency-Key honoured
 *   GET  /v1/operator/bank-notices/unmatched            notices applied to nothing (an account we do not know)
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../../platform/context.ts';
import { errors, IdempotencyKeyHeader } from '../../rest/schemas.ts';
import { runIdempotent } from '../../rest/idempotency.ts';
import { listBills } from '../../../modules/settlement/billing/list-bills.ts';
import { getBill } from '../../../modules/settlement/billing/get-bill.ts';
import { adjustBill, MAX_ADJUSTMENT_KRW, MAX_REASON_LENGTH } from '../../../modules/settlement/billing/adjust-bill.ts';
import { listBillNotices, listUnmatchedNotices, type BankNoticeView } from '../../../modules/settlement/billing/list-bank-notices.ts';
import { billDetailJson, BillDetailJson, BillDetailQuery, billPaging, billQueryFields, billsPageJson, BillsPageJson, OrderNoParams } from '../../rest/bill-json.ts';
import { requireOperator } from '../portal-http.ts';
import { csrfHeader, opSecurity, schema } from './schemas.ts';

const Time = Type.String({ format: 'date-time' });
const NoticeJson = Type.Object({
  id: Type.Integer(), transactionId: Type.String(), kind: Type.String({ enum: ['deposit', 'deposit_cancel', 'debit_result'] }), partnerId: Type.Union([Type.Integer(), Type.Null()]),
  bankCode: Type.String(), accountNo: Type.String(), amountKrw: Type.Integer(), depositor: Type.String(), occurredAt: Time, receivedAt: Time,
  cancelsId: Type.Union([Type.String(), Type.Null()]), resultCode: Type.String(),
});
export const noticeJson = (n: BankNoticeView) => ({ ...n, occurredAt: n.occurredAt.toISOString(), receivedAt: n.receivedAt.toISOString() });

const AdjustmentResult = Type.Object({
  adjustmentId: Type.Integer(), orderNo: Type.String(),
  supplyDeltaKrw: Type.Integer(), vatDeltaKrw: Type.Integer({ description: 'new VAT − old VAT (floor rule on the new supply)' }),
  supplyKrw: Type.Integer(), vatKrw: Type.Integer(), totalKrw: Type.Integer({ description: 'the bill\'s new 결제금액' }),
  creditKrw: Type.Integer({ description: 'credit added (+) or taken back (−) because the bill is now below (or back above) what was paid' }),
  amendedInvoice: Type.Union([Type.Object({
    dockey: Type.String(), ntsIssueId: Type.String({ description: '수정세금계산서 승인번호' }), originalIssueId: Type.String({ description: '당초 승인번호' }),
    filingRequested: Type.Boolean({ description: 'queued for NTS filing like the original' }),
  }), Type.Null()], { description: 'null when the bill\'s invoice was not issued yet (only the bill changed)' }),
});

export async function operatorBillRoutes(instance: FastifyInstance, opts: { ctx: Ctx; operatorToken: string }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = opts;
  const tags = ['settlement (operator)'];
  const op = (req: FastifyRequest) => requireOperator(ctx, req, { operatorToken: opts.operatorToken });

  app.get('/v1/operator/bills', schema({
    tags, security: opSecurity, summary: '청구서 목록 (every partner\'s bills, newest period first)',
    querystring: Type.Object({ partnerId: Type.Optional(Type.Integer({ minimum: 1 })), ...billQueryFields, ...billPaging }),
    response: { 200: BillsPageJson, ...errors(400, 401) },
  }), async (req) => {
    await op(req);
    return billsPageJson(await listBills(ctx, req.query));
  });

  app.get('/v1/operator/bills/:orderNo', schema({
    tags, security: opSecurity, summary: '청구서 상세 (a bill with its lines, payments, bank notices, adjustments and usage)',
    params: OrderNoParams, querystring: BillDetailQuery,
    response: { 200: Type.Object({ ...BillDetailJson.properties, notices: Type.Array(NoticeJson) }), ...errors(400, 401, 404) },
  }), async (req) => {
    await op(req);
    const bill = await getBill(ctx, { orderNo: req.params.orderNo, usagePage: req.query.usagePage, usagePageSize: req.query.usagePageSize });
    return { ...billDetailJson(bill), notices: (await listBillNotices(ctx, bill.id)).map(noticeJson) };
  });

  app.post('/v1/operator/bills/:orderNo/adjustments', schema({
    tags, security: opSecurity,
    summary: '청구서 조정 (change a bill\'s supply by ±n won with a reason: a 수정세금계산서 when its invoice was issued; audited)',
    description: 'New VAT = floor(new supply × 10 / 100); the amended invoice (reason 02 공급가액 변동, the original approval number) carries the supply delta and new VAT − old VAT, negative for a reduction, from the same issuer, and is filed with the NTS like the original. A reduction below what was paid becomes credit for the next bill. With `Idempotency-Key` a retry is answered with the first answer and nothing is done twice.',
    params: OrderNoParams,
    headers: Type.Object({ ...csrfHeader.properties, ...IdempotencyKeyHeader.properties }),
    body: Type.Object({
      supplyDeltaKrw: Type.Integer({ minimum: -MAX_ADJUSTMENT_KRW, maximum: MAX_ADJUSTMENT_KRW, description: '공급가액 증감, 원 (± won, not 0)' }),
      reason: Type.String({ maxLength: MAX_REASON_LENGTH, description: '조정 사유 (required; on the amended invoice\'s remark and in the audit log)' }),
      seenAdjustments: Type.Optional(Type.Integer({ minimum: 0, description: 'the number of adjustments the caller saw on the bill: when another came first the request is refused (409 bill_adjustment_refused), so a form sent twice adjusts once' })),
    }),
    response: { 201: AdjustmentResult, ...errors(400, 401, 403, 404, 409) },
  }), async (req, reply) => {
    const o = await op(req);
    const r = await runIdempotent(ctx, req, 'operator', async (c) => ({ status: 201, body: await adjustBill(c, o.actor, req.params.orderNo, req.body) }));
    return reply.code(r.status as 201).send(r.body);
  });

  app.get('/v1/operator/bank-notices/unmatched', schema({
    tags, security: opSecurity, summary: '미확인 입금 (bank notices applied to nothing: an account we do not know), newest first',
    response: { 200: Type.Object({ data: Type.Array(NoticeJson) }), ...errors(401) },
  }), async (req) => {
    await op(req);
    return { data: (await listUnmatchedNotices(ctx)).map(noticeJson) };
  });
}
