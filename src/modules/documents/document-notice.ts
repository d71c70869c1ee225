/**
 * The AlimTalk notice of an issued document (REST alimtalk.notify, legacy doc__alimtalk_yn=Y): what it says, to
 * whom; the messaging module enqueues it in the issuing transaction (messaging/notices/enqueue-document-notice.ts).
 * validate-document.ts already refuses notify without buyer.contacts[0].mobile.
 */
import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { enqueueDocumentNotice, readyForDocumentNotices, type DocumentNoticeOutcome } from '../messaging/notices/enqueue-document-notice.ts';
import type { DocumentRow } from './document-views.ts';
import { DOCUMENT_KIND_LABELS } from './labels.ts';
import type { DocumentInput } from './model.ts';
import { viewUrl } from './recipient-view.ts';

export function wantsNotice(doc: DocumentInput): boolean {
  return doc.alimtalk?.notify === true && doc.buyer.contacts?.[0]?.mobile !== undefined;
}

/** Before the issuing transaction: the message partitions a notice is written to. */
export async function prepareDocumentNotice(ctx: Ctx, issue: boolean, doc: DocumentInput): Promise<void> {
  if (issue && wantsNotice(doc)) await readyForDocumentNotices(ctx);
}

/**
 * For a caller that opens the transaction itself (the REST Idempotency-Key wrapper): before it, when the request
 * issues, whatever a notice may need (cached after the first call, so cheap for issues without a notice).
 */
export async function prepareIssue(ctx: Ctx, issue: boolean): Promise<void> {
  if (issue) await readyForDocumentNotices(ctx);
}

export async function queueDocumentNotice(ctx: Ctx, tx: Tx, row: DocumentRow, doc: DocumentInput): Promise<DocumentNoticeOutcome | undefined> {
  const mobile = doc.buyer.contacts?.[0]?.mobile;
  if (doc.alimtalk?.notify !== true || mobile === undefined) return undefined;
  return enqueueDocumentNotice(ctx, tx, {
    documentId: row.id,
    dockey: row.dockey,
    subscriptionId: row.subscription_id,
    mobile,
    facts: {
      documentLabel: `${doc.amendment ? '수정' : ''}${DOCUMENT_KIND_LABELS[doc.kind]}`,
      supplierName: doc.supplier.name,
      buyerName: doc.buyer.name,
      writeDate: doc.writeDate,
      supply: doc.amounts.supply,
      tax: doc.amounts.tax,
      total: doc.amounts.total,
      issueId: row.nts_issue_id ?? '',
      link: viewUrl(ctx, row.dockey),
    },
  });
}
