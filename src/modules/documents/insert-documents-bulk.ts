/**
 * Bulk write (REST `POST …/documents/bulk`, and the tests' and benchmarks' batches): up to 100 documents, each
 * with its own answer — one bad document does not stop the others. By set operations (issue 13 item 3):
 *
 *   before the transaction  every item's subkey read and validated; the items whose subkey names a live document
 *                           looked up in one query (answered with it, created false, as insertDocument does); every
 *                           other item validated against the member's profile (read once) — an invalid item is
 *                           answered with its error and field, exactly as insertDocument would answer it
 *   one transaction         the issuing items' usage-limit check for their count and their approval numbers in
 *                           one statement (issue-serials.ts assignIssueIds, item order) — the locks in the order
 *                           of every issue; then the valid items' documents in one multi-row INSERT, the issuing
 *                           ones already issued (each row and its indexes written once), in subkey order (so
 *                           concurrent batches take the subkey locks in one order) with ON CONFLICT DO NOTHING: an
 *                           item that lost its subkey to a concurrent writer answers the winner, and the approval
 *                           numbers the lost issuing items held are given back (the written rows above them move
 *                           down: issue-id.ts closeIssueIdGaps, gap-free); then the sales ledger rows, the usage
 *                           rows, mail outbox rows with their mail jobs in one statement, the AlimTalk notices, and
 *                           document.issued events in one INSERT
 *
 * An item repeating an earlier item's subkey in the same batch answers that item's document (created false). When
 * the transaction fails for any reason (the batch would pass a usage limit, approval numbers exhausted, a notice
 * refused, a database error) it rolls back whole and the batch is written one item at a time with insertDocument,
 * each in its own transaction — so every item still gets the answer it would get alone, in item order. A caller's
 * open transaction (ctx.db, a document batch's chunk) is joined: the batch's writes in a savepoint of it, rolled back
 * alone before the one-by-one writes (which join it too). Retries are safe per item through `subkey`.
 */
import { withDb, type Ctx } from '../../platform/context.ts';
import { inSubtransaction, type Tx } from '../../platform/db/transaction.ts';
import { toAppError, type AppError } from '../../platform/errors.ts';
import { sql } from 'kysely';
import { insertWithJobs } from '../../platform/jobs.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { recordUsage } from '../settlement/record-usage.ts';
import { newDockey } from './document-keys.ts';
import { prepareDocumentNotice, queueDocumentNotice } from './document-notice.ts';
import type { DocumentRow } from './document-views.ts';
import { insertDocument, readSubkey, type WriteDocumentRequest, type WriteDocumentResult } from './insert-document.ts';
import { checkUnitLimit, ISSUED_METERED_ITEM, issuedColumns, mailJob, type IssuedColumns } from './issue-document.ts';
import { closeIssueIdGaps } from './issue-id.ts';
import { assignIssueIds, releaseIssueIds } from './issue-serials.ts';
import type { DocumentInput } from './model.ts';
import { prepareDocumentAs, tenantProfile } from './prepare-document.ts';
import type { SupplierProfile } from './supplier-defaults.ts';
import { documentColumns } from './store-document.ts';
import { recordEvents } from '../events/record-event.ts';
import { documentEvent } from './document-log-events.ts';

export const MAX_BULK_DOCUMENTS = 100;

export type BulkItemResult = { ok: true; result: WriteDocumentResult } | { ok: false; error: AppError };

/** A valid item to write in the batch's transaction. */
interface Planned {
  index: number;
  subkey: string | undefined;
  issue: boolean;
  doc: DocumentInput;
  dockey: string;
}

const failed = (err: unknown): BulkItemResult => ({ ok: false, error: toAppError(err) });

export async function insertDocumentsBulk(ctx: Ctx, tenant: Tenant, items: WriteDocumentRequest[]): Promise<BulkItemResult[]> {
  const out: (BulkItemResult | undefined)[] = new Array(items.length);

  const subkeys = items.map((item, i) => {
    try {
      return readSubkey(item.subkey);
    } catch (err) {
      out[i] = failed(err);
      return undefined;
    }
  });
  const asked = [...new Set(subkeys.filter((s, i): s is string => s !== undefined && out[i] === undefined))];
  const live = new Map<string, DocumentRow>();
  if (asked.length > 0) {
    const rows = await ctx.db.selectFrom('documents').selectAll().where('subscription_id', '=', tenant.subscriptionId).where('subkey', 'in', asked).where('doc_state', '<>', 'D').execute();
    for (const r of rows) live.set(r.subkey!, r);
  }

  const plan: Planned[] = [];
  const firstBySubkey = new Map<string, Planned>();
  const repeats: { index: number; first: Planned }[] = [];
  let profile: SupplierProfile | undefined;
  for (const [i, item] of items.entries()) {
    if (out[i]) continue;
    const subkey = subkeys[i];
    if (subkey !== undefined) {
      const prior = live.get(subkey);
      if (prior) {
        out[i] = { ok: true, result: { document: prior, created: false } };
        continue;
      }
      const first = firstBySubkey.get(subkey);
      if (first) {
        repeats.push({ index: i, first });
        continue;
      }
    }
    try {
      profile ??= await tenantProfile(ctx, tenant);
      const doc = prepareDocumentAs(ctx, profile, item.input, { issue: item.issue });
      await prepareDocumentNotice(ctx, item.issue, doc);
      const p: Planned = { index: i, subkey, issue: item.issue, doc, dockey: newDockey() };
      plan.push(p);
      if (subkey !== undefined) firstBySubkey.set(subkey, p);
    } catch (err) {
      out[i] = failed(err);
    }
  }
  if (plan.length === 0) return out as BulkItemResult[];

  let written: Map<number, WriteDocumentResult>;
  try {
    written = await inSubtransaction(ctx.db, (tx) => writeBatch(ctx, tx, tenant, plan));
  } catch (err) {
    const e = toAppError(err);
    // an expected refusal (usage limit, …) is info; anything else is a bug or an outage worth a warning
    const fields = { sinchno: tenant.subscriptionId, items: plan.length, code: e.code, err: String(e.cause ?? e.message) };
    if (e.code === 'internal') ctx.log.warn(fields, 'bulk write: the batch transaction failed; writing its items one by one');
    else ctx.log.info(fields, 'bulk write: the batch transaction was refused; writing its items one by one');
    const redo = [...plan.map((p) => p.index), ...repeats.map((r) => r.index)].sort((a, b) => a - b);
    return oneByOne(ctx, tenant, items, redo, out);
  }
  for (const p of plan) out[p.index] = { ok: true, result: written.get(p.index)! };
  for (const r of repeats) out[r.index] = { ok: true, result: { document: written.get(r.first.index)!.document, created: false } };
  return out as BulkItemResult[];
}

/**
 * The items at `indexes`, in order, each in its own insertDocument; the others keep their answers in `out`. In a
 * caller's transaction each in a savepoint: an item refused part way through its writes (a notice refused after its
 * row was inserted) leaves nothing behind in the transaction that commits the others.
 */
async function oneByOne(ctx: Ctx, tenant: Tenant, items: WriteDocumentRequest[], indexes: number[], out: (BulkItemResult | undefined)[]): Promise<BulkItemResult[]> {
  for (const i of indexes) {
    try {
      const write = (c: Ctx) => insertDocument(c, tenant, items[i]!);
      out[i] = { ok: true, result: await (ctx.db.isTransaction ? inSubtransaction(ctx.db, (tx) => write(withDb(ctx, tx))) : write(ctx)) };
    } catch (err) {
      out[i] = failed(err);
    }
  }
  return out as BulkItemResult[];
}

async function writeBatch(ctx: Ctx, tx: Tx, tenant: Tenant, plan: Planned[]): Promise<Map<number, WriteDocumentResult>> {
  const now = ctx.clock.now();
  const sub = tenant.subscriptionId;
  // the issuing items' unit limit and approval numbers (item order) first, so their rows are inserted issued —
  // written once — and the locks are taken in the order of every issue (issue-document.ts, its head)
  const issuing = plan.filter((p) => p.issue);
  const issuedOf = new Map<Planned, IssuedColumns>();
  if (issuing.length > 0) {
    await checkUnitLimit(tx, sub, tenant.unitLimited, now, issuing.length);
    const issueIds = await assignIssueIds(tx, ctx.config.ntsIssuerCode, issuing.map((p) => p.doc.writeDate));
    issuing.forEach((p, k) => issuedOf.set(p, issuedColumns(issueIds[k]!, p.doc, now)));
  }
  // subkey order: two batches sharing subkeys wait for each other's rows in one order (no deadlock)
  const bySubkey = [...plan].sort((a, b) => (a.subkey ?? '\uffff').localeCompare(b.subkey ?? '\uffff') || a.index - b.index);
  const inserted = await tx
    .insertInto('documents')
    .values(bySubkey.map((p) => ({ subscription_id: sub, dockey: p.dockey, subkey: p.subkey ?? null, ...documentColumns(p.doc), ...issuedOf.get(p), created_at: now, updated_at: now })))
    .onConflict((oc) => oc.columns(['subscription_id', 'subkey']).where('subkey', 'is not', null).where('doc_state', '<>', sql.lit('D')).doNothing())
    .returningAll()
    .execute();
  const rowOf = new Map(inserted.map((r) => [r.dockey, r]));
  const results = new Map<number, WriteDocumentResult>();

  const lost = plan.filter((p) => !rowOf.has(p.dockey));
  if (lost.length > 0) {
    // READ COMMITTED: this statement sees the concurrent winners the INSERT waited for
    const winners = await tx.selectFrom('documents').selectAll().where('subscription_id', '=', sub).where('subkey', 'in', lost.map((p) => p.subkey!)).where('doc_state', '<>', 'D').execute();
    for (const p of lost) {
      const winner = winners.find((w) => w.subkey === p.subkey);
      // none: the winner was discarded meanwhile — the item alone answers it (one by one, after the rollback)
      if (!winner) throw new Error(`bulk write: subkey ${p.subkey} changed concurrently`);
      results.set(p.index, { document: winner, created: false });
    }
    // the approval numbers the lost issuing items held: the written ones above them move down, the rest go back
    const unused = lost.filter((p) => p.issue).map((p) => issuedOf.get(p)!.nts_issue_id);
    if (unused.length > 0) await closeGaps(ctx, tx, rowOf, unused);
  }
  const fresh = plan.filter((p) => rowOf.has(p.dockey)); // item order
  if (fresh.length === 0) return results;

  const ids = JSON.stringify(fresh.map((p, n) => ({ id: rowOf.get(p.dockey)!.id, n })));
  await sql`
    INSERT INTO ledger_entries (ledger_id, document_id, subscription_id, created_at)
    SELECT l.id, x.id, ${sub}, ${now} FROM jsonb_to_recordset(${ids}::jsonb) AS x(id bigint, n integer)
      JOIN ledgers l ON l.subscription_id = ${sub} AND l.kind = 'sales' ORDER BY x.n`.execute(tx);

  const written = issuing.filter((p) => rowOf.has(p.dockey));
  if (written.length > 0) {
    const issued = written.map((p) => rowOf.get(p.dockey)!);
    await recordUsage(ctx, tx, issued.map((r) => ({ eventKey: `doc:${r.id}`, subscriptionId: sub, meteredItem: ISSUED_METERED_ITEM, occurredAt: now })));
    const mailTo = (p: Planned) => p.doc.buyer.contacts?.[0]?.email;
    const mailed = written.filter((p) => mailTo(p) !== undefined);
    if (mailed.length > 0) {
      // the outbox rows and their mail jobs in one statement
      const outbox = tx
        .insertInto('mail_outbox')
        .values(mailed.map((p) => ({ subscription_id: sub, document_id: rowOf.get(p.dockey)!.id, reason: 'issue' as const, to_addr: mailTo(p)!, cc_addr: p.doc.buyer.contacts?.[1]?.email ?? null })))
        .returning('id');
      await insertWithJobs(tx, outbox, mailJob(ctx.config));
    }
    for (const p of written) await queueDocumentNotice(ctx, tx, rowOf.get(p.dockey)!, p.doc);
    // the batch's document.issued events in one INSERT, in item order
    await recordEvents(tx, issued.map((r) => documentEvent('document.issued', r, now)));
  }
  for (const p of fresh) {
    const document = rowOf.get(p.dockey)!;
    ctx.log.info({ sinchno: sub, dockey: document.dockey, issued: p.issue }, 'document written');
    results.set(p.index, { document, created: true });
  }
  return results;
}

/**
 * Gap-free after a race (issue-id.ts closeIssueIdGaps): the written documents holding numbers above the new top
 * take the lost items' numbers (one UPDATE of those rows, which only this transaction sees), and the rest of the
 * lost numbers go back to the serial rows. `rowOf` is updated with the moved rows.
 */
async function closeGaps(ctx: Ctx, tx: Tx, rowOf: Map<string, DocumentRow>, unused: string[]): Promise<void> {
  const kept = [...rowOf.values()].flatMap((r) => (r.nts_issue_id ? [r.nts_issue_id] : []));
  const { moves, released } = closeIssueIdGaps(kept, unused);
  if (moves.size > 0) {
    const byIssueId = new Map([...rowOf.values()].map((r) => [r.nts_issue_id, r]));
    const input = JSON.stringify([...moves].map(([from, to]) => ({ id: byIssueId.get(from)!.id, iid: to })));
    const moved = await sql<DocumentRow>`
      UPDATE documents d SET nts_issue_id = v.iid FROM jsonb_to_recordset(${input}::jsonb) AS v(id bigint, iid text)
       WHERE d.id = v.id RETURNING d.*`.execute(tx);
    if (moved.rows.length !== moves.size) throw new Error(`bulk write: ${moved.rows.length} of ${moves.size} approval numbers moved`);
    for (const r of moved.rows) rowOf.set(r.dockey, r);
  }
  await releaseIssueIds(tx, ctx.config.ntsIssuerCode, released);
}
