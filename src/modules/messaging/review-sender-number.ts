/**
 * The operator's review of a pending registration: `approve` makes the number usable for its partner,
 * `reject` (a comment is required: the partner reads why) ends it; the partner may register the number again.
 */
import { AppError, requiredError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { optionalString, type Input } from '../../platform/input.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { audit, type Actor } from '../access/audit-log.ts';
import { senderNumberOf, senderNumberRows, type SenderNumber } from './sender-number-view.ts';

export interface ReviewSenderNumberOptions {
  id: number;
  decision: 'approve' | 'reject';
  /** `comment` (≤ 500, multi-line): required to reject. */
  input: Input;
  /** who decided (the console's operator): recorded in the audit log with the decision */
  actor?: Actor | undefined;
}

export async function reviewSenderNumber(ctx: Ctx, opts: ReviewSenderNumberOptions): Promise<SenderNumber> {
  const comment = optionalString(opts.input, 'comment', { max: 500, multiline: true }) ?? '';
  if (opts.decision === 'reject' && comment === '') throw requiredError('comment', '거절 사유');
  return inTransaction(ctx.db, async (tx) => {
    const updated = await tx
      .updateTable('sender_numbers')
      .set({ state: opts.decision === 'approve' ? 'approved' : 'rejected', review_comment: comment, reviewed_at: ctx.clock.now() })
      .where('id', '=', opts.id)
      .where('state', '=', 'pending')
      .where('deleted_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!updated) {
      const row = await senderNumberRows(tx).where('id', '=', opts.id).executeTakeFirst();
      if (!row) throw new AppError('sender_number_not_found', '발신번호 등록이 없습니다 (no such sender number registration)', { field: 'id' });
      throw new AppError('sender_number_state_conflict', `이미 처리된 등록입니다: ${row.state} (already reviewed: ${row.state})`, { field: 'id' });
    }
    const s = senderNumberOf(await senderNumberRows(tx).where('id', '=', opts.id).executeTakeFirstOrThrow());
    if (opts.actor) {
      await audit(tx, opts.actor, { action: `sender_number.${s.state}`, targetKind: 'sender_number', targetId: s.id, details: { partnerId: s.partnerId, number: s.number, comment } });
    }
    return s;
  });
}
