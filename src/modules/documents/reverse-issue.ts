/**
 * The supplier issues a 역발행 request (REST `POST …/reverse-requests/received/{reqkey}/issue`, legacy
 * `reverse.aspx cmd=ISSUE`, member web 요청함): the requested document becomes an ordinary issued document of the
 * supplier's subscription through the same use case as any issue (insertDocument: validation, the supplier checked
 * against the member, usage limit, approval number, the buyer's mail, the sales and purchase ledgers). All in one
 * transaction with the request's change (requested → issued, its document) and the events, so a request is issued
 * at most once: the request row is locked, and the document's subkey `RV-<reqkey>` makes a retry answer the same
 * document. Issuing an issued request answers its document again.
 */
import { withDb, type Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { insertDocument } from './insert-document.ts';
import type { DocumentRow } from './document-views.ts';
import { answerRequest, findReceivedRequest, mailBuyerOfAnswer, notRequested, type ReverseRow } from './reverse-requests.ts';
import { recordReverseEvent } from './reverse-events.ts';
import { prepareDocumentNotice } from './document-notice.ts';

export interface ReverseIssueResult {
  request: ReverseRow;
  document: DocumentRow;
}

export async function issueReverseRequest(ctx: Ctx, tenant: Tenant, reqkey: string): Promise<ReverseIssueResult> {
  const first = await findReceivedRequest(ctx.db, tenant, reqkey);
  // the notice's message partitions are prepared outside the transaction, as for any issue
  await prepareDocumentNotice(ctx, true, first.body);
  return inTransaction(ctx.db, async (tx) => {
    const row = await findReceivedRequest(tx, tenant, reqkey, { forUpdate: true });
    if (row.state === 'issued' && row.document_id !== null) {
      const document = await tx.selectFrom('documents').selectAll().where('id', '=', row.document_id).executeTakeFirstOrThrow();
      return { request: row, document };
    }
    if (row.state !== 'requested') throw notRequested(row);
    const written = await insertDocument(withDb(ctx, tx), tenant, { input: row.body, issue: true, subkey: `RV-${row.reqkey}` });
    const document = written.document;
    const now = ctx.clock.now();
    const done = (await answerRequest(tx, row, { state: 'issued', document_id: document.id, supplier_subscription_id: tenant.subscriptionId }, now))!;
    // one event with both ids: the request's and the new document's
    await recordReverseEvent(tx, done, 'issued', now, { by: 'supplier', dockey: document.dockey, issueId: document.nts_issue_id, subscriptionId: tenant.subscriptionId });
    await mailBuyerOfAnswer(ctx, tx, done, document.nts_issue_id ?? undefined);
    ctx.log.info({ sinchno: tenant.subscriptionId, reqkey, dockey: document.dockey }, 'reverse issuance request issued');
    return { request: done, document };
  });
}
