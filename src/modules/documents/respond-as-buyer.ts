/**
 * The buyer answers a received document from its 매입 문서함 (member web) or over the API: approve, or reject
 * with a reason — the same use case as the "문서보기" link (recipient-view.ts respondToFoundDocument), so the
 * supplier is mailed and the event written the same way. Only a document in this subscription's purchase ledger
 * can be answered; any other dockey is "not found".
 */
import type { Ctx } from '../../platform/context.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { notFound } from './document-repo.ts';
import { inPurchaseLedgerOf } from './purchase-ledger.ts';
import { respondToFoundDocument } from './recipient-view.ts';
import type { DocumentRow } from './document-views.ts';

export async function respondAsBuyer(ctx: Ctx, tenant: Tenant, dockey: string, decision: 'approve' | 'reject', reason?: string): Promise<DocumentRow> {
  const row = await ctx.db
    .selectFrom('documents as d')
    .selectAll('d')
    .where('d.dockey', '=', dockey)
    .where('d.proc_state', '<>', 'T')
    .where(inPurchaseLedgerOf(tenant.subscriptionId))
    .executeTakeFirst();
  if (!row) throw notFound(dockey);
  return respondToFoundDocument(ctx, row, decision, reason, 'member_web');
}
