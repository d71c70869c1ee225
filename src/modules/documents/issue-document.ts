/**
 * Issuing (발행) inside the caller's transaction: check the unit limits from the usage ledger, assign the
 * approval number, mark the document issued, write its usage row (doc:<document id>, settlement/record-usage.ts),
 * queue the mail in the outbox with its job, and — with alimtalk.notify — the buyer's AlimTalk notice
 * (document-notice.ts; prepareDocumentNotice runs before the transaction), and the `document.issued` event
 * (document-log-events.ts). Everything commits together or not at all. A new document is inserted already issued
 * (insertNewDocument; the bulk write, insert-documents-bulk.ts, likewise), so its row and the 15 indexes of
 * `documents` are written once; a draft is updated (issueInTransaction). The buyer's purchase ledger needs no
 * write: it is computed on read (purchase-ledger.ts).
 *
 * Locks, in this order on every path: the subscription's unit limit (usage-limits.ts, to commit), then the write
 * date's approval-number row (issue-serials.ts, to commit). Every issue of the installation on that date queues on
 * the second, so it is taken by the statement that writes the document itself (nextIssueIdInsert as the CTE `s`,
 * read through ISSUE_ID_OF_S), and what follows it is one more statement (recordIssued) and the COMMIT: at 200
 * issues/s on PostgreSQL the lock was held over five round trips, and waits for it of 10–30 ms came in bursts.
 */
import { sql, type Insertable } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { insertWithJobs, jobsOfRows, wakeAfterCommit } from '../../platform/jobs.ts';
import { queueDocumentNotice } from './document-notice.ts';
import { issueIdsExhausted, nextIssueIdInsert, releaseIssueIds } from './issue-serials.ts';
import type { DocumentsTable } from '../../platform/db/schema.ts';
import { assertUsageLimit } from '../settlement/usage-limits.ts';
import { DOCUMENT_ISSUED_ITEM, usageInsert, warnUnrecorded, type UsageEvent } from '../settlement/record-usage.ts';
import type { DocumentInput } from './model.ts';
import type { DocumentRow } from './document-views.ts';
import { EVENT_COLUMNS, eventRows } from '../events/record-event.ts';
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

/** The approval number the CTE `s` (nextIssueIdInsert) took, for the statement writing the document; NULL: exhausted. */
const ISSUE_ID_OF_S = sql<string | null>`(SELECT issue_id FROM s)`;

/**
 * The unit limit of `adding` issues (usage-limits.ts: its read, and the per-subscription lock when a unit has a limit),
 * unless the subscription had no limited unit when the caller was authenticated (Tenant.unitLimited false). Single
 * issues here, a bulk batch's issuing items at once (insert-documents-bulk.ts).
 */
export async function checkUnitLimit(tx: Tx, subscriptionId: number, unitLimited: boolean | undefined, now: Date, adding = 1): Promise<void> {
  if (unitLimited !== false) await assertUsageLimit(tx, subscriptionId, ISSUED_METERED_ITEM, adding, now);
}

/**
 * Issue a document already written as a draft (update-document.ts: a draft issued by its update): the unit limit,
 * then the UPDATE marking it issued with the approval number it takes, then what every issue writes (recordIssued).
 */
export async function issueInTransaction(ctx: Ctx, tx: Tx, row: DocumentRow, doc: DocumentInput, opts: { unitLimited?: boolean } = {}): Promise<DocumentRow> {
  const now = ctx.clock.now();
  await checkUnitLimit(tx, row.subscription_id, opts.unitLimited, now);
  const update = tx.updateTable('documents').set({ ...issuedColumns(ISSUE_ID_OF_S, doc, now), updated_at: now }).where('id', '=', row.id).returningAll();
  const { rows } = await sql<DocumentRow>`
    WITH s AS (${nextIssueIdInsert(ctx.config.ntsIssuerCode, doc.writeDate)}),
         d AS (${update})
    SELECT * FROM d`.execute(tx);
  const issued = rows[0];
  if (!issued) throw new Error(`issue: document ${row.id} not found`);
  if (issued.nts_issue_id === null) throw issueIdsExhausted(); // the transaction rolls back, the update with it
  await recordIssued(ctx, tx, issued, doc, now);
  return issued;
}

/** The columns that mark a document issued (proc_state S with its approval number); mail-pending when it has a recipient. */
export interface IssuedColumns<IssueId = string> {
  proc_state: 'S';
  nts_issue_id: IssueId;
  issued_at: Date;
  mail_result?: 'pending';
}

export function issuedColumns<IssueId = string>(issueId: IssueId, doc: DocumentInput, now: Date): IssuedColumns<IssueId> {
  return { proc_state: 'S', nts_issue_id: issueId, issued_at: now, ...(mailRecipient(doc) !== undefined ? { mail_result: 'pending' as const } : {}) };
}

/**
 * What follows every issue, once the document's row carries its issued columns: the usage row, the mail in the
 * outbox with its job (the row is already mail-pending) and the document.issued event — one statement, since an
 * issuing transaction holds the date's approval-number row locked until it commits (issue-serials.ts) — then the
 * AlimTalk notice when one was asked for.
 */
export async function recordIssued(ctx: Ctx, tx: Tx, issued: DocumentRow, doc: DocumentInput, now: Date): Promise<void> {
  const usage: UsageEvent[] = [{ eventKey: `doc:${issued.id}`, subscriptionId: issued.subscription_id, meteredItem: ISSUED_METERED_ITEM, occurredAt: now }];
  const outbox = mailOutboxInsert(tx, issued, doc, 'issue');
  const { rows } = await sql<{ usage_rows: number; outbox_id: number | null }>`
    WITH u AS (${usageInsert(usage)}),
         e AS (INSERT INTO events (${sql.raw(EVENT_COLUMNS.join(', '))}) ${eventRows([documentEvent('document.issued', issued, now)])})
         ${outbox ? sql`, r AS (${outbox}), j AS (${jobsOfRows('r', mailJob(ctx.config))})` : sql``}
    SELECT (SELECT count(*) FROM u)::integer AS usage_rows, ${outbox ? sql`(SELECT id FROM r)` : sql`NULL::bigint`} AS outbox_id`.execute(tx);
  const { usage_rows, outbox_id } = rows[0]!;
  if (usage_rows < usage.length) await warnUnrecorded(ctx, tx, usage);
  if (outbox_id !== null) {
    wakeAfterCommit(tx, mailQueue(ctx.config), 1);
    ctx.log.debug({ dockey: issued.dockey, outboxId: Number(outbox_id) }, 'document mail queued');
  }
  await queueDocumentNotice(ctx, tx, issued, doc);
}

function mailRecipient(doc: DocumentInput): string | undefined {
  return doc.buyer.contacts?.[0]?.email || undefined;
}

/**
 * Write a new document of `doc` (insert-document.ts, and update-document.ts's replacement of an issued one). Issuing:
 * the limit checked first; the row is inserted issued, written once. The approval number it takes, the row and its
 * entry in the subscription's own sales ledger (doclstmst; every document a subscription writes is in it) in one
 * statement, a data-modifying CTE; then what every issue writes (recordIssued).
 * `unitLimited`: the caller's Tenant.unitLimited (false skips the unit-limit check).
 * `skipLiveSubkey`: ON CONFLICT DO NOTHING on the live subkey (documents_subkey_uq) — when a concurrent insert won,
 * nothing is written, the number the statement took is given back (gap-free), and the answer is undefined.
 */
export async function insertNewDocument(
  ctx: Ctx,
  tx: Tx,
  doc: DocumentInput,
  row: Omit<Insertable<DocumentsTable>, 'created_at' | 'updated_at' | keyof IssuedColumns>,
  opts: { issue: boolean; now: Date; skipLiveSubkey?: boolean; unitLimited?: boolean },
): Promise<DocumentRow | undefined> {
  const { now } = opts;
  // issuing: the unit limit first, then the approval number, taken by the INSERT itself (the lock order above)
  if (opts.issue) await checkUnitLimit(tx, row.subscription_id, opts.unitLimited, now);
  const issued = opts.issue ? issuedColumns(ISSUE_ID_OF_S, doc, now) : undefined;
  let insert = tx.insertInto('documents').values({ ...row, ...issued, created_at: now, updated_at: now });
  if (opts.skipLiveSubkey) insert = insert.onConflict((oc) => oc.columns(['subscription_id', 'subkey']).where('subkey', 'is not', null).where('doc_state', '<>', sql.lit('D')).doNothing());
  const { rows } = await sql<DocumentRow>`
    WITH ${opts.issue ? sql`s AS (${nextIssueIdInsert(ctx.config.ntsIssuerCode, doc.writeDate)}),` : sql``}
         d AS (${insert.returningAll()}),
         l AS (INSERT INTO ledger_entries (ledger_id, document_id, subscription_id, created_at)
               SELECT l.id, d.id, d.subscription_id, ${now} FROM d JOIN ledgers l ON l.subscription_id = d.subscription_id AND l.kind = 'sales')
    SELECT * FROM d`.execute(tx);
  const written = rows[0];
  if (!written) {
    if (issued) await releaseIssueIds(tx, ctx.config.ntsIssuerCode, new Map([[doc.writeDate, 1]])); // no document took the number
    return undefined;
  }
  if (issued) {
    if (written.nts_issue_id === null) throw issueIdsExhausted(); // the transaction rolls back, the row with it
    await recordIssued(ctx, tx, written, doc, now);
  }
  return written;
}

/**
 * Write the outbox row and its job; the mail worker renders and sends it (with retries). `marked`: the caller
 * already set the document's mail_result to 'pending' in this transaction.
 */
export async function queueDocumentMail(ctx: Ctx, tx: Tx, row: DocumentRow, doc: DocumentInput, reason: 'issue' | 'resend' | 'update', opts: { marked?: boolean } = {}): Promise<boolean> {
  const insert = mailOutboxInsert(tx, row, doc, reason);
  if (!insert) return false;
  // the outbox row and its job in one statement
  const [outboxId] = await insertWithJobs(tx, insert, mailJob(ctx.config));
  if (!opts.marked) await tx.updateTable('documents').set({ mail_result: 'pending' }).where('id', '=', row.id).execute();
  ctx.log.debug({ dockey: row.dockey, outboxId }, 'document mail queued');
  return true;
}

/** The outbox row of the document's mail (INSERT … RETURNING id), or undefined when the buyer has no address. */
function mailOutboxInsert(tx: Tx, row: DocumentRow, doc: DocumentInput, reason: 'issue' | 'resend' | 'update') {
  const to = mailRecipient(doc);
  if (!to) return undefined;
  const cc = doc.buyer.contacts?.[1]?.email ?? null;
  return tx.insertInto('mail_outbox').values({ subscription_id: row.subscription_id, document_id: row.id, reason, to_addr: to, cc_addr: cc }).returning('id');
}
