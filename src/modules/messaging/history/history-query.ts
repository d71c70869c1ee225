/**
 * The query of the send history (연동 API 발송내역), read from a face's fields and checked once: the period (a
 * preset or custom KST dates) becomes an `accepted_at` range [from, to) — the partition key, so PostgreSQL scans
 * only the months it covers — and the filters (type, state, search, selected ids) and the page.
 *
 * Periods (KST, docs/messaging.md "History"):
 *   1h      the last hour, up to now
 *   today   from 00:00 KST today, up to now
 *   7d      from 00:00 KST of the same day 7 days ago, up to now
 *   1m      from 00:00 KST of the same day a month ago (the month's last day when shorter), up to now
 *   custom  from 00:00 KST of `from` to 24:00 KST of `to` (YYYY-MM-DD or YYYYMMDD; at most 13 months apart)
 */
import { invalidError, requiredError } from '../../../platform/errors.ts';
import { isCalendarDate, kstParts } from '../../../platform/clock.ts';
import { textCharacterProblem } from '../../../platform/input.ts';
import type { BatchState, MessageType } from '../sending/tables.ts';

export const HISTORY_PERIODS = ['1h', 'today', '7d', '1m', 'custom'] as const;
export type HistoryPeriod = (typeof HISTORY_PERIODS)[number];
export const HISTORY_TYPES = ['alimtalk', 'friendtalk', 'brand', 'sms', 'lms', 'mms', 'auto'] as const satisfies readonly MessageType[];
export const HISTORY_STATES = ['reserved', 'queued', 'sending', 'done', 'cancelled'] as const satisfies readonly BatchState[];
export const DEFAULT_PERIOD: HistoryPeriod = '1m';
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
export const MAX_SEARCH_LENGTH = 100;
export const MAX_SELECTED_IDS = 1000;

/** The fields as a face received them (query string, form or JSON body); every one optional. */
export interface HistoryQueryInput {
  type?: unknown;
  period?: unknown;
  from?: unknown;
  to?: unknown;
  state?: unknown;
  q?: unknown;
  ids?: unknown;
  page?: unknown;
  pageSize?: unknown;
}

export interface HistoryQuery {
  period: HistoryPeriod;
  /** accepted_at ≥ from */
  from: Date;
  /** accepted_at < to */
  to: Date;
  type: MessageType | undefined;
  state: BatchState | undefined;
  /** matched (case-insensitively, as a substring) against the template title, subject and text */
  search: string | undefined;
  /** only these batches (the rows a user selected), when given */
  ids: number[] | undefined;
  page: number;
  pageSize: number;
}

const KST_MS = 9 * 3_600_000;
const DAY_MS = 86_400_000;

/** 00:00 KST of the calendar day (year, month 1–12, day) — day may overflow, Date.UTC normalises it. */
function kstMidnight(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day) - KST_MS);
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The [from, to) range of a preset period at `now`. */
export function presetRange(period: Exclude<HistoryPeriod, 'custom'>, now: Date): { from: Date; to: Date } {
  const to = new Date(now.getTime() + 1); // up to and including now
  const p = kstParts(now);
  switch (period) {
    case '1h':
      return { from: new Date(now.getTime() - 3_600_000), to };
    case 'today':
      return { from: kstMidnight(p.year, p.month, p.day), to };
    case '7d':
      return { from: kstMidnight(p.year, p.month, p.day - 7), to };
    case '1m': {
      const y = p.month === 1 ? p.year - 1 : p.year;
      const m = p.month === 1 ? 12 : p.month - 1;
      return { from: kstMidnight(y, m, Math.min(p.day, daysIn(y, m))), to };
    }
  }
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined);

function kstDateField(v: unknown, field: string): Date {
  const s = text(v);
  if (s === undefined) throw requiredError(field);
  const digits = s.replace(/-/g, '');
  if (!/^\d{4}-?\d{2}-?\d{2}$/.test(s) || !isCalendarDate(digits)) throw invalidError(field, 'YYYY-MM-DD 형식의 날짜여야 합니다 (a date YYYY-MM-DD, KST)');
  return kstMidnight(Number(digits.slice(0, 4)), Number(digits.slice(4, 6)), Number(digits.slice(6, 8)));
}

function positiveInt(v: unknown, field: string, fallback: number, max?: number): number {
  const s = text(v);
  if (s === undefined) return fallback;
  const n = Number(s);
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(n) || n < 1) throw invalidError(field, '1 이상의 정수여야 합니다 (a whole number ≥ 1)');
  if (max !== undefined && n > max) throw invalidError(field, `${max} 이하여야 합니다 (at most ${max})`);
  return n;
}

function oneOf<T extends string>(v: unknown, values: readonly T[], field: string): T | undefined {
  const s = text(v);
  if (s === undefined || s === 'all') return undefined;
  if (!(values as readonly string[]).includes(s)) throw invalidError(field, `다음 중 하나여야 합니다: ${values.join(', ')} (one of: ${values.join(', ')})`);
  return s as T;
}

/** Selected batch ids: an array, or a comma-separated text (a query string); absent → undefined. */
export function readIds(v: unknown, field = 'ids'): number[] | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [v];
  if (list.length > MAX_SELECTED_IDS) throw invalidError(field, `한 번에 ${MAX_SELECTED_IDS}개까지 선택할 수 있습니다 (at most ${MAX_SELECTED_IDS} at once)`);
  const ids = list.map((x, i) => {
    const n = typeof x === 'number' ? x : typeof x === 'string' && /^\s*\d+\s*$/.test(x) ? Number(x) : NaN;
    if (!Number.isSafeInteger(n) || n < 1) throw invalidError(`${field}[${i}]`, '발송내역 번호(1 이상의 정수)여야 합니다 (a batch id, a whole number ≥ 1)');
    return n;
  });
  return [...new Set(ids)];
}

/** Check and resolve the query at `now`. Bad input throws an AppError naming its field. */
export function resolveHistoryQuery(input: HistoryQueryInput, now: Date): HistoryQuery {
  const hasDates = text(input.from) !== undefined || text(input.to) !== undefined;
  const period = oneOf(input.period, HISTORY_PERIODS, 'period') ?? (hasDates ? 'custom' : DEFAULT_PERIOD);
  let range: { from: Date; to: Date };
  if (period === 'custom') {
    const from = kstDateField(input.from, 'from');
    const to = new Date(kstDateField(input.to, 'to').getTime() + DAY_MS);
    if (to <= from) throw invalidError('to', '시작일 이후의 날짜여야 합니다 (on or after the start date)');
    if (to.getTime() - from.getTime() > 400 * DAY_MS) throw invalidError('to', '조회 기간은 13개월 이내여야 합니다, 발송내역은 12개월 보관 (at most 13 months: history is kept 12 months)');
    range = { from, to };
  } else {
    range = presetRange(period, now);
  }
  const search = text(input.q);
  if (search !== undefined && search.length > MAX_SEARCH_LENGTH) throw invalidError('q', `검색어는 ${MAX_SEARCH_LENGTH}자 이하여야 합니다 (at most ${MAX_SEARCH_LENGTH} characters)`);
  const searchProblem = search === undefined ? undefined : textCharacterProblem(search, false);
  if (searchProblem) throw invalidError('q', searchProblem);
  return {
    period,
    ...range,
    type: oneOf(input.type, HISTORY_TYPES, 'type'),
    state: oneOf(input.state, HISTORY_STATES, 'state'),
    search,
    ids: readIds(input.ids),
    page: positiveInt(input.page, 'page', 1),
    pageSize: positiveInt(input.pageSize, 'pageSize', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
  };
}
