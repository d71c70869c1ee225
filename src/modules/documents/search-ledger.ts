/**
 * 문서함 search (member web 매출 / 매입 문서함): the ledger reader of list-documents.ts (`baseQuery`: the same
 * tenant scoping, purchase-ledger rule and filters the API uses) with the screen's filters, a sort, keyset pages
 * (never OFFSET: a page of a 100,000-document ledger costs what the first does) and the selection's totals.
 *
 * Query fields (errors name them): `from`, `to` (YYYYMMDD or YYYY-MM-DD), `dateType` (`write` 작성일자 | `issue`
 * 발행일), `counterparty` (name or number), `state` (T S A R C), `ntsState` (0–4), `amountMin`, `amountMax`
 * (합계금액, won), `item` (품목 text), `sort` (`write` | `issue` | `total`), `dir` (`desc` | `asc`), `size`
 * (10–200), `after` / `before` (the cursors of the previous answer). Sorting by 발행일 lists issued documents only.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { invalidError } from '../../platform/errors.ts';
import { optionalInteger, optionalString, type Input } from '../../platform/input.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import type { DocumentRow } from './document-views.ts';
import { baseQuery, checkFilter, type DocumentFilter } from './list-documents.ts';

export type LedgerSort = 'write' | 'issue' | 'total';

export interface LedgerQuery {
  filter: DocumentFilter;
  sort: LedgerSort;
  dir: 'desc' | 'asc';
  size: number;
  after?: string;
  before?: string;
}

export interface LedgerTotals {
  count: number;
  supply: number;
  tax: number;
  total: number;
}

export interface LedgerPage {
  rows: DocumentRow[];
  /** cursor of the next page (older in `desc`), when there is one */
  next?: string;
  /** cursor of the previous page, when this is not the first */
  prev?: string;
}

const DATE = /^(\d{4})-?(\d{2})-?(\d{2})$/;

function readDate(input: Input, field: string): string | undefined {
  const v = optionalString(input, field, { max: 10 });
  if (v === undefined || v === '') return undefined;
  const m = DATE.exec(v);
  if (!m) throw invalidError(field, '날짜는 YYYY-MM-DD 형식입니다 (date as YYYY-MM-DD)');
  return `${m[1]}${m[2]}${m[3]}`;
}

function oneOf<T extends string>(input: Input, field: string, allowed: readonly T[], fallback: T): T {
  const v = optionalString(input, field, { max: 20 });
  if (v === undefined || v === '') return fallback;
  if (!(allowed as readonly string[]).includes(v)) throw invalidError(field, `${allowed.join(', ')} 중 하나입니다 (one of ${allowed.join(' ')})`);
  return v as T;
}

const blankToUndefined = (input: Input): Input => Object.fromEntries(Object.entries(input).filter(([, v]) => v !== ''));

/** The screen's query string → a checked LedgerQuery (400 naming the field on a bad value). */
export function readLedgerQuery(ledger: 'sales' | 'purchase', raw: Input): LedgerQuery {
  const input = blankToUndefined(raw);
  const dateType = oneOf(input, 'dateType', ['write', 'issue'] as const, 'write');
  const from = readDate(input, 'from');
  const to = readDate(input, 'to');
  const state = optionalString(input, 'state', { max: 1 });
  const ntsState = optionalString(input, 'ntsState', { max: 1 });
  const amountMin = optionalInteger(input, 'amountMin', { min: -1e15, max: 1e15 });
  const amountMax = optionalInteger(input, 'amountMax', { min: -1e15, max: 1e15 });
  if (amountMin !== undefined && amountMax !== undefined && amountMin > amountMax) throw invalidError('amountMax', '최대 금액이 최소 금액보다 작습니다 (maximum below minimum)');
  const filter: DocumentFilter = {
    ledger,
    dateType: dateType === 'issue' ? 'I' : 'W',
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(state ? { procState: state } : {}),
    ...(ntsState ? { ntsState } : {}),
    ...(amountMin !== undefined ? { amountMin } : {}),
    ...(amountMax !== undefined ? { amountMax } : {}),
  };
  const counterparty = optionalString(input, 'counterparty', { max: 100 });
  if (counterparty?.trim()) filter.counterparty = counterparty.trim();
  const item = optionalString(input, 'item', { max: 100 });
  if (item?.trim()) filter.itemText = item.trim();
  checkFilter(filter, { from: 'from', to: 'to', procState: 'state', readState: 'readState', ntsState: 'ntsState', dockeys: 'dockeys' });
  const q: LedgerQuery = {
    filter,
    sort: oneOf(input, 'sort', ['write', 'issue', 'total'] as const, 'write'),
    dir: oneOf(input, 'dir', ['desc', 'asc'] as const, 'desc'),
    size: optionalInteger(input, 'size', { min: 10, max: 200 }) ?? 50,
  };
  const after = optionalString(input, 'after', { max: 200 });
  const before = optionalString(input, 'before', { max: 200 });
  if (after) q.after = decodeCursor(after, 'after', q.sort);
  else if (before) q.before = decodeCursor(before, 'before', q.sort);
  return q;
}

// A cursor is the last row's sort value and id: `<value>~<id>`, base64url.
function encodeCursor(sort: LedgerSort, row: DocumentRow): string {
  const value = sort === 'write' ? String(row.write_date) : sort === 'issue' ? row.issued_at!.toISOString() : String(row.total_amt);
  return Buffer.from(`${value}~${row.id}`).toString('base64url');
}

function decodeCursor(text: string, field: string, sort: LedgerSort): string {
  const bad = () => invalidError(field, '알 수 없는 페이지 위치입니다, 처음부터 다시 보세요 (unknown page cursor; start again)');
  const plain = Buffer.from(text, 'base64url').toString();
  const m = /^(.+)~(\d{1,18})$/.exec(plain);
  if (!m) throw bad();
  const ok = sort === 'write' ? /^\d{4}-\d{2}-\d{2}$/.test(m[1]!) : sort === 'issue' ? !Number.isNaN(Date.parse(m[1]!)) : /^-?\d{1,16}$/.test(m[1]!);
  if (!ok) throw bad();
  return text;
}

function cursorParts(text: string): [string, string] {
  const plain = Buffer.from(text, 'base64url').toString();
  const i = plain.lastIndexOf('~');
  return [plain.slice(0, i), plain.slice(i + 1)];
}

function sortedQuery(ctx: Ctx, tenant: Tenant, q: LedgerQuery) {
  let b = baseQuery(ctx, tenant, q.filter);
  if (q.sort === 'issue') b = b.where('d.issued_at', 'is not', null);
  return b;
}

/** One page of the ledger in the chosen order (keyset). */
export async function searchLedgerPage(ctx: Ctx, tenant: Tenant, q: LedgerQuery): Promise<LedgerPage> {
  const col = q.sort === 'write' ? sql.ref('d.write_date') : q.sort === 'issue' ? sql.ref('d.issued_at') : sql.ref('d.total_amt');
  const backwards = q.before !== undefined;
  // reading "before" a cursor walks the other way and turns the rows round
  const descending = (q.dir === 'desc') !== backwards;
  let b = sortedQuery(ctx, tenant, q).selectAll('d');
  const cursor = q.after ?? q.before;
  if (cursor) {
    const [value, id] = cursorParts(cursor);
    const v = q.sort === 'issue' ? new Date(value) : q.sort === 'total' ? Number(value) : value;
    b = descending ? b.where(sql<boolean>`(${col}, d.id) < (${v}, ${Number(id)})`) : b.where(sql<boolean>`(${col}, d.id) > (${v}, ${Number(id)})`);
  }
  const dir = descending ? 'desc' : 'asc';
  const rows = await b
    .orderBy(col, dir)
    .orderBy('d.id', dir)
    .limit(q.size + 1)
    .execute();
  const more = rows.length > q.size;
  const page = rows.slice(0, q.size);
  if (backwards) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const out: LedgerPage = { rows: page };
  if (last && (backwards || more)) out.next = encodeCursor(q.sort, last);
  if (first && (q.after !== undefined || (backwards && more))) out.prev = encodeCursor(q.sort, first);
  return out;
}

/** Count and sums (공급가액, 세액, 합계) of the whole selection, not only the page. */
export async function ledgerTotals(ctx: Ctx, tenant: Tenant, q: LedgerQuery): Promise<LedgerTotals> {
  const r = await sortedQuery(ctx, tenant, q)
    .select((eb) => [
      eb.fn.countAll<string>().as('n'),
      eb.fn.coalesce(eb.fn.sum<string>('d.supply_amt'), sql<string>`0`).as('supply'),
      eb.fn.coalesce(eb.fn.sum<string>('d.tax_amt'), sql<string>`0`).as('tax'),
      eb.fn.coalesce(eb.fn.sum<string>('d.total_amt'), sql<string>`0`).as('total'),
    ])
    .executeTakeFirstOrThrow();
  return { count: Number(r.n), supply: Number(r.supply), tax: Number(r.tax), total: Number(r.total) };
}

/** The states in plain words, Korean and English (처리상태 proc_state; 국세청 전송 nts_state). */
export const PROC_STATE_NAMES: Record<string, [string, string]> = {
  T: ['임시저장', 'Draft'],
  S: ['발행 (승인 대기)', 'Issued (awaiting approval)'],
  A: ['승인', 'Approved'],
  R: ['반려', 'Rejected'],
  C: ['발행취소', 'Cancelled'],
};
export const NTS_STATE_NAMES: Record<string, [string, string]> = {
  '0': ['미전송', 'Not sent'],
  '1': ['전송 대기', 'Queued'],
  '2': ['전송 중', 'Sending'],
  '3': ['전송 성공', 'Filed'],
  '4': ['전송 실패', 'Failed'],
};
