/**
 * Status of many documents (legacy `cmd=MULTILIST`, REST `GET …/documents`): the sales ledger (issued by
 * this subscription) or the purchase ledger (received as a subscribed buyer), by dockeys or by a date
 * range on the write, send or last-change date, with state filters. Legacy pages by number; REST by cursor.
 */
import type { Ctx } from '../../platform/context.ts';
import { invalidError } from '../../platform/errors.ts';
import { isCalendarDate, toSqlDate } from '../../platform/clock.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { LEGACY_ROW_COLUMNS, VIEW_COLUMNS, type DocumentViewSource, type LegacyRowSource } from './document-views.ts';
import { inPurchaseLedgerOf } from './purchase-ledger.ts';

export interface DocumentFilter {
  ledger: 'sales' | 'purchase';
  dockeys?: string[];
  /** W 작성일자, S 전송일시, L 최종변경, I 발행일시 (member web) */
  dateType?: 'W' | 'S' | 'L' | 'I';
  from?: string;
  to?: string;
  subkey?: string;
  procState?: string;
  readState?: string;
  ntsState?: string;
  /** 문서함 search (member web): the counterparty's name (part of it) or number (sales: the buyer, purchase: the supplier) */
  counterparty?: string;
  /** 합계금액 range, won (inclusive) */
  amountMin?: number;
  amountMax?: number;
  /** text in the items (품목 summary) */
  itemText?: string;
}

export interface PageRequest {
  page: number;
  pageSize: number;
}

const MAX_PAGE_SIZE = 1000;

export function checkFilter(f: DocumentFilter, names: Record<'from' | 'to' | 'procState' | 'readState' | 'ntsState' | 'dockeys', string>): void {
  for (const [k, v] of [['from', f.from], ['to', f.to]] as const) {
    if (v !== undefined && !isCalendarDate(v)) throw invalidError(names[k], '날짜는 YYYYMMDD 형식입니다 (date as YYYYMMDD)');
  }
  if (f.from && f.to && f.from > f.to) throw invalidError(names.to, '종료일이 시작일보다 빠릅니다 (end before start)');
  if (f.procState !== undefined && !/^[TSARC]$/.test(f.procState)) throw invalidError(names.procState, 'T, S, A, R, C 중 하나입니다 (one of T S A R C)');
  if (f.readState !== undefined && !/^[NY]$/.test(f.readState)) throw invalidError(names.readState, 'N 또는 Y입니다 (N or Y)');
  if (f.ntsState !== undefined && !/^[0-4]$/.test(f.ntsState)) throw invalidError(names.ntsState, '0~4 중 하나입니다 (0 to 4)');
  if (f.dockeys && f.dockeys.length > MAX_PAGE_SIZE) throw invalidError(names.dockeys, `최대 ${MAX_PAGE_SIZE}건입니다 (at most ${MAX_PAGE_SIZE})`);
}

/** The ledger's documents matching `f` (`documents as d`): the one reader behind every list, count and total. */
export function baseQuery(ctx: Ctx, tenant: Tenant, f: DocumentFilter) {
  let q = ctx.db.selectFrom('documents as d');
  q =
    f.ledger === 'sales'
      ? q.where('d.subscription_id', '=', tenant.subscriptionId)
      : q.where(inPurchaseLedgerOf(tenant.subscriptionId));
  if (f.dockeys?.length) q = q.where('d.dockey', 'in', f.dockeys);
  const col = f.dateType === 'S' ? 'd.send_at' : f.dateType === 'L' ? 'd.updated_at' : f.dateType === 'I' ? 'd.issued_at' : 'd.write_date';
  if (f.from) {
    q = col === 'd.write_date' ? q.where(col, '>=', toSqlDate(f.from)) : q.where(col, '>=', new Date(`${toSqlDate(f.from)}T00:00:00+09:00`));
  }
  if (f.to) {
    q = col === 'd.write_date' ? q.where(col, '<=', toSqlDate(f.to)) : q.where(col, '<', new Date(new Date(`${toSqlDate(f.to)}T00:00:00+09:00`).getTime() + 86_400_000));
  }
  if (f.subkey) q = q.where('d.subkey', '=', f.subkey);
  if (f.procState) q = q.where('d.proc_state', '=', f.procState as 'T');
  if (f.readState) q = q.where('d.read_state', '=', f.readState as 'N');
  if (f.ntsState) q = q.where('d.nts_state', '=', f.ntsState as '0');
  if (f.counterparty) {
    const digits = f.counterparty.replace(/[\s-]/g, '');
    const [nameCol, idCol] = f.ledger === 'sales' ? (['d.buy_name', 'd.buy_id'] as const) : (['d.sup_name', 'd.sup_bizno'] as const);
    const like = `%${likeEscape(f.counterparty.trim())}%`;
    // digits only (3 or more, hyphens allowed): the number, by prefix; anything else: part of the name
    q = /^\d{3,}$/.test(digits) ? q.where(idCol, 'like', `${digits}%`) : q.where(nameCol, 'ilike', like);
  }
  if (f.amountMin !== undefined) q = q.where('d.total_amt', '>=', f.amountMin);
  if (f.amountMax !== undefined) q = q.where('d.total_amt', '<=', f.amountMax);
  if (f.itemText) q = q.where('d.item_summary', 'ilike', `%${likeEscape(f.itemText.trim())}%`);
  return q;
}

/**
 * What a list reads of a row: the columns of its view, never the stored body (`d.`-qualified). PGlite and pg
 * parse every field of every row, so a 1,000-row page costs in proportion to the columns selected (issue 13).
 */
const VIEW_SELECTION = VIEW_COLUMNS.map((c) => `d.${c}` as const);
const LEGACY_SELECTION = LEGACY_ROW_COLUMNS.map((c) => `d.${c}` as const);

/** A LIKE pattern's literal text: `%`, `_` and `\\` match themselves. */
export const likeEscape = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listDocumentsPage(ctx: Ctx, tenant: Tenant, f: DocumentFilter, page: PageRequest): Promise<{ total: number; rows: LegacyRowSource[] }> {
  const pageSize = Math.min(Math.max(page.pageSize, 1), MAX_PAGE_SIZE);
  // the count of the period and the page at once: on PostgreSQL two connections of the pool run them side by side
  // (over 100,000 documents the count is most of the fixed cost); on PGlite, or in a transaction, they queue on the
  // one connection as before. Two statements either way, each with its own snapshot, as they always were.
  const [count, rows] = await Promise.all([
    baseQuery(ctx, tenant, f)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    baseQuery(ctx, tenant, f)
      .select(LEGACY_SELECTION)
      .orderBy('d.id', 'desc')
      .limit(pageSize)
      .offset((Math.max(page.page, 1) - 1) * pageSize)
      .execute(),
  ]);
  return { total: Number(count.n), rows };
}

/** Cursor pagination for REST: newest first, `startingAfter` is the last dockey of the previous page. */
export async function listDocumentsAfter(ctx: Ctx, tenant: Tenant, f: DocumentFilter, opts: { limit: number; startingAfter?: string }): Promise<{ rows: DocumentViewSource[]; hasMore: boolean }> {
  const limit = Math.min(Math.max(opts.limit, 1), 200);
  let q = baseQuery(ctx, tenant, f).select(VIEW_SELECTION);
  if (opts.startingAfter) {
    // the cursor is looked up in the caller's ledger only: another tenant's dockey is as unknown as a made-up one
    const cursor = await baseQuery(ctx, tenant, { ledger: f.ledger }).select('d.id').where('d.dockey', '=', opts.startingAfter).executeTakeFirst();
    if (!cursor) throw invalidError('startingAfter', '알 수 없는 커서입니다 (unknown cursor)');
    q = q.where('d.id', '<', cursor.id);
  }
  const rows = await q.orderBy('d.id', 'desc').limit(limit + 1).execute();
  return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
}
