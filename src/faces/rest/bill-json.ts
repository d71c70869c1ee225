/**
 * The JSON shapes of bills (TypeBox schemas and Date → ISO mappers), shared by the partner's REST routes
 * (bill-routes.ts) and the operator's (faces/portal/rest/operator-bill-routes.ts): one description of a bill in the
 * OpenAPI document, whoever asks. A shared face kit (test/architecture/layers.test.ts).
 */
import { Type } from 'typebox';
import { BILL_STATES, billStateName, MAX_BILLS_PAGE_SIZE, paymentMethodName, PAYMENT_METHODS, type Bill, type BillsPage } from '../../modules/settlement/billing/list-bills.ts';
import type { BillDetail } from '../../modules/settlement/billing/get-bill.ts';
import { MAX_PAGE_SIZE } from '../../modules/settlement/expected-charges.ts';
import { chargeRowJson, ChargeRowSchema } from './settlement-routes.ts';
import { StringEnum } from './schemas.ts';

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);
const Day = Type.String({ description: 'KST date YYYY-MM-DD' });

export const BillJson = Type.Object({
  orderNo: Type.String({ description: '주문번호 (10 digits: YYMM of the period + 6)' }),
  partnerId: Type.Integer(),
  partnerName: Type.String({ description: '파트너 상호' }),
  period: Type.String({ description: '청구 월 YYYY-MM (the KST month of usage)' }),
  usageFrom: Time,
  usageTo: Type.String({ format: 'date-time', description: 'exclusive' }),
  usageFromDate: Day,
  usageToDate: Type.String({ description: '발송기간 end, KST date YYYY-MM-DD (inclusive)' }),
  supplyKrw: Type.Integer({ description: '공급가액' }),
  vatKrw: Type.Integer({ description: '부가세 = floor(공급가액 × 10 / 100), once per bill' }),
  totalKrw: Type.Integer({ description: '결제금액 (VAT 포함)' }),
  paidKrw: Type.Integer({ description: '입금액 (payments not reversed)' }),
  remainingKrw: Type.Integer({ description: '남은 금액 = max(0, 결제금액 − 입금액)' }),
  state: StringEnum(BILL_STATES, { description: '결제상태: due 결제예정, paid 결제완료, overdue 미납' }),
  stateName: Type.String(),
  method: StringEnum(PAYMENT_METHODS, { description: '결제수단: virtual_account 가상계좌, cms 추심' }),
  methodName: Type.String(),
  billedAt: Time,
  billedDate: Type.String({ description: '청구일, KST date' }),
  dueAt: Type.String({ format: 'date-time', description: 'end of the due date (exclusive): 미납 from then' }),
  dueDate: Type.String({ description: '결제기한 (the last day to pay), KST date; 결제기간 = billedDate ~ dueDate' }),
  paidAt: NullableTime,
  invoice: Type.Union([
    Type.Object({
      dockey: Type.String({ description: '세금계산서 문서키' }),
      ntsIssueId: Type.Union([Type.String(), Type.Null()], { description: '국세청 승인번호' }),
      procState: Type.String({ description: 'S issued' }),
      ntsState: Type.String({ description: 'NTS filing: 0 not requested, 1 queued, 2 sending, 3 filed, 4 failed' }),
    }),
    Type.Null(),
  ], { description: 'the bill\'s tax invoice; null until issued' }),
});

export const BillDetailJson = Type.Object({
  ...BillJson.properties,
  lines: Type.Array(Type.Object({
    lineNo: Type.Integer(), unitId: Type.Union([Type.Integer(), Type.Null()]), meteredItem: Type.String({ description: 'the unit\'s item, or adjustment' }),
    name: Type.String(), quantity: Type.Integer(), unitPriceKrw: Type.Integer(), supplyKrw: Type.Integer(),
  })),
  payments: Type.Array(Type.Object({
    id: Type.Integer(),
    source: StringEnum(['virtual_account', 'cms', 'credit'] as const, { description: '가상계좌 입금, 추심, 이월 크레딧' }),
    amountKrw: Type.Integer(), paidAt: Time, depositor: Type.String({ description: '입금자명' }), transactionId: Type.String({ description: 'the bank\'s transaction id' }),
    reversedAt: Type.Union([Time, Type.Null()], { description: '입금 취소: the payment no longer counts' }),
  })),
  adjustments: Type.Array(Type.Object({
    id: Type.Integer(), supplyDeltaKrw: Type.Integer(), vatDeltaKrw: Type.Integer(), reason: Type.String(), createdAt: Time,
    invoice: Type.Union([Type.Object({
      dockey: Type.String(), ntsIssueId: Type.Union([Type.String(), Type.Null()]), ntsState: Type.String(),
      originalIssueId: Type.Union([Type.String(), Type.Null()], { description: '당초 승인번호' }),
    }), Type.Null()], { description: '수정세금계산서 (amendment reason 02), when the bill\'s invoice had been issued' }),
  })),
  usage: Type.Object({
    page: Type.Integer(), pageSize: Type.Integer(), count: Type.Integer(), nextPage: Type.Union([Type.Integer(), Type.Null()]),
    data: Type.Array(Type.Object(ChargeRowSchema.properties, { additionalProperties: false }), { description: '상세내역: the ledger rows the bill charges, newest first' }),
  }),
});

export const BillsPageJson = Type.Object({
  total: Type.Object({
    count: Type.Integer(), totalKrw: Type.Integer({ description: 'Σ 결제금액' }), paidKrw: Type.Integer({ description: 'Σ 입금액 (up to each bill\'s total)' }),
    remainingKrw: Type.Integer({ description: 'Σ 남은 금액' }),
  }),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  nextPage: Type.Union([Type.Integer(), Type.Null()]),
  data: Type.Array(BillJson),
});

export const billQueryFields = {
  state: Type.Optional(StringEnum([...BILL_STATES, 'all'] as const, { description: '결제상태; all or absent: every state' })),
  method: Type.Optional(StringEnum([...PAYMENT_METHODS, 'all'] as const, { description: '결제수단; all or absent: both' })),
  from: Type.Optional(Type.String({ description: '청구 월 from, YYYY-MM (inclusive)', examples: ['2026-10'] })),
  to: Type.Optional(Type.String({ description: '청구 월 to, YYYY-MM (inclusive)', examples: ['2026-12'] })),
};
export const billPaging = {
  page: Type.Optional(Type.Integer({ minimum: 1, description: '페이지 (from 1)' })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_BILLS_PAGE_SIZE, description: `한 페이지 건수 (≤ ${MAX_BILLS_PAGE_SIZE}; default 20)` })),
};
export const BillDetailQuery = Type.Object({
  usagePage: Type.Optional(Type.Integer({ minimum: 1, description: '상세내역 페이지' })),
  usagePageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, description: `상세내역 한 페이지 건수 (≤ ${MAX_PAGE_SIZE}; default 20)` })),
});
export const OrderNoParams = Type.Object({ orderNo: Type.String({ description: '주문번호 (10 digits)' }) });

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function billJson(b: Bill) {
  return {
    orderNo: b.orderNo, partnerId: b.partnerId, partnerName: b.partnerName, period: b.period,
    usageFrom: b.usageFrom.toISOString(), usageTo: b.usageTo.toISOString(), usageFromDate: b.usageFromDate, usageToDate: b.usageToDate,
    supplyKrw: b.supplyKrw, vatKrw: b.vatKrw, totalKrw: b.totalKrw, paidKrw: b.paidKrw, remainingKrw: b.remainingKrw,
    state: b.state, stateName: billStateName(b.state), method: b.method, methodName: paymentMethodName(b.method),
    billedAt: b.billedAt.toISOString(), billedDate: b.billedDate, dueAt: b.dueAt.toISOString(), dueDate: b.dueDate, paidAt: iso(b.paidAt),
    invoice: b.invoice ? { dockey: b.invoice.dockey, ntsIssueId: b.invoice.ntsIssueId, procState: b.invoice.procState, ntsState: b.invoice.ntsState } : null,
  };
}

export function billDetailJson(b: BillDetail) {
  return {
    ...billJson(b),
    lines: b.lines,
    payments: b.payments.map((p) => ({ ...p, paidAt: p.paidAt.toISOString(), reversedAt: iso(p.reversedAt) })),
    adjustments: b.adjustments.map((a) => ({ id: a.id, supplyDeltaKrw: a.supplyDeltaKrw, vatDeltaKrw: a.vatDeltaKrw, reason: a.reason, createdAt: a.createdAt.toISOString(), invoice: a.invoice })),
    usage: { page: b.usage.page, pageSize: b.usage.pageSize, count: b.usage.count, nextPage: b.usage.nextPage, data: b.usage.rows.map(chargeRowJson) },
  };
}

export function billsPageJson(r: BillsPage) {
  return { total: r.totals, page: r.query.page, pageSize: r.query.pageSize, nextPage: r.nextPage, data: r.rows.map(billJson) };
}

export function xlsxHeaders(fileName: string, asciiName: string) {
  return {
    'content-type': XLSX,
    'content-disposition': `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
}
