/** What the member web shows of a 대량발행 upload: its progress counters and, on request, its rows. */
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import type { BulkRowState, BulkUploadState, RowError } from './tables.ts';
import './tables.ts';

export interface BulkRowView {
  rowNo: number;
  rowKey: string;
  state: BulkRowState;
  errors: RowError[];
  dockey: string | null;
  buyerName: string;
  total: number | null;
}

export interface BulkUploadView {
  uploadId: number;
  fileName: string;
  state: BulkUploadState;
  rows: { total: number; valid: number; invalid: number; issued: number; existing: number; failed: number; pending: number };
  /** 0..100: the valid rows worked through. */
  percent: number;
  createdAt: string;
  finishedAt: string | null;
  rowList?: BulkRowView[];
}

/** "3행 공급가액: …" — the row's errors as the page prints them. */
export function rowErrorText(rowNo: number, e: RowError): string {
  return `${rowNo}행 ${e.column ? `${e.column}: ` : ''}${e.message}`;
}

export async function getBulkUpload(ctx: Ctx, tenant: Tenant, uploadId: number, opts: { rows?: boolean } = {}): Promise<BulkUploadView> {
  const u = await ctx.db.selectFrom('bulk_uploads').selectAll().where('id', '=', uploadId).where('subscription_id', '=', tenant.subscriptionId).executeTakeFirst();
  if (!u) throw new AppError('bulk_upload_not_found', '대량발행 업로드가 없습니다 (no such bulk upload)', { field: 'uploadId' });
  const done = u.rows_issued + u.rows_existing + u.rows_failed;
  // rows already issued by an earlier upload are known in the preview: they count as done at once
  const workable = u.rows_valid;
  const view: BulkUploadView = {
    uploadId: u.id,
    fileName: u.file_name,
    state: u.state,
    rows: {
      total: u.rows_total,
      valid: u.rows_valid,
      invalid: u.rows_total - u.rows_valid,
      issued: u.rows_issued,
      existing: u.rows_existing,
      failed: u.rows_failed,
      pending: Math.max(0, workable - done),
    },
    percent: u.state === 'done' || workable === 0 ? (u.state === 'previewed' ? 0 : 100) : Math.min(100, Math.floor((done * 100) / workable)),
    createdAt: u.created_at.toISOString(),
    finishedAt: u.finished_at ? u.finished_at.toISOString() : null,
  };
  if (opts.rows) {
    const rows = await ctx.db.selectFrom('bulk_upload_rows').selectAll().where('upload_id', '=', u.id).orderBy('row_no').execute();
    view.rowList = rows.map((r) => {
      const body = (r.body ?? {}) as { buyer?: { name?: unknown }; amounts?: { total?: unknown } };
      return {
        rowNo: r.row_no,
        rowKey: r.row_key,
        state: r.state,
        errors: r.errors,
        dockey: r.dockey,
        buyerName: typeof body.buyer?.name === 'string' ? body.buyer.name : '',
        total: typeof body.amounts?.total === 'number' ? body.amounts.total : null,
      };
    });
  }
  return view;
}

/** The subscription's latest uploads (newest first). */
export async function listBulkUploads(ctx: Ctx, tenant: Tenant, limit = 20): Promise<BulkUploadView[]> {
  const ids = await ctx.db.selectFrom('bulk_uploads').select('id').where('subscription_id', '=', tenant.subscriptionId).orderBy('id', 'desc').limit(limit).execute();
  return Promise.all(ids.map((r) => getBulkUpload(ctx, tenant, r.id)));
}
