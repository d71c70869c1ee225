/**
 * Document events (document_events): what happened to a document — approved / rejected by the buyer, cancelled
 * by the supplier — or to a 역발행 request (reverse-events.ts: requested, withdrawn, refused, issued; with the
 * request's id, and the document's once issued), kept for the document's history and for webhooks later. Always
 * written inside the transaction of the change itself, so an event exists exactly when its change committed.
 */
import type { Tx } from '../../platform/db/transaction.ts';
import type { DocumentEventType } from './reverse-tables.ts';
import './reverse-tables.ts';

export async function recordDocumentEvent(
  tx: Tx,
  documentId: number | null,
  type: DocumentEventType,
  at: Date,
  details: Record<string, unknown> = {},
  requestId: number | null = null,
): Promise<void> {
  await tx.insertInto('document_events').values({ document_id: documentId, request_id: requestId, type, occurred_at: at, details: JSON.stringify(details) }).execute();
}
