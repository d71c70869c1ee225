/**
 * Issuing (발행) inside the caller's transaction: check the unit limits from the usage ledger, assign the
 * approval number, mark the document issued, write its ledger row (doc:<document id>, settlement/record-usage.ts),
 * queue the mail in the outbox with its job, and — with alimtalk.notify — the buyer's AlimTalk notice
 * (document-notice.ts; prepareDocumentNotice runs before the transaction), and the `document.issued` event
 * (document-log-events.ts). Everything commits together or not at all. The buyer's purchase ledger needs no write: it is computed on read (purchase-ledger.ts).
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { enqueueJob } from '../../platform/jobs.ts';
import { queueDocumentNotice } from './document-notice.ts';
import { assignIssueId } from './issue-serials.ts';
import { assertUsageLimit } from '../settlement/usage-limits.ts';
import { DOCUMENT_ISSUED_ITEM, recordUsage } from '../settlement/record-usage.ts';
import type { DocumentInput } from './model.ts';
import type { DocumentRow } from './document-views.ts';
import { recordEvent } from '../events/record-event.ts';
import { documentEvent } from './document-log-events.ts';

/** The mail job queue of this installation's channel (HANBILL_CHANNEL). */
export function mailQueue(config: { channel: string }): string {
  return `${config.channel}.mail`;
}
export const ISSUED_METERED_ITEM = DOCUMENT_ISSUED_ITEM;

export async function issueInTransaction(ctx: Ctx, tx: Tx, row: DocumentRow, doc: DocumentInput): Promise<DocumentRow> {
  const now = ctx.clock.now();
  await assertUsageLimit(tx, row.subscription_id, ISSUED_METERED_ITEM, 1, now);
  const issueId = await assignIssueId(tx, ctx.config.ntsIssuerCode, doc.writeDate);
  // a document with a recipient is marked mail-pending by this same UPDATE (one round trip less per issue than
  // queueDocumentMail's own UPDATE); the outbox row and its job follow in this transaction
  const mailed = mailRecipient(doc) !== undefined;
  const issued = await tx
    .updateTable('documents')
    .set({ proc_state: 'S', nts_issue_id: issueId, issued_at: now, updated_at: now, ...(mailed ? { mail_result: 'pending' } : {}) })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordUsage(ctx, tx, [{ eventKey: `doc:${row.id}`, subscriptionId: row.subscription_id, meteredItem: ISSUED_METERED_ITEM, occurredAt: now }]);
  if (mailed) await queueDocumentMail(ctx, tx, issued, doc, 'issue', { marked: true });
  await queueDocumentNotice(ctx, tx, issued, doc);
  await recordEvent(tx, documentEvent('document.issued', issued, now));
  return issued;
}

function mailRecipient(doc: DocumentInput): string | undefined {
  return doc.buyer.contacts?.[0]?.email || undefined;
}

/** Every document this subscription writes is in its own sales ledger (doclstmst). */
export async function addToSalesLedger(tx: Tx, subscriptionId: number, documentId: number, at: Date): Promise<void> {
  await sql`
    INSERT INTO ledger_entries (ledger_id, document_id, subscription_id, created_at)
    SELECT l.id, ${documentId}, ${subscriptionId}, ${at} FROM ledgers l WHERE l.subscription_id = ${subscriptionId} AND l.kind = 'sales'`.execute(tx);
}

/**
 * Write the outbox row and its job; the mail worker renders and sends it (with retries). `marked`: the caller
 * already set the document's mail_result to 'pending' in this transaction.
 */
export async function queueDocumentMail(ctx: Ctx, tx: Tx, row: DocumentRow, doc: DocumentInput, reason: 'issue' | 'resend' | 'update', opts: { marked?: boolean } = {}): Promise<boolean> {
  const to = mailRecipient(doc);
  if (!to) return false;
  const cc = doc.buyer.contacts?.[1]?.email ?? null;
  const outbox = await tx
    .insertInto('mail_outbox')
    .values({ subscription_id: row.subscription_id, document_id: row.id, reason, to_addr: to, cc_addr: cc })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (!opts.marked) await tx.updateTable('documents').set({ mail_result: 'pending' }).where('id', '=', row.id).execute();
  await enqueueJob(tx, mailQueue(ctx.config), { outboxId: outbox.id }, { dedupeKey: `outbox:${outbox.id}`, maxAttempts: 8 });
  ctx.log.debug({ dockey: row.dockey, outboxId: outbox.id }, 'document mail queued');
  return true;
}
