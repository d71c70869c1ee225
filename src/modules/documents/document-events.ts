/**
 * Document events (document_events): what happened to a document — approved / rejected by the buyer, cancelled
 * by the supplier, issued from a 역발행 request — kept for webhooks later. Always written inside the transaction
 * of the change itself, so an event exists exactly when its change committed.
 */
import type { Db, Tx } from '../../platform/db/transaction.ts';
import type { DocumentEventType } from './reverse-tables.ts';
import './reverse-tables.ts';

export async function recordDocumentEvent(tx: Tx, documentId: number, type: DocumentEventType, at: Date, details: Record<string, unknown> = {}): Promise<void> {
  await tx.insertInto('document_events').values({ document_id: documentId, request_id: null, type, occurred_at: at, details: JSON.stringify(details) }).execute();
}

export interface DocumentEvent {
  type: DocumentEventType;
  at: string;
  reqkey?: string;
  details: Record<string, unknown>;
}

/** A document's events, oldest first. */
export async function documentEvents(db: Db, documentId: number): Promise<DocumentEvent[]> {
  const rows = await db.selectFrom('document_events').select(['type', 'occurred_at', 'details']).where('document_id', '=', documentId).orderBy('id').execute();
  return rows.map((r) => ({ type: r.type, at: r.occurred_at.toISOString(), details: r.details }));
}
