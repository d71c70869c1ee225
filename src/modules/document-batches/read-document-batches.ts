/**
 * A document batch's progress and per-item results (GET …/document-batches/{batchId}), items paged in index order,
 * and a subscription's batches newest first (GET …/document-batches). A batch of another subscription is not found.
 * Cursors are opaque to clients (base64url of the next index, or of the last batch id read).
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { kstIso } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import type { DocumentBatchItemState, DocumentBatchState } from './tables.ts';
import './tables.ts';

export const MAX_ITEM_PAGE = 1000;
export const DEFAULT_ITEM_PAGE = 100;
export const MAX_BATCH_PAGE = 100;
export const DEFAULT_BATCH_PAGE = 20;

export interface DocumentBatchSummary {
  id: number;
  state: DocumentBatchState;
  total: number;
  issued: number;
  failed: number;
  pending: number;
  createdAt: string;
  completedAt: string | null;
}

export interface DocumentBatchItemView {
  index: number;
  subkey: string;
  state: DocumentBatchItemState;
  dockey: string | null;
  /** the NTS approval number (승인번호) of an issued document; null for a draft (issue false) or a failed item */
  issueId: string | null;
  /** issued: a new document (true) or the existing one its subkey names (false) */
  created: boolean | null;
  error: { code: string; message: string; field: string | null } | null;
}

export interface DocumentBatchView extends DocumentBatchSummary {
  items: DocumentBatchItemView[];
  nextCursor: string | null;
  hasMore: boolean;
}

export interface Page {
  cursor?: string | undefined;
  limit?: number | undefined;
}

function checkLimit(limit: number, max: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new AppError('field_invalid', `limit은 1~${max}입니다 (limit must be 1..${max})`, { field: 'limit' });
  }
  return limit;
}

const encodeCursor = (n: number) => Buffer.from(String(n), 'utf8').toString('base64url');
function decodeCursor(cursor: string): number {
  const text = /^[A-Za-z0-9_-]{1,32}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!/^\d{1,15}$/.test(text)) throw new AppError('field_invalid', '잘못된 cursor입니다 (cursor is not one this API returned)', { field: 'cursor' });
  return Number(text);
}

interface BatchRow {
  id: number;
  state: DocumentBatchState;
  total: number;
  issued: number;
  failed: number;
  created_at: Date;
  completed_at: Date | null;
}

function summary(row: BatchRow): DocumentBatchSummary {
  return {
    id: Number(row.id),
    state: row.state,
    total: row.total,
    issued: row.issued,
    failed: row.failed,
    pending: row.total - row.issued - row.failed,
    createdAt: kstIso(row.created_at),
    completedAt: row.completed_at ? kstIso(row.completed_at) : null,
  };
}

const BATCH_COLUMNS = ['id', 'state', 'total', 'issued', 'failed', 'created_at', 'completed_at'] as const;

function batchNotFound(batchId: number): AppError {
  return new AppError('document_batch_not_found', `대량 발행 요청 ${batchId}이(가) 없습니다 (no such document batch)`, { field: 'batchId' });
}

export async function getDocumentBatch(ctx: Ctx, tenant: Tenant, batchId: number, page: Page = {}): Promise<DocumentBatchView> {
  const limit = checkLimit(page.limit ?? DEFAULT_ITEM_PAGE, MAX_ITEM_PAGE);
  const from = page.cursor !== undefined ? decodeCursor(page.cursor) : 0;
  if (!Number.isSafeInteger(batchId) || batchId < 1) throw batchNotFound(batchId);
  const row = await ctx.db.selectFrom('document_batches').select(BATCH_COLUMNS).where('id', '=', batchId).where('subscription_id', '=', tenant.subscriptionId).executeTakeFirst();
  if (!row) throw batchNotFound(batchId);
  // every cursor this API returns is the index of one of the batch's items (and an index past them would overflow
  // the integer column in SQL: a 500)
  if (from >= row.total) throw new AppError('field_invalid', '잘못된 cursor입니다 (cursor is not one this API returned)', { field: 'cursor' });
  const items = await sql<{ idx: number; subkey: string; state: DocumentBatchItemState; dockey: string | null; nts_issue_id: string | null; created: boolean | null; error_code: string | null; error_message: string | null; error_field: string | null }>`
    SELECT i.idx, i.subkey, i.state, d.dockey, d.nts_issue_id, i.created, i.error_code, i.error_message, i.error_field
      FROM document_batch_items i LEFT JOIN documents d ON d.id = i.document_id
     WHERE i.batch_id = ${batchId} AND i.idx >= ${from}
     ORDER BY i.idx LIMIT ${limit + 1}`.execute(ctx.db);
  const shown = items.rows.slice(0, limit);
  const hasMore = items.rows.length > limit;
  return {
    ...summary(row),
    items: shown.map((i) => ({
      index: i.idx,
      subkey: i.subkey,
      state: i.state,
      dockey: i.dockey,
      issueId: i.nts_issue_id,
      created: i.created,
      error: i.error_code === null ? null : { code: i.error_code, message: i.error_message ?? '', field: i.error_field },
    })),
    nextCursor: hasMore ? encodeCursor(items.rows[limit]!.idx) : null,
    hasMore,
  };
}

export async function listDocumentBatches(ctx: Ctx, tenant: Tenant, page: Page = {}): Promise<{ data: DocumentBatchSummary[]; nextCursor: string | null; hasMore: boolean }> {
  const limit = checkLimit(page.limit ?? DEFAULT_BATCH_PAGE, MAX_BATCH_PAGE);
  let q = ctx.db.selectFrom('document_batches').select(BATCH_COLUMNS).where('subscription_id', '=', tenant.subscriptionId);
  if (page.cursor !== undefined) q = q.where('id', '<', decodeCursor(page.cursor));
  const rows = await q.orderBy('id', 'desc').limit(limit + 1).execute();
  const shown = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  return { data: shown.map(summary), nextCursor: hasMore ? encodeCursor(Number(shown.at(-1)!.id)) : null, hasMore };
}
