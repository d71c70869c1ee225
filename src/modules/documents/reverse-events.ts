/**
 * Events of a 역발행 request: document_events with request_id (the document's id too once issued), and the event
 * log's `reverse_request.<what>` (src/modules/events), named by the request's reqkey with its state after the
 * change — one for the buyer's subscription and one for the supplier's when it is a member (each side reads its own).
 */
import type { Tx } from '../../platform/db/transaction.ts';
import type { DocumentEventType } from './reverse-tables.ts';
import type { ReverseRow } from './reverse-requests.ts';
import { recordDocumentEvent } from './document-events.ts';
import { recordEvents } from '../events/record-event.ts';

export async function recordReverseEvent(tx: Tx, row: ReverseRow, what: 'requested' | 'withdrawn' | 'refused' | 'issued', at: Date, details: Record<string, unknown>): Promise<void> {
  await recordDocumentEvent(tx, row.document_id, `reverse_${what}` as DocumentEventType, at, { reqkey: row.reqkey, ...details }, row.id);
  const data: Record<string, unknown> = {
    supplierBizno: row.sup_bizno,
    buyerName: row.buy_name,
    writeDate: row.write_date.replace(/-/g, ''),
    totalAmt: row.total_amt,
    ...(typeof details['dockey'] === 'string' ? { dockey: details['dockey'], issueId: details['issueId'] ?? null } : {}),
    ...(typeof details['reason'] === 'string' ? { reason: details['reason'] } : {}),
  };
  const sides = [...new Set([row.buyer_subscription_id, row.supplier_subscription_id].filter((s): s is number => s !== null))];
  await recordEvents(
    tx,
    sides.map((subscriptionId) => ({
      type: `reverse_request.${what}` as const,
      subscriptionId,
      objectId: row.reqkey,
      state: what,
      at,
      // the subkey is the buyer's own key: only on the buyer's event
      data: subscriptionId === row.buyer_subscription_id ? { ...data, subkey: row.subkey } : data,
    })),
  );
}
