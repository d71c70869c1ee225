/**
 * Issuing (발행) inside the caller's transaction: check the unit limits from the usage ledger, assign the
 * approval number, mark the document issued, write its usage row (doc:<document id>, settlement/record-usage.ts),
 * queue the mail in the outbox with its job, and — with alimtalk.notify — the buyer's AlimTalk notice
 * (document-notice.ts; prepareDocumentNotice runs before the transaction), and the `document.issued` event
 * (document-log-events.ts). Everything commits together or not at all. A new document is inserted already issued
 * (insertNewDocument, the bulk write: reserveIssue, then recordIssued), so its row and the 15 indexes of
 * `documents` are written once; a draft is updated (issueInTransaction). The buyer's purchase ledger needs no
 * write: it is computed on read (purchase-ledger.ts).
 */
import { sql, type Insertable } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { insertWithJobs } from '../../platform/jobs.ts';
import { queueDocumentNotice } from './document-notice.ts';
import { assignIssueId, releaseIssueIds } from './issue-serials.ts';
import type { DocumentsTable } from '../../platform/db/schema.ts';
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

/** The mail job of an outbox row (jobs.ts insertWithJobs): `{ outboxId }`, deduplicated per row, 8 attempts. */
export function mailJob(config: { channel: string }) {
  return { queue: mailQueue(config), payloadKey: 'outboxId', dedupePrefix: 'outbox', maxAttempts: 8 };
}

/**
 * Issue a document already written as a draft (update-document.ts: a draft issued by its update): the unit limit,
 * the approval number, the UPDATE marking it issued, then what every issue writes (recordIssued).
 */
export async function issueInTransaction(ctx: Ctx, tx: Tx, row: DocumentRow, doc: DocumentInput): Promise<DocumentRow> {
  const now = ctx.clock.now();
  const columns = await reserveIssue(ctx, tx, row.subscription_id, doc, now);
  const issued = await tx.updateTable('documents').set({ ...columns, updated_at: now }).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
  await recordIssued(ctx, tx, issued, doc, now);
  return issued;
}

/** The columns that mark a document issued (proc_state S with its approval number); mail-pending when it has a recipient. */
export interface IssuedColumns {
  proc_state: 'S';
  nts_issue_id: string;
  issued_at: Date;
  mail_result?: 'pending';
}

export function issuedColumns(issueId: string, doc: DocumentInput, now: Date): IssuedColumns {
  return { proc_state: 'S', nts_issue_id: issueId, issued_at: now, ...(mailRecipient(doc) !== undefined ? { mail_result: 'pending' as const } : {}) };
}

/**
 * Before a document is written issued: check the subscription's unit limits (the per-subscription lock, to
 * commit) and reserve the approval number (its serial row locked to commit) — in this order on every path, so two
 * issuing transactions take the two locks in one order. A caller that then writes no document gives the number
 * back (issue-serials.ts releaseIssueIds) to stay gap-free.
 */
export async function reserveIssue(ctx: Ctx, tx: Tx, subscriptionId: number, doc: DocumentInput, now: Date): Promise<IssuedColumns> {
  await assertUsageLimit(tx, subscriptionId, ISSUED_METERED_ITEM, 1, now);
  return issuedColumns(await assignIssueId(tx, ctx.config.ntsIssuerCode, doc.writeDate), doc, now);
}

/**
 * What follows every issue, once the document's row carries its issued columns: the usage row, the mail in the
 * outbox with its job (the row is already mail-pending), the AlimTalk notice and the document.issued event.
 */
export async function recordIssued(ctx: Ctx, tx: Tx, issued: DocumentRow, doc: DocumentInput, now: Date): Promise<void> {
  await recordUsage(ctx, tx, [{ eventKey: `doc:${issued.id}`, subscriptionId: issued.subscription_id, meteredItem: ISSUED_METERED_ITEM, occurredAt: now }]);
  if (mailRecipient(doc) !== undefined) await queueDocumentMail(ctx, tx, issued, doc, 'issue', { marked: true });
  await queueDocumentNotice(ctx, tx, issued, doc);
  await recordEvent(tx, documentEvent('document.issued', issued, now));
}

function mailRecipient(doc: DocumentInput): string | undefined {
  return doc.buyer.contacts?.[0]?.email || undefined;
}

/**
 * Write a new document of `doc` (insert-document.ts, and update-document.ts's replacement of an issued one). Issuing:
 * the limit checked and the approval number reserved first (reserveIssue), so the row is inserted issued, written
 * once. The row and its entry in the subscription's own sales ledger (doclstmst; every document a subscription
 * writes is in it) in one statement, a data-modifying CTE; then what every issue writes (recordIssued).
 * `skipLiveSubkey`: ON CONFLICT DO NOTHING on the live subkey (documents_subkey_uq) — when a concurrent insert won,
 * nothing is written, the reserved number is given back (gap-free), and the answer is undefined.
 */
export async function insertNewDocument(
  ctx: Ctx,
  tx: Tx,
  doc: DocumentInput,
  row: Omit<Insertable<DocumentsTable>, 'created_at' | 'updated_at' | keyof IssuedColumns>,
  opts: { issue: boolean; now: Date; skipLiveSubkey?: boolean },
): Promise<DocumentRow | undefined> {
  const { now } = opts;
  const issued = opts.issue ? await reserveIssue(ctx, tx, row.subscription_id, doc, now) : undefined;
  let insert = tx.insertInto('documents').values({ ...row, ...issued, created_at: now, updated_at: now });
  if (opts.skipLiveSubkey) insert = insert.onConflict((oc) => oc.columns(['subscription_id', 'subkey']).where('subkey', 'is not', null).where('doc_state', '<>', sql.lit('D')).doNothing());
  const { rows } = await sql<DocumentRow>`
    WITH d AS (${insert.returningAll()}),
         l AS (INSERT INTO ledger_entries (ledger_id, document_id, subscription_id, created_at)
               SELECT l.id, d.id, d.subscription_id, ${now} FROM d JOIN ledgers l ON l.subscription_id = d.subscription_id AND l.kind = 'sales')
    SELECT * FROM d`.execute(tx);
  const written = rows[0];
  if (!written) {
    if (issued) await releaseIssueIds(tx, ctx.config.ntsIssuerCode, new Map([[doc.writeDate, 1]])); // no document took the number
    return undefined;
  }
  if (issued) await recordIssued(ctx, tx, written, doc, now);
  return written;
}

/**
 * Write the outbox row and its job; the mail worker renders and sends it (with retries). `marked`: the caller
 * already set the document's mail_result to 'pending' in this transaction.
 */
export async function queueDocumentMail(ctx: Ctx, tx: Tx, row: DocumentRow, doc: DocumentInput, reason: 'issue' | 'resend' | 'update', opts: { marked?: boolean } = {}): Promise<boolean> {
  const to = mailRecipient(doc);
  if (!to) return false;
  const cc = doc.buyer.contacts?.[1]?.email ?? null;
  // the outbox row and its job in one statement
  const insert = tx.insertInto('mail_outbox').values({ subscription_id: row.subscription_id, document_id: row.id, reason, to_addr: to, cc_addr: cc }).returning('id');
  const [outboxId] = await insertWithJobs(tx, insert, mailJob(ctx.config));
  if (!opts.marked) await tx.updateTable('documents').set({ mail_result: 'pending' }).where('id', '=', row.id).execute();
  ctx.log.debug({ dockey: row.dockey, outboxId }, 'document mail queued');
  return true;
}
