/** The filing state of one document of a subscription, with every filing attempt (REST view). */
import type { Ctx } from '../../platform/context.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { findIssuedDocument } from '../documents/document-repo.ts';
import './tables.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function getFilingStatus(ctx: Ctx, tenant: Tenant, dockey: string) {
  const doc = await findIssuedDocument(ctx.db, tenant.subscriptionId, dockey);
  const attempts = await ctx.db
    .selectFrom('nts_filings as f')
    .leftJoin('nts_submissions as s', 's.id', 'f.submission_id')
    .select(['f.attempt', 'f.trigger', 'f.state', 'f.result_code', 'f.result_msg', 'f.requested_at', 'f.sent_at', 'f.settled_at', 's.submit_id', 's.receipt_id'])
    .where('f.document_id', '=', doc.id)
    .orderBy('f.attempt')
    .execute();
  return {
    dockey: doc.dockey,
    issueId: doc.nts_issue_id,
    ntsState: doc.nts_state,
    requestedAt: iso(doc.nts_req_at),
    respondedAt: iso(doc.nts_resp_at),
    resultCode: doc.nts_result_code,
    resultMessage: doc.nts_result_msg,
    submitId: doc.submit_id,
    attempts: attempts.map((a) => ({
      attempt: a.attempt,
      trigger: a.trigger,
      state: a.state,
      submitId: a.submit_id,
      receiptId: a.receipt_id,
      resultCode: a.result_code,
      resultMessage: a.result_msg,
      requestedAt: a.requested_at.toISOString(),
      sentAt: iso(a.sent_at),
      settledAt: iso(a.settled_at),
    })),
  };
}
