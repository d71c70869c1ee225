/**
 * Bulk write (REST `POST …/documents/bulk`): up to 100 documents, each in its own transaction, each with
 * its own answer — one bad document does not stop the others. Retries are safe per item through `subkey`.
 */
import type { Ctx } from '../../platform/context.ts';
import { toAppError, type AppError } from '../../platform/errors.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { insertDocument, type WriteDocumentRequest, type WriteDocumentResult } from './insert-document.ts';

export const MAX_BULK_DOCUMENTS = 100;

export type BulkItemResult = { ok: true; result: WriteDocumentResult } | { ok: false; error: AppError };

export async function insertDocumentsBulk(ctx: Ctx, tenant: Tenant, items: WriteDocumentRequest[]): Promise<BulkItemResult[]> {
  const out: BulkItemResult[] = [];
  for (const item of items) {
    try {
      out.push({ ok: true, result: await insertDocument(ctx, tenant, item) });
    } catch (err) {
      out.push({ ok: false, error: toAppError(err) });
    }
  }
  return out;
}
