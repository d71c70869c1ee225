/** Events of a 역발행 request (document_events with request_id; the document's id too once issued). */
import type { Tx } from '../../platform/db/transaction.ts';
import type { DocumentEventType } from './reverse-tables.ts';
import type { ReverseRow } from './reverse-requests.ts';

export async function recordReverseEvent(tx: Tx, row: ReverseRow, what: 'requested' | 'withdrawn' | 'refused' | 'issued', at: Date, details: Record<string, unknown>): Promise<void> {
  const type = `reverse_${what}` as DocumentEventType;
  await tx
    .insertInto('document_events')
    .values({ document_id: row.document_id, request_id: row.id, type, occurred_at: at, details: JSON.stringify({ reqkey: row.reqkey, ...details }) })
    .execute();
}
