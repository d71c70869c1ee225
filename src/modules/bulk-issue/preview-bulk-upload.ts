/**
 * 대량발행, step 1: an uploaded .xlsx is read (xlsx-rows.ts) and every row validated by the same
 * `prepareDocument` the API runs for an issue (so the same rules and messages), its failing field named by the
 * template column ("3행 공급가액: …"). Rows whose row key already issued a document (an earlier upload, or an
 * API insert with that subkey) are marked `existing` now and are not issued again. Nothing is issued here:
 * the upload and its rows are stored as `previewed` for the member to look at and start (start-bulk-issue.ts).
 */
import { createHash } from 'node:crypto';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { toAppError } from '../../platform/errors.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { prepareDocument } from '../documents/prepare-document.ts';
import { getBulkUpload, type BulkUploadView } from './bulk-upload-view.ts';
import { columnOfField } from './xlsx-columns.ts';
import { documentOfRow, readSheetRows } from './xlsx-rows.ts';
import type { BulkRowState, RowError } from './tables.ts';

interface CheckedRow {
  rowNo: number;
  rowKey: string;
  state: BulkRowState;
  body: unknown;
  errors: RowError[];
  dockey: string | null;
}

export async function previewBulkUpload(ctx: Ctx, tenant: Tenant, file: { fileName: string; data: Buffer }): Promise<BulkUploadView> {
  const sheetRows = await readSheetRows(file.data);
  const checked: CheckedRow[] = [];
  const firstRowOfKey = new Map<string, number>();
  for (const sheetRow of sheetRows) {
    const read = documentOfRow(sheetRow);
    const errors = [...read.errors];
    let body: unknown = read.input;
    const earlier = firstRowOfKey.get(read.rowKey);
    if (read.rowKey && earlier !== undefined) {
      errors.push({ column: '행키', message: `${earlier}행과 같은 문서입니다: 행키를 다르게 적으세요 (same row key or content as row ${earlier})` });
    } else if (read.rowKey) {
      firstRowOfKey.set(read.rowKey, read.rowNo);
    }
    if (errors.length === 0) {
      try {
        body = await prepareDocument(ctx, tenant, read.input, { issue: true });
      } catch (err) {
        const e = toAppError(err);
        errors.push({ column: columnOfField(e.field), message: e.message });
      }
    }
    checked.push({ rowNo: read.rowNo, rowKey: read.rowKey, state: errors.length ? 'invalid' : 'valid', body, errors, dockey: null });
  }
  // row keys that already issued a document
  const keys = checked.filter((r) => r.state === 'valid').map((r) => r.rowKey);
  if (keys.length) {
    const existing = await ctx.db
      .selectFrom('documents')
      .select(['subkey', 'dockey'])
      .where('subscription_id', '=', tenant.subscriptionId)
      .where('subkey', 'in', keys)
      .where('doc_state', '<>', 'D')
      .execute();
    const byKey = new Map(existing.map((d) => [d.subkey, d.dockey]));
    for (const r of checked) {
      const dockey = r.state === 'valid' ? byKey.get(r.rowKey) : undefined;
      if (dockey) Object.assign(r, { state: 'existing', dockey });
    }
  }
  const now = ctx.clock.now();
  const valid = checked.filter((r) => r.state === 'valid' || r.state === 'existing').length;
  const existingCount = checked.filter((r) => r.state === 'existing').length;
  const uploadId = await inTransaction(ctx.db, async (tx) => {
    const u = await tx
      .insertInto('bulk_uploads')
      .values({
        subscription_id: tenant.subscriptionId,
        file_name: file.fileName.slice(0, 200),
        file_sha256: createHash('sha256').update(file.data).digest('hex'),
        rows_total: checked.length,
        rows_valid: valid,
        rows_existing: existingCount,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (let i = 0; i < checked.length; i += 200) {
      await tx
        .insertInto('bulk_upload_rows')
        .values(
          checked.slice(i, i + 200).map((r) => ({
            upload_id: u.id,
            row_no: r.rowNo,
            row_key: r.rowKey,
            state: r.state,
            body: JSON.stringify(r.body ?? null),
            errors: JSON.stringify(r.errors),
            dockey: r.dockey,
          })),
        )
        .execute();
    }
    return u.id;
  });
  ctx.log.info({ sinchno: tenant.subscriptionId, uploadId, rows: checked.length, valid, existing: existingCount }, 'bulk upload previewed');
  return getBulkUpload(ctx, tenant, uploadId, { rows: true });
}
