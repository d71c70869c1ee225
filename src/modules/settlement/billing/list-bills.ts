/**
 * 결제완료/미납내역 (bills, docs/settlement.md "Bills, adjustments and pages"): a partner's bills — or, for the
 * operator, every partner's — newest period first, with filters and paging. Read-only.
 *
 *   state    due 결제예정 | paid 결제완료 | overdue 미납
 *   method   virtual_account 가상계좌 | cms 추심
 *   from/to  billed periods YYYY-MM (inclusive; the usage month a bill charges, 발송기간)
 *
 * A bill shows 주문번호, 발송기간 (usage_from … usage_to, KST dates), 결제금액 (VAT 포함 = total), supply, VAT, 청구일
 * (billed_at), 결제기간 (청구일 → due date: due_at is the exclusive end of the due date in KST), 결제일 (paid_at),
 * 결제상태, 결제수단, paid and remaining, and its tax invoice (dockey, NTS approval number, states) once issued.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import type { Db } from '../../../platform/db/transaction.ts';
import { AppError, invalidError } from '../../../platform/errors.ts';
import { optionalInteger } from '../../../platform/input.ts';
import { kstDate, toSqlDate } from '../../../platform/clock.ts';
import type { BillState, PaymentMethod } from '../tables.ts';
import '../tables.ts';

export const BILL_STATES = ['due', 'paid', 'overdue'] as const;
export const PAYMENT_METHODS = ['virtual_account', 'cms'] as const;
export const DEFAULT_BILLS_PAGE_SIZE = 20;
export const MAX_BILLS_PAGE_SIZE = 100;
export const MAX_SELECTED_BILLS = 500;

const STATE_NAMES: Record<BillState, [string, string]> = { due: ['결제예정', 'Due'], paid: ['결제완료', 'Paid'], overdue: ['미납', 'Overdue'] };
const METHOD_NAMES: Record<PaymentMethod, [string, string]> = { virtual_account: ['가상계좌', 'Virtual account'], cms: ['추심', 'Direct debit (CMS)'] };
export const billStateName = (s: BillState, lang: 'ko' | 'en' = 'ko') => STATE_NAMES[s][lang === 'en' ? 1 : 0];
export const paymentMethodName = (m: PaymentMethod, lang: 'ko' | 'en' = 'ko') => METHOD_NAMES[m][lang === 'en' ? 1 : 0];

export const billNotFound = (orderNo: string) => new AppError('bill_not_found', `주문번호 ${orderNo}의 청구서가 없습니다 (no such bill)`, { field: 'orderNo' });

export interface BillInvoice {
  documentId: number;
  dockey: string;
  /** 국세청 승인번호 (24 digits), null before issue */
  ntsIssueId: string | null;
  /** documents.proc_state (S issued) and nts_state ('' not requested, 1 queued, 2 sending, 3 filed, 4 failed) */
  procState: string;
  ntsState: string;
  subscriptionId: number;
}

export interface Bill {
  id: number;
  orderNo: string;
  partnerId: number;
  partnerName: string;
  /** YYYY-MM: the KST month billed */
  period: string;
  usageFrom: Date;
  usageTo: Date;
  /** 발송기간 as KST dates, inclusive: YYYY-MM-DD */
  usageFromDate: string;
  usageToDate: string;
  supplyKrw: number;
  vatKrw: number;
  /** 결제금액 (VAT 포함) */
  totalKrw: number;
  paidKrw: number;
  remainingKrw: number;
  state: BillState;
  method: PaymentMethod;
  /** 청구일 */
  billedAt: Date;
  billedDate: string;
  dueAt: Date;
  /** 결제기한: the last day to pay, KST (due_at is its exclusive end) */
  dueDate: string;
  /** 결제일 */
  paidAt: Date | null;
  overdueAt: Date | null;
  invoice: BillInvoice | null;
}

export type ListBillsInput = {
  partnerId?: unknown;
  state?: unknown;
  method?: unknown;
  from?: unknown;
  to?: unknown;
  orderNos?: unknown;
  page?: unknown;
  pageSize?: unknown;
};

export interface BillsQuery {
  partnerId: number | undefined;
  state: BillState | undefined;
  method: PaymentMethod | undefined;
  /** first days of the periods, inclusive */
  from: string | undefined;
  to: string | undefined;
  orderNos: string[] | undefined;
  page: number;
  pageSize: number;
}

const has = (v: unknown) => v !== undefined && v !== null && String(v).trim() !== '';

function monthField(v: unknown, field: string): string {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(String(v).trim());
  if (!m) throw invalidError(field, '월은 YYYY-MM이어야 합니다 (a month YYYY-MM)');
  return `${m[1]}-${m[2]}-01`;
}

function oneOf<T extends string>(v: unknown, field: string, values: readonly T[]): T | undefined {
  if (!has(v) || String(v) === 'all') return undefined;
  const s = String(v).trim();
  if (!(values as readonly string[]).includes(s)) throw invalidError(field, `${values.join(', ')}, all 중 하나입니다 (one of those)`);
  return s as T;
}

/**
 * Check every field once (400 naming it) before anything is read. `scope.partnerId` (a partner's own call)
 * overrides any partnerId of the input, so a partner never sees another's bills; the operator passes no scope
 * and may filter by partnerId.
 */
export function resolveBillsQuery(input: ListBillsInput, scope: { partnerId?: number } = {}): BillsQuery {
  const from = has(input.from) ? monthField(input.from, 'from') : undefined;
  const to = has(input.to) ? monthField(input.to, 'to') : undefined;
  if (from && to && to < from) throw invalidError('to', '종료 월은 시작 월 이후여야 합니다 (to must not be before from)');
  let orderNos: string[] | undefined;
  if (has(input.orderNos)) {
    const parts = (Array.isArray(input.orderNos) ? input.orderNos.map(String) : String(input.orderNos).split(',')).map((s) => s.trim()).filter((s) => s !== '');
    if (parts.length > MAX_SELECTED_BILLS || parts.some((s) => !/^\d{10}$/.test(s))) throw invalidError('orderNos', `선택은 쉼표로 구분한 10자리 주문번호 ${MAX_SELECTED_BILLS}개 이하입니다 (comma-separated 10-digit order numbers)`);
    orderNos = parts;
  }
  return {
    partnerId: scope.partnerId ?? optionalInteger(input, 'partnerId', { min: 1 }),
    state: oneOf(input.state, 'state', BILL_STATES),
    method: oneOf(input.method, 'method', PAYMENT_METHODS),
    from, to, orderNos,
    page: optionalInteger(input, 'page', { min: 1, max: 1_000_000 }) ?? 1,
    pageSize: optionalInteger(input, 'pageSize', { min: 1, max: MAX_BILLS_PAGE_SIZE }) ?? DEFAULT_BILLS_PAGE_SIZE,
  };
}

interface BillRow {
  id: number;
  order_no: string;
  partner_id: number;
  com_name: string | null;
  period: string | Date;
  usage_from: Date;
  usage_to: Date;
  supply_krw: number;
  vat_krw: number;
  total_krw: number;
  paid_krw: number;
  state: BillState;
  method: PaymentMethod;
  billed_at: Date;
  due_at: Date;
  paid_at: Date | null;
  overdue_at: Date | null;
  invoice_document_id: number | null;
  dockey: string | null;
  nts_issue_id: string | null;
  proc_state: string | null;
  nts_state: string | null;
  subscription_id: number | null;
}

const dashed = (d: Date) => toSqlDate(kstDate(d));
const periodText = (p: string | Date) => (typeof p === 'string' ? p : p.toISOString()).slice(0, 7);

export function billOf(r: BillRow): Bill {
  const total = Number(r.total_krw);
  const paid = Number(r.paid_krw);
  const usageTo = new Date(r.usage_to);
  const dueAt = new Date(r.due_at);
  return {
    id: Number(r.id),
    orderNo: r.order_no,
    partnerId: Number(r.partner_id),
    partnerName: r.com_name ?? '',
    period: periodText(r.period),
    usageFrom: new Date(r.usage_from),
    usageTo,
    usageFromDate: dashed(new Date(r.usage_from)),
    usageToDate: dashed(new Date(usageTo.getTime() - 1)),
    supplyKrw: Number(r.supply_krw),
    vatKrw: Number(r.vat_krw),
    totalKrw: total,
    paidKrw: paid,
    remainingKrw: Math.max(0, total - paid),
    state: r.state,
    method: r.method,
    billedAt: new Date(r.billed_at),
    billedDate: dashed(new Date(r.billed_at)),
    dueAt,
    dueDate: dashed(new Date(dueAt.getTime() - 1)),
    paidAt: r.paid_at ? new Date(r.paid_at) : null,
    overdueAt: r.overdue_at ? new Date(r.overdue_at) : null,
    invoice: r.invoice_document_id && r.dockey
      ? { documentId: Number(r.invoice_document_id), dockey: r.dockey, ntsIssueId: r.nts_issue_id, procState: r.proc_state ?? '', ntsState: r.nts_state ?? '', subscriptionId: Number(r.subscription_id) }
      : null,
  };
}

/** FROM bills b WHERE … a query's filters (all bills without one): what the rows and the totals both read. */
function matching(db: Db, q?: BillsQuery) {
  let s = db.selectFrom('bills as b');
  if (!q) return s;
  if (q.partnerId !== undefined) s = s.where('b.partner_id', '=', q.partnerId);
  if (q.state) s = s.where('b.state', '=', q.state);
  if (q.method) s = s.where('b.method', '=', q.method);
  if (q.from) s = s.where('b.period', '>=', q.from);
  if (q.to) s = s.where('b.period', '<=', q.to);
  if (q.orderNos) s = q.orderNos.length ? s.where('b.order_no', 'in', q.orderNos) : s.where(sql<boolean>`false`);
  return s;
}

/** SELECT … of bills (those `q` matches, when given) joined to their partner's company and their invoice document. */
export function billsSelect(db: Db, q?: BillsQuery) {
  return matching(db, q)
    .innerJoin('partners as p', 'p.id', 'b.partner_id')
    .leftJoin('portal_users as u', 'u.id', 'p.user_id')
    .leftJoin('documents as d', 'd.id', 'b.invoice_document_id')
    .select([
      'b.id', 'b.order_no', 'b.partner_id', 'u.com_name', 'b.period', 'b.usage_from', 'b.usage_to', 'b.supply_krw', 'b.vat_krw', 'b.total_krw', 'b.paid_krw',
      'b.state', 'b.method', 'b.billed_at', 'b.due_at', 'b.paid_at', 'b.overdue_at', 'b.invoice_document_id',
      'd.dockey', 'd.nts_issue_id', 'd.proc_state', 'd.nts_state', 'd.subscription_id',
    ]);
}

export interface BillsTotals {
  count: number;
  totalKrw: number;
  paidKrw: number;
  remainingKrw: number;
}

export interface BillsPage {
  query: BillsQuery;
  totals: BillsTotals;
  rows: Bill[];
  nextPage: number | null;
}

/** Bills of a query, newest period first: one page, or (slice) a keyset range for the export. */
export async function billRows(db: Db, q: BillsQuery, slice: { limit: number; offset?: number }): Promise<Bill[]> {
  const rows = await billsSelect(db, q).orderBy('b.period', 'desc').orderBy('b.id', 'desc').limit(slice.limit).offset(slice.offset ?? 0).execute();
  return (rows as BillRow[]).map(billOf);
}

export async function billTotals(db: Db, q: BillsQuery): Promise<BillsTotals> {
  const r = await matching(db, q)
    .select([
      sql<string>`count(*)`.as('n'),
      sql<string>`coalesce(sum(b.total_krw), 0)`.as('total'),
      sql<string>`coalesce(sum(least(b.paid_krw, b.total_krw)), 0)`.as('paid'),
    ])
    .executeTakeFirstOrThrow();
  const total = Number(r.total);
  const paid = Number(r.paid);
  return { count: Number(r.n), totalKrw: total, paidKrw: paid, remainingKrw: total - paid };
}

/** The bills of a query; `scope`: a partner's own call (resolveBillsQuery). */
export async function listBills(ctx: Ctx, input: ListBillsInput, scope: { partnerId?: number } = {}): Promise<BillsPage> {
  const query = resolveBillsQuery(input, scope);
  const totals = await billTotals(ctx.db, query);
  const rows = await billRows(ctx.db, query, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize });
  return { query, totals, rows, nextPage: query.page * query.pageSize < totals.count ? query.page + 1 : null };
}
