/** Reading documents, always scoped to the caller's subscription (tenant). */
import { AppError } from '../../platform/errors.ts';
import { CONTROL_CHARACTERS } from '../../platform/input.ts';
import type { Db } from '../../platform/db/transaction.ts';
import type { DocumentRow } from './document-views.ts';
import { inPurchaseLedgerOf } from './purchase-ledger.ts';

export const notFound = (dockey: string, field = 'dockey') =>
  new AppError('document_not_found', `문서 ${dockey}이(가) 없습니다 (no such document in this subscription)`, { field });

/**
 * A key no document can have (a control character — a NUL the database cannot even compare — or far too long):
 * answered as not found without asking the database, on every face that looks a document up by its key.
 */
function assertPossibleDockey(dockey: string): void {
  if (dockey.length > 200 || CONTROL_CHARACTERS.test(dockey)) throw notFound('(invalid)');
}

/** A document this subscription issued (sales ledger). Other tenants' documents are "not found". */
export async function findIssuedDocument(db: Db, subscriptionId: number, dockey: string, opts: { forUpdate?: boolean } = {}): Promise<DocumentRow> {
  assertPossibleDockey(dockey);
  let q = db.selectFrom('documents').selectAll().where('dockey', '=', dockey).where('subscription_id', '=', subscriptionId);
  if (opts.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound(dockey);
  return row;
}

/** A document in any of this subscription's ledgers (sales, or purchase when it is the buyer). */
export async function findVisibleDocument(db: Db, subscriptionId: number, dockey: string): Promise<DocumentRow> {
  assertPossibleDockey(dockey);
  const row = await db
    .selectFrom('documents as d')
    .selectAll('d')
    .where('d.dockey', '=', dockey)
    .where((eb) =>
      eb.or([
        eb('d.subscription_id', '=', subscriptionId),
        inPurchaseLedgerOf(subscriptionId),
      ]),
    )
    .executeTakeFirst();
  if (!row) throw notFound(dockey);
  return row;
}
