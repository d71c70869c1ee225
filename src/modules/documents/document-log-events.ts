/**
 * The event-log entries (src/modules/events, GET /v1/events, webhooks) of a document's changes: the object is the
 * document, named by its dockey; `state` is the document's state after the change in the aspect that changed
 * (issued, mailed, mail_failed, read, approved, rejected, cancelled, discarded); `data` a small summary an
 * integrator can act on without fetching the document. Recorded with recordEvent(s) inside the change's transaction.
 */
import { fromSqlDate } from '../../platform/clock.ts';
import type { NewEvent } from '../events/record-event.ts';
import type { EventType } from '../events/event-catalogue.ts';
import type { DocumentRow } from './document-views.ts';

type DocumentEventType = Extract<EventType, `document.${string}`>;
export type DocumentSummarySource = Pick<DocumentRow, 'dockey' | 'subscription_id' | 'subkey' | 'nts_issue_id' | 'write_date' | 'total_amt' | 'buy_id' | 'buy_name' | 'kind'>;

const STATE: Record<DocumentEventType, string> = {
  'document.issued': 'issued',
  'document.mailed': 'mailed',
  'document.mail_failed': 'mail_failed',
  'document.read': 'read',
  'document.approved': 'approved',
  'document.rejected': 'rejected',
  'document.cancelled': 'cancelled',
  'document.discarded': 'discarded',
};

/** The summary every document event carries: approval number, write date, total, buyer, subkey, kind. */
export function documentSummary(row: DocumentSummarySource): Record<string, unknown> {
  return {
    issueId: row.nts_issue_id,
    writeDate: fromSqlDate(row.write_date),
    totalAmt: row.total_amt,
    buyer: { bizno: row.buy_id, name: row.buy_name },
    subkey: row.subkey,
    kind: row.kind,
  };
}

export function documentEvent(type: DocumentEventType, row: DocumentSummarySource, at: Date, extra: Record<string, unknown> = {}): NewEvent {
  return { type, subscriptionId: row.subscription_id, objectId: row.dockey, state: STATE[type], at, data: { ...documentSummary(row), ...extra } };
}
