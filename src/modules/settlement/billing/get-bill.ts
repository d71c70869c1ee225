/**
 * One bill by its 주문번호 (order number), with what it charges and what happened to it: its lines (per unit and
 * price), payments (time, source, amount, depositor, reversed), adjustments (with their amended invoices) and
 * — paged — its usage: the ledger rows of the partner in [usage_from, usage_to), read by the same reader as
 * 결제예정내역 (expected-charges.ts). A partner asking for another partner's order number gets bill_not_found.
 */
import type { Ctx } from '../../../platform/context.ts';
import { invalidError } from '../../../platform/errors.ts';
import { optionalInteger } from '../../../platform/input.ts';
import { expectedChargeRows, expectedChargeTotals, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, type ExpectedChargeRow, type ExpectedChargesQuery } from '../expected-charges.ts';
import { toSqlDate, kstDate } from '../../../platform/clock.ts';
import { billNotFound, billOf, billsSelect, type Bill } from './list-bills.ts';
import '../tables.ts';

export interface BillLine {
  lineNo: number;
  unitId: number | null;
  meteredItem: string;
  name: string;
  quantity: number;
  unitPriceKrw: number;
  supplyKrw: number;
}

export interface BillPayment {
  id: number;
  /** virtual_account 가상계좌 입금, cms 추심, credit 이월 크레딧 */
  source: 'virtual_account' | 'cms' | 'credit';
  amountKrw: number;
  paidAt: Date;
  depositor: string;
  transactionId: string;
  reversedAt: Date | null;
}

export interface BillAdjustment {
  id: number;
  supplyDeltaKrw: number;
  vatDeltaKrw: number;
  reason: string;
  operatorId: number | null;
  createdAt: Date;
  /** the 수정세금계산서, when the bill's invoice had been issued */
  invoice: { dockey: string; ntsIssueId: string | null; ntsState: string; originalIssueId: string | null } | null;
}

export interface BillDetail extends Bill {
  lines: BillLine[];
  payments: BillPayment[];
  adjustments: BillAdjustment[];
  usage: { page: number; pageSize: number; count: number; nextPage: number | null; rows: ExpectedChargeRow[] };
}

export type GetBillInput = {
  orderNo: unknown;
  /** a partner's own call: only its bills */
  partnerId?: number;
  usagePage?: unknown;
  usagePageSize?: unknown;
};

export function orderNoField(v: unknown, field = 'orderNo'): string {
  const s = String(v ?? '').trim();
  if (!/^\d{10}$/.test(s)) throw invalidError(field, '주문번호는 10자리 숫자입니다 (a 10-digit order number)');
  return s;
}

/** The bill's row (no details), or bill_not_found; `partnerId` limits it to that partner's. */
export async function findBill(ctx: Ctx, orderNo: string, partnerId?: number): Promise<Bill> {
  let q = billsSelect(ctx.db).where('b.order_no', '=', orderNo);
  if (partnerId !== undefined) q = q.where('b.partner_id', '=', partnerId);
  const row = await q.executeTakeFirst();
  if (!row) throw billNotFound(orderNo);
  return billOf(row as Parameters<typeof billOf>[0]);
}

/** The ledger query of a bill's usage: the partner's rows in [usage_from, usage_to). */
export function billUsageQuery(bill: Bill, page: number, pageSize: number): ExpectedChargesQuery {
  return {
    month: bill.period, from: bill.usageFrom, to: bill.usageTo,
    fromDate: toSqlDate(kstDate(bill.usageFrom)), toDate: toSqlDate(kstDate(new Date(bill.usageTo.getTime() - 1))),
    type: undefined, search: undefined, ids: undefined, page, pageSize,
  };
}

export async function getBill(ctx: Ctx, input: GetBillInput): Promise<BillDetail> {
  const orderNo = orderNoField(input.orderNo);
  const page = optionalInteger(input, 'usagePage', { min: 1, max: 1_000_000 }) ?? 1;
  const pageSize = optionalInteger(input, 'usagePageSize', { min: 1, max: MAX_PAGE_SIZE }) ?? DEFAULT_PAGE_SIZE;
  const bill = await findBill(ctx, orderNo, input.partnerId);
  const lines = await ctx.db.selectFrom('bill_lines').selectAll().where('bill_id', '=', bill.id).orderBy('line_no').execute();
  const payments = await ctx.db
    .selectFrom('bill_payments as p')
    .leftJoin('bank_notices as n', 'n.id', 'p.notice_id')
    .select(['p.id', 'p.source', 'p.amount_krw', 'p.paid_at', 'p.reversed_at', 'n.depositor', 'n.transaction_id'])
    .where('p.bill_id', '=', bill.id)
    .orderBy('p.paid_at')
    .orderBy('p.id')
    .execute();
  const adjustments = await ctx.db
    .selectFrom('bill_adjustments as a')
    .leftJoin('documents as d', 'd.id', 'a.invoice_document_id')
    .select(['a.id', 'a.supply_delta_krw', 'a.vat_delta_krw', 'a.reason', 'a.operator_id', 'a.created_at', 'd.dockey', 'd.nts_issue_id', 'd.nts_state', 'd.body'])
    .where('a.bill_id', '=', bill.id)
    .orderBy('a.id')
    .execute();
  const usageQuery = billUsageQuery(bill, page, pageSize);
  const usageTotals = await expectedChargeTotals(ctx.db, bill.partnerId, usageQuery);
  const usageRows = await expectedChargeRows(ctx.db, bill.partnerId, usageQuery, { limit: pageSize, offset: (page - 1) * pageSize });
  return {
    ...bill,
    lines: lines.map((l) => ({
      lineNo: Number(l.line_no), unitId: l.unit_id === null ? null : Number(l.unit_id), meteredItem: l.metered_item, name: l.name,
      quantity: Number(l.quantity), unitPriceKrw: Number(l.unit_price_krw), supplyKrw: Number(l.supply_krw),
    })),
    payments: payments.map((p) => ({
      id: Number(p.id), source: p.source, amountKrw: Number(p.amount_krw), paidAt: new Date(p.paid_at), depositor: p.depositor ?? '',
      transactionId: p.transaction_id ?? '', reversedAt: p.reversed_at ? new Date(p.reversed_at) : null,
    })),
    adjustments: adjustments.map((a) => ({
      id: Number(a.id), supplyDeltaKrw: Number(a.supply_delta_krw), vatDeltaKrw: Number(a.vat_delta_krw), reason: a.reason,
      operatorId: a.operator_id === null ? null : Number(a.operator_id), createdAt: new Date(a.created_at),
      invoice: a.dockey ? { dockey: a.dockey, ntsIssueId: a.nts_issue_id ?? null, ntsState: a.nts_state ?? '', originalIssueId: a.body?.amendment?.originalIssueId ?? null } : null,
    })),
    usage: { page, pageSize, count: usageTotals.count, nextPage: page * pageSize < usageTotals.count ? page + 1 : null, rows: usageRows },
  };
}
