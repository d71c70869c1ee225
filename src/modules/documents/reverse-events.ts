/** Events of a 역발행 request (document_events with request_id; the document's id too once issued). */
import type { Tx } from '../../platform/db/transaction.ts';
import type { DocumentEventType } from './reverse-tables.ts';
import type { ReverseRow } from './reverse-requests.ts';
import { recordDocumentEvent } from './document-events.ts';

export async function recordReverseEvent(tx: Tx, row: ReverseRow, what: 'requested' | 'withdrawn' | 'refused' | 'issued', at: Date, details: Record<string, unknown>): Promise<void> {
  await recordDocumentEvent(tx, row.document_id, `reverse_${what}` as DocumentEventType, at, { reqkey: row.reqkey, ...details }, row.id);
}
