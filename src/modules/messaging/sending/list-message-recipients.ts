/**
 * The recipients of a partner's batch (GET /v1/messages/{id}/recipients), in request order, paged by
 * `after` (the last index seen; a cursor that stays right while states change) and `limit` (≤ 1,000),
 * filtered by state, each with its attempts (the Kakao one and a fallback) from message_attempts.
 */
import type { Ctx } from '../../../platform/context.ts';
import type { AttemptState, MessageKind, RecipientState } from './tables.ts';
import { findOwnBatch } from './get-message-batch.ts';

export const MAX_RECIPIENT_PAGE = 1000;

export interface RecipientAttemptView {
  attemptNo: number;
  kind: MessageKind;
  isFallback: boolean;
  state: AttemptState;
  resultCode: string | null;
  resultMessage: string | null;
  sentAt: Date | null;
  reportedAt: Date | null;
}

export interface RecipientView {
  index: number;
  id: number;
  to: string;
  clientRef: string | null;
  kind: MessageKind;
  state: RecipientState;
  resultCode: string | null;
  resultMessage: string | null;
  sentAt: Date | null;
  doneAt: Date | null;
  attempts: RecipientAttemptView[];
}

export async function listMessageRecipients(
  ctx: Ctx,
  partnerId: number,
  batchId: number,
  opts: { state?: RecipientState; after?: number; limit?: number } = {},
): Promise<{ data: RecipientView[]; next: number | null }> {
  const batch = await findOwnBatch(ctx.db, partnerId, batchId);
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), MAX_RECIPIENT_PAGE);
  let q = ctx.db
    .selectFrom('message_recipients')
    .select(['id', 'seq', 'phone', 'client_ref', 'kind', 'state', 'result_code', 'result_message', 'sent_at', 'done_at'])
    .where('batch_id', '=', batch.id)
    .where('accepted_at', '=', batch.accepted_at)
    .orderBy('seq')
    .limit(limit + 1);
  if (opts.state) q = q.where('state', '=', opts.state);
  if (opts.after !== undefined) q = q.where('seq', '>', opts.after);
  const rows = await q.execute();
  const page = rows.slice(0, limit);
  const attempts = page.length
    ? await ctx.db
        .selectFrom('message_attempts')
        .select(['recipient_id', 'attempt_no', 'kind', 'is_fallback', 'state', 'result_code', 'result_message', 'sent_at', 'reported_at'])
        .where('batch_id', '=', batch.id)
        .where('accepted_at', '=', batch.accepted_at)
        .where('recipient_id', 'in', page.map((r) => r.id))
        .orderBy('recipient_id')
        .orderBy('attempt_no')
        .execute()
    : [];
  const byRecipient = new Map<number, RecipientAttemptView[]>();
  for (const a of attempts) {
    const list = byRecipient.get(Number(a.recipient_id)) ?? [];
    list.push({ attemptNo: a.attempt_no, kind: a.kind, isFallback: a.is_fallback, state: a.state, resultCode: a.result_code, resultMessage: a.result_message, sentAt: a.sent_at, reportedAt: a.reported_at });
    byRecipient.set(Number(a.recipient_id), list);
  }
  return {
    data: page.map((r) => ({
      index: r.seq,
      id: Number(r.id),
      to: r.phone,
      clientRef: r.client_ref,
      kind: r.kind,
      state: r.state,
      resultCode: r.result_code,
      resultMessage: r.result_message,
      sentAt: r.sent_at,
      doneAt: r.done_at,
      attempts: byRecipient.get(Number(r.id)) ?? [],
    })),
    next: rows.length > limit ? page[page.length - 1]!.seq : null,
  };
}
