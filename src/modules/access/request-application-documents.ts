/** 추가 서류 요청 (operator): the application waits for the applicant's upload, which puts it back to pending. */
import { requiredError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { optionalString, type Input } from '../../platform/input.ts';
import { audit, type Actor } from './audit-log.ts';
import { openForReview } from './application-view.ts';

export interface RequestApplicationDocumentsOptions {
  id: number;
  /** `message`: required, the documents asked for. */
  input: Input;
}

export async function requestApplicationDocuments(ctx: Ctx, op: Actor, opts: RequestApplicationDocumentsOptions): Promise<void> {
  const { id } = opts;
  const message = optionalString(opts.input, 'message', { max: 1000, multiline: true });
  if (!message) throw requiredError('message', '요청 서류');
  await inTransaction(ctx.db, async (tx) => {
    const a = await openForReview(tx, id);
    const now = ctx.clock.now();
    await tx.updateTable('api_applications').set({ state: 'documents_requested', review_note: message, reviewed_by: op.id ?? null, reviewed_at: now, updated_at: now }).where('id', '=', id).execute();
    await audit(tx, op, { action: 'application.documents_requested', targetKind: 'application', targetId: id, details: { userId: a.user_id, message } });
  });
}
