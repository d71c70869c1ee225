/**
 * 연동 API 발송내역: one page of a partner's batches for a query, newest first, with the count and the sums over
 * every batch the query matches (the period's 발송건수), read from the partitions of the period only.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import { resolveHistoryQuery, type HistoryQuery, type HistoryQueryInput } from './history-query.ts';
import { historyRowOf, historyRows, historyWhere, type HistoryRow } from './history-rows.ts';

export interface HistorySummary {
  /** batches (requests) the query matches */
  batches: number;
  /** recipients of those batches (발송 건수) */
  recipients: number;
  success: number;
  failure: number;
  pending: number;
  cancelled: number;
}

export interface HistoryPage {
  query: HistoryQuery;
  summary: HistorySummary;
  rows: HistoryRow[];
  /** the next page number, or null on the last page */
  nextPage: number | null;
}

export async function listMessageHistory(ctx: Ctx, partnerId: number, input: HistoryQueryInput): Promise<HistoryPage> {
  const query = resolveHistoryQuery(input, ctx.clock.now());
  const where = historyWhere(partnerId, query);
  const sums = await ctx.db
    .selectFrom('message_batches')
    .where(where)
    .select([
      sql<string>`count(*)`.as('batches'),
      sql<string>`coalesce(sum(message_batches.total), 0)`.as('recipients'),
      sql<string>`coalesce(sum(message_batches.success), 0)`.as('success'),
      sql<string>`coalesce(sum(message_batches.failure), 0)`.as('failure'),
      sql<string>`coalesce(sum(message_batches.pending), 0)`.as('pending'),
      sql<string>`coalesce(sum(message_batches.cancelled), 0)`.as('cancelled'),
    ])
    .executeTakeFirstOrThrow();
  const summary: HistorySummary = {
    batches: Number(sums.batches),
    recipients: Number(sums.recipients),
    success: Number(sums.success),
    failure: Number(sums.failure),
    pending: Number(sums.pending),
    cancelled: Number(sums.cancelled),
  };
  const offset = (query.page - 1) * query.pageSize;
  const rows = offset < summary.batches ? (await historyRows(ctx.db, where).limit(query.pageSize).offset(offset).execute()).map(historyRowOf) : [];
  return { query, summary, rows, nextPage: offset + rows.length < summary.batches ? query.page + 1 : null };
}
