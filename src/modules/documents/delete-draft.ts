/**
 * Delete a draft (never issued, never filed), with its `document.discarded` event. Issued documents are kept:
 * replace or amend them instead.
 */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { findIssuedDocument } from './document-repo.ts';
import { recordEvent } from '../events/record-event.ts';
import { documentEvent } from './document-log-events.ts';

export async function deleteDraft(ctx: Ctx, tenant: Tenant, dockey: string): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const row = await findIssuedDocument(tx, tenant.subscriptionId, dockey, { forUpdate: true });
    if (row.proc_state !== 'T' || row.nts_state !== '0') {
      throw new AppError('document_state_conflict', `발행된 문서는 삭제할 수 없습니다 (only drafts can be deleted; document ${dockey} was issued)`, { field: 'dockey' });
    }
    await tx.deleteFrom('ledger_entries').where('document_id', '=', row.id).execute();
    await tx.updateTable('documents').set({ replaces_id: null }).where('replaces_id', '=', row.id).execute();
    await tx.deleteFrom('documents').where('id', '=', row.id).execute();
    await recordEvent(tx, documentEvent('document.discarded', row, ctx.clock.now()));
  });
}
