/**
 * 결제예정내역 (expected charges, docs/settlement.md): a partner's usage-ledger rows of a period — what the next bill
 * will charge — with the period's total. Read-only; nothing here changes the ledger.
 *
 *   period   month YYYY-MM (KST; default the current month) or from/to (KST dates, inclusive, ≤ 13 months apart):
 *            usage_records.occurred_at in [00:00 KST of the start, 24:00 KST of the end)
 *   type     alimtalk, brand, friendtalk_text, friendtalk_photo, sms, lms, mms, document (세금계산서 발행), nts (국세청 전송)
 *   q        template title, subject or text of a message; buyer name, document key or approval number of a document
 *   ids      only these ledger rows (a selection; the .xlsx download)
 *   money    supply = Σ unit price × quantity (KRW, VAT excluded); VAT = floor(supply / 10) — 10 %, 원 미만 절사,
 *            computed once on the period's supply, never per row; total = supply + VAT
 *
 * A row shows: 유형, 템플릿 제목, 발신번호/채널ID, 수신번호, 발송일시 for a message (joined through its attempt:
 * event key msg:<attempt id>; a batch deleted from the history leaves the row with these blank), 문서 번호/거래처
 * for a document issued (doc:<id>) or filed (nts:<filing id>), and 이용금액 (VAT 별도).
 */
import { sql, type RawBuilder } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Db } from '../../platform/db/transaction.ts';
import { invalidError } from '../../platform/errors.ts';
import { isCalendarDate, kstParts } from '../../platform/clock.ts';
import { textCharacterProblem } from '../../platform/input.ts';
import { titleOf } from '../messaging/history/history-rows.ts';
import { DOCUMENT_ISSUED_ITEM, NTS_FILED_ITEM } from './record-usage.ts';
import './tables.ts';

export const CHARGE_TYPES = ['alimtalk', 'brand', 'friendtalk_text', 'friendtalk_photo', 'sms', 'lms', 'mms', 'document', 'nts'] as const;
export type ChargeType = (typeof CHARGE_TYPES)[number] | 'other';
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
export const MAX_SEARCH_LENGTH = 100;
export const MAX_SELECTED_IDS = 1000;
export const VAT_RATE_PERCENT = 10;

const ITEM_OF: Record<(typeof CHARGE_TYPES)[number], string> = {
  alimtalk: 'message_alimtalk', brand: 'message_brand', friendtalk_text: 'message_friendtalk_text', friendtalk_photo: 'message_friendtalk_photo',
  sms: 'message_sms', lms: 'message_lms', mms: 'message_mms', document: DOCUMENT_ISSUED_ITEM, nts: NTS_FILED_ITEM,
};
const TYPE_OF = new Map<string, ChargeType>(Object.entries(ITEM_OF).map(([t, item]) => [item, t as ChargeType]));
const NAMES: Record<ChargeType, [string, string]> = {
  alimtalk: ['알림톡', 'AlimTalk'], brand: ['브랜드 메시지', 'Brand Message'], friendtalk_text: ['친구톡 텍스트', 'FriendTalk text'],
  friendtalk_photo: ['친구톡 포토', 'FriendTalk photo'], sms: ['SMS', 'SMS'], lms: ['LMS', 'LMS'], mms: ['MMS', 'MMS'],
  document: ['세금계산서 발행', 'Document issued'], nts: ['국세청 전송', 'NTS filing'], other: ['기타', 'Other'],
};
export const chargeTypeName = (t: ChargeType, lang: 'ko' | 'en' = 'ko') => NAMES[t][lang === 'en' ? 1 : 0];

/** VAT of a supply amount: 10 %, 원 미만 절사 (floor), once per period (and, later, once per bill). */
export const vatOf = (supplyKrw: number) => Math.floor((supplyKrw * VAT_RATE_PERCENT) / 100);

export interface ExpectedChargesInput {
  month?: unknown;
  from?: unknown;
  to?: unknown;
  type?: unknown;
  q?: unknown;
  ids?: unknown;
  page?: unknown;
  pageSize?: unknown;
}

export interface ExpectedChargesQuery {
  month: string | null;
  from: Date;
  to: Date;
  /** the inclusive KST dates of the period */
  fromDate: string;
  toDate: string;
  type: ChargeType | undefined;
  search: string | undefined;
  ids: number[] | undefined;
  page: number;
  pageSize: number;
}

const pad = (n: number) => String(n).padStart(2, '0');
const kstMidnight = (date: string) => new Date(`${date}T00:00:00+09:00`);
const dayAfter = (date: string) => new Date(kstMidnight(date).getTime() + 86_400_000);

function dateField(v: unknown, field: string): string {
  const text = String(v).trim();
  const digits = text.replace(/-/g, '');
  if (!/^\d{4}-?\d{2}-?\d{2}$/.test(text) || !isCalendarDate(digits)) throw invalidError(field, '날짜는 YYYY-MM-DD 또는 YYYYMMDD여야 합니다 (a date YYYY-MM-DD or YYYYMMDD)');
  return `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
}

function intField(v: unknown, field: string, min: number, max: number, dflt: number): number {
  if (v === undefined || v === null || v === '') return dflt;
  const text = String(v).trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw invalidError(field, `${min}~${max} 사이의 정수여야 합니다 (an integer from ${min} to ${max})`);
  return n;
}

/** Check the fields once; any problem names its field (400), before anything is read. */
export function resolveExpectedChargesQuery(input: ExpectedChargesInput, now: Date): ExpectedChargesQuery {
  const has = (v: unknown) => v !== undefined && v !== null && String(v).trim() !== '';
  let month: string | null = null;
  let fromDate: string;
  let toDate: string;
  if (has(input.from) || has(input.to)) {
    if (has(input.month)) throw invalidError('month', 'month와 from/to는 함께 쓸 수 없습니다 (month or from/to, not both)');
    if (!has(input.from)) throw invalidError('from', '기간 시작일이 필요합니다 (from is required with to)');
    if (!has(input.to)) throw invalidError('to', '기간 종료일이 필요합니다 (to is required with from)');
    fromDate = dateField(input.from, 'from');
    toDate = dateField(input.to, 'to');
    if (toDate < fromDate) throw invalidError('to', '종료일은 시작일 이후여야 합니다 (to must not be before from)');
    const [y, m, d] = fromDate.split('-').map(Number) as [number, number, number];
    const limit = new Date(Date.UTC(y, m - 1 + 13, d)).toISOString().slice(0, 10);
    if (toDate > limit) throw invalidError('to', '기간은 13개월 이내여야 합니다 (at most 13 months)');
  } else {
    const p = kstParts(now);
    month = has(input.month) ? String(input.month).trim() : `${p.year}-${pad(p.month)}`;
    const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
    if (!m) throw invalidError('month', '월은 YYYY-MM이어야 합니다 (a month YYYY-MM)');
    const y = Number(m[1]);
    const mo = Number(m[2]);
    fromDate = `${month}-01`;
    toDate = new Date(Date.UTC(y, mo, 0)).toISOString().slice(0, 10);
  }
  let type: ChargeType | undefined;
  if (has(input.type) && String(input.type) !== 'all') {
    const t = String(input.type);
    if (!(CHARGE_TYPES as readonly string[]).includes(t)) throw invalidError('type', `유형은 ${CHARGE_TYPES.join(', ')}, all 중 하나입니다 (one of those)`);
    type = t as ChargeType;
  }
  const search = has(input.q) ? String(input.q).trim() : undefined;
  if (search !== undefined && [...search].length > MAX_SEARCH_LENGTH) throw invalidError('q', `검색어는 ${MAX_SEARCH_LENGTH}자 이하입니다 (at most ${MAX_SEARCH_LENGTH} characters)`);
  const searchProblem = search === undefined ? undefined : textCharacterProblem(search, false);
  if (searchProblem) throw invalidError('q', searchProblem);
  let ids: number[] | undefined;
  if (has(input.ids)) {
    const parts = (Array.isArray(input.ids) ? input.ids.map(String) : String(input.ids).split(',')).map((s) => s.trim()).filter((s) => s !== '');
    if (parts.length > MAX_SELECTED_IDS || parts.some((s) => !/^\d{1,15}$/.test(s) || Number(s) < 1)) throw invalidError('ids', `선택은 쉼표로 구분한 번호 ${MAX_SELECTED_IDS}개 이하입니다 (comma-separated row ids)`);
    ids = parts.map(Number);
  }
  return {
    month, from: kstMidnight(fromDate), to: dayAfter(toDate), fromDate, toDate, type, search, ids,
    page: intField(input.page, 'page', 1, 1_000_000, 1),
    pageSize: intField(input.pageSize, 'pageSize', 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE),
  };
}

export interface ExpectedChargeRow {
  id: number;
  eventKey: string;
  type: ChargeType;
  unitId: number;
  /** 템플릿 제목 (message) */
  title: string;
  /** 발신번호 / 채널ID (message) */
  sender: string;
  /** 수신번호 (message) */
  recipient: string;
  /** 문서 번호: the NTS approval number, else the document key (document, filing) */
  documentNo: string;
  /** 거래처: the buyer (document, filing) */
  counterparty: string;
  /** 발송일시: a message's send, else the event (issue, filing result) */
  sentAt: Date;
  /** when the usage became billable (delivered, issued, filed) */
  occurredAt: Date;
  quantity: number;
  unitPriceKrw: number;
  /** 이용금액 (VAT 별도) = unit price × quantity */
  amountKrw: number;
}

export interface ExpectedChargesTotals {
  count: number;
  supplyKrw: number;
  vatKrw: number;
  totalKrw: number;
}

const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const idAfter = (prefix: string) => sql`CASE WHEN u.event_key LIKE ${`${prefix}:%`} THEN substring(u.event_key from ${prefix.length + 2}::int)::bigint END`;

/** FROM … WHERE of a query: the partner's ledger rows joined to what they bill. */
function fromWhere(partnerId: number, q: Pick<ExpectedChargesQuery, 'from' | 'to' | 'type' | 'search' | 'ids'>): RawBuilder<unknown> {
  const conds: RawBuilder<unknown>[] = [sql`u.partner_id = ${partnerId}`, sql`u.occurred_at >= ${q.from}`, sql`u.occurred_at < ${q.to}`];
  if (q.type && q.type !== 'other') conds.push(sql`u.metered_item = ${ITEM_OF[q.type]}`);
  if (q.ids) conds.push(q.ids.length ? sql`u.id = ANY(${q.ids}::bigint[])` : sql`false`);
  if (q.search) {
    const p = `%${likeLiteral(q.search)}%`;
    conds.push(sql`(b.template_name ILIKE ${p} OR b.content->>'subject' ILIKE ${p} OR b.content->>'text' ILIKE ${p} OR d.buy_name ILIKE ${p} OR d.dockey ILIKE ${p} OR d.nts_issue_id ILIKE ${p})`);
  }
  return sql`
      FROM usage_records u
      LEFT JOIN message_attempts a ON a.id = ${idAfter('msg')} AND a.accepted_at <= u.occurred_at
      LEFT JOIN message_recipients r ON r.id = a.recipient_id AND r.accepted_at = a.accepted_at
      LEFT JOIN message_batches b ON b.id = a.batch_id AND b.accepted_at = a.accepted_at
      LEFT JOIN kakao_channels kc ON kc.id = b.channel_id
      LEFT JOIN nts_filings f ON f.id = ${idAfter('nts')}
      LEFT JOIN documents d ON d.id = coalesce(${idAfter('doc')}, f.document_id)
     WHERE ${sql.join(conds, sql` AND `)}`;
}

interface RawRow {
  id: string;
  event_key: string;
  metered_item: string;
  unit_id: string;
  quantity: number;
  unit_price_krw: string;
  occurred_at: Date;
  sent_at: Date | null;
  template_name: string | null;
  content: Record<string, unknown> | null;
  sender_number: string | null;
  search_id: string | null;
  phone: string | null;
  dockey: string | null;
  nts_issue_id: string | null;
  buy_name: string | null;
}

function rowOf(r: RawRow): ExpectedChargeRow {
  const type = TYPE_OF.get(r.metered_item) ?? 'other';
  const isMessage = r.event_key.startsWith('msg:');
  const quantity = Number(r.quantity);
  const price = Number(r.unit_price_krw);
  return {
    id: Number(r.id),
    eventKey: r.event_key,
    type,
    unitId: Number(r.unit_id),
    title: isMessage && r.content ? titleOf(r.template_name, r.content) : '',
    sender: isMessage ? (r.search_id ?? r.sender_number ?? '') : '',
    recipient: r.phone ?? '',
    documentNo: r.nts_issue_id ?? r.dockey ?? '',
    counterparty: r.buy_name ?? '',
    sentAt: new Date(r.sent_at ?? r.occurred_at),
    occurredAt: new Date(r.occurred_at),
    quantity,
    unitPriceKrw: price,
    amountKrw: price * quantity,
  };
}

/** One page (or, with `limit`/`after`, a keyset slice for the export) of rows, newest first. */
export async function expectedChargeRows(db: Db, partnerId: number, q: ExpectedChargesQuery, slice: { limit: number; offset?: number; after?: { occurredAt: Date; id: number } }): Promise<ExpectedChargeRow[]> {
  const after = slice.after ? sql`AND (u.occurred_at, u.id) < (${slice.after.occurredAt}, ${slice.after.id})` : sql``;
  const rows = await sql<RawRow>`
    SELECT u.id, u.event_key, u.metered_item, u.unit_id, u.quantity, u.unit_price_krw, u.occurred_at, a.sent_at,
           b.template_name, b.content, b.sender_number, kc.search_id, r.phone, d.dockey, d.nts_issue_id, d.buy_name
      ${fromWhere(partnerId, q)} ${after}
     ORDER BY u.occurred_at DESC, u.id DESC
     LIMIT ${slice.limit} OFFSET ${slice.offset ?? 0}`.execute(db);
  return rows.rows.map(rowOf);
}

export async function expectedChargeTotals(db: Db, partnerId: number, q: ExpectedChargesQuery): Promise<ExpectedChargesTotals> {
  const r = await sql<{ n: string; supply: string | null }>`SELECT count(*) AS n, sum(u.unit_price_krw * u.quantity) AS supply ${fromWhere(partnerId, q)}`.execute(db);
  const supply = Number(r.rows[0]?.supply ?? 0);
  const vat = vatOf(supply);
  return { count: Number(r.rows[0]?.n ?? 0), supplyKrw: supply, vatKrw: vat, totalKrw: supply + vat };
}

export interface ExpectedChargesPage {
  query: ExpectedChargesQuery;
  totals: ExpectedChargesTotals;
  rows: ExpectedChargeRow[];
  nextPage: number | null;
}

export async function listExpectedCharges(ctx: Ctx, partnerId: number, input: ExpectedChargesInput): Promise<ExpectedChargesPage> {
  const query = resolveExpectedChargesQuery(input, ctx.clock.now());
  const totals = await expectedChargeTotals(ctx.db, partnerId, query);
  const rows = await expectedChargeRows(ctx.db, partnerId, query, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize });
  const nextPage = query.page * query.pageSize < totals.count ? query.page + 1 : null;
  return { query, totals, rows, nextPage };
}

export interface ExpectedChargeLine {
  type: ChargeType;
  unitId: number;
  meteredItem: string;
  unitPriceKrw: number;
  quantity: number;
  /** unit price × quantity (KRW, VAT excluded) */
  supplyKrw: number;
}

/** The period's rows summed per unit and unit price (what a bill charges, its bill_lines), oldest unit first. */
export async function expectedChargeLines(db: Db, partnerId: number, q: Pick<ExpectedChargesQuery, 'from' | 'to'>): Promise<ExpectedChargeLine[]> {
  const r = await sql<{ unit_id: string; metered_item: string; unit_price_krw: string; quantity: string }>`
    SELECT u.unit_id, u.metered_item, u.unit_price_krw, sum(u.quantity) AS quantity
      ${fromWhere(partnerId, { ...q, type: undefined, search: undefined, ids: undefined })}
     GROUP BY u.unit_id, u.metered_item, u.unit_price_krw
     ORDER BY u.unit_id, u.unit_price_krw`.execute(db);
  return r.rows.map((l) => ({
    type: TYPE_OF.get(l.metered_item) ?? 'other',
    unitId: Number(l.unit_id),
    meteredItem: l.metered_item,
    unitPriceKrw: Number(l.unit_price_krw),
    quantity: Number(l.quantity),
    supplyKrw: Number(l.unit_price_krw) * Number(l.quantity),
  }));
}
