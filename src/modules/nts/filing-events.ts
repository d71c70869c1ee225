/**
 * The event-log entries of filing (src/modules/events): `nts_filing.queued | sent | succeeded | failed`, object type
 * 'document' named by its dockey (so a document's issue, filing and cancellation read in one order), state the NTS
 * state after the change (queued 1, sent 2, succeeded 3, failed 4, as the document's ntsState). One recordEvents per
 * step, however many documents the step moves.
 */
import type { Tx } from '../../platform/db/transaction.ts';
import { recordEvents } from '../events/record-event.ts';

export type FilingEventType = 'nts_filing.queued' | 'nts_filing.sent' | 'nts_filing.succeeded' | 'nts_filing.failed';

const STATE: Record<FilingEventType, string> = {
  'nts_filing.queued': 'queued',
  'nts_filing.sent': 'sent',
  'nts_filing.succeeded': 'succeeded',
  'nts_filing.failed': 'failed',
};

export interface FiledDocument {
  dockey: string;
  subscription_id: number;
  nts_issue_id: string | null;
}

export async function recordFilingEvents(tx: Tx, type: FilingEventType, docs: readonly FiledDocument[], at: Date, data: (d: FiledDocument) => Record<string, unknown> = () => ({})): Promise<void> {
  await recordEvents(
    tx,
    docs.map((d) => ({ type, subscriptionId: d.subscription_id, objectId: d.dockey, state: STATE[type], at, data: { issueId: d.nts_issue_id, ...data(d) } })),
  );
}
