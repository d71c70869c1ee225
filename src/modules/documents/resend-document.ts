/** Re-send an issued document unchanged (legacy `cmd=SEND`, REST `POST …/documents/{dockey}/send`). */
import { AppError, toAppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { findIssuedDocument } from './document-repo.ts';
import { documentOf } from './document-views.ts';
import { queueDocumentMail } from './issue-document.ts';

export interface ResendResult {
  dockey: string;
  ok: boolean;
  error?: ReturnType<typeof toAppError>;
  queuedAt?: Date;
}

export async function resendDocument(ctx: Ctx, tenant: Tenant, dockey: string): Promise<Date> {
  return inTransaction(ctx.db, async (tx) => {
    const row = await findIssuedDocument(tx, tenant.subscriptionId, dockey, { forUpdate: true });
    if (row.doc_state === 'D') throw new AppError('document_state_conflict', `폐기된 문서입니다 (document ${dockey} was discarded)`, { field: 'dockey' });
    if (row.proc_state === 'C') throw new AppError('document_state_conflict', '발행취소된 문서는 재발송할 수 없습니다 (the document was cancelled)', { field: 'dockey' });
    if (row.proc_state === 'T') throw new AppError('document_state_conflict', `발행되지 않은 문서(임시저장)는 재발송할 수 없습니다 (a draft cannot be sent; issue it first)`, { field: 'dockey' });
    const doc = documentOf(row);
    if (!doc.buyer.contacts?.[0]?.email) throw new AppError('field_required', '받는 사람 이메일이 없습니다 (no recipient e-mail)', { field: 'buyer.contacts[0].email' });
    await queueDocumentMail(ctx, tx, row, doc, 'resend');
    return ctx.clock.now();
  });
}

/** Several dockeys: each gets its own answer; one failure does not stop the others. */
export async function resendDocuments(ctx: Ctx, tenant: Tenant, dockeys: string[]): Promise<ResendResult[]> {
  const out: ResendResult[] = [];
  for (const dockey of dockeys) {
    try {
      out.push({ dockey, ok: true, queuedAt: await resendDocument(ctx, tenant, dockey) });
    } catch (err) {
      out.push({ dockey, ok: false, error: toAppError(err) });
    }
  }
  return out;
}
