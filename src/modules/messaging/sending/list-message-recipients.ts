/**
 * The recipients of a batch, each with its attempts (the Kakao one and a fallback) from message_attempts: the one
 * reader behind GET /v1/messages/{id}/recipients, the portal's 발송내역 상세 and the .xlsx 수신자 sheet. Rows are
 * read in request order (`seq`) within the batch's partition (`accepted_at`), paged by `afterSeq` (a cursor that
 * stays right while states change) or by `offset` (the portal's numbered pages).
 */
import type { Ctx } from '../../../platform/context.ts';
import type { Db } from '../../../platform/db/transaction.ts';
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
  /** the recipient's index in the request (0-based) */
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

const INT4_MAX = 2_147_483_647;

export interface RecipientRead {
  state?: RecipientState | undefined;
  /** only recipients after this index */
  afterSeq?: number | undefined;
  offset?: number | undefined;
  limit: number;
}

/** At most `limit` recipients of the batch (`id`, `acceptedAt`: its partition), each with its attempts in order. */
export async function readRecipients(db: Db, batch: { id: number; acceptedAt: Date }, o: RecipientRead): Promise<RecipientView[]> {
  let q = db
    .selectFrom('message_recipients')
    .select(['id', 'seq', 'phone', 'client_ref', 'kind', 'state', 'result_code', 'result_message', 'sent_at', 'done_at'])
    .where('batch_id', '=', batch.id)
    .where('accepted_at', '=', batch.acceptedAt)
    .orderBy('seq')
    .limit(o.limit);
  if (o.state) q = q.where('state', '=', o.state);
  // `seq` is an int4 (< 10,000 per batch): a larger cursor pages past the end instead of overflowing the parameter
  if (o.afterSeq !== undefined) q = q.where('seq', '>', Math.min(o.afterSeq, INT4_MAX));
  if (o.offset) q = q.offset(o.offset);
  const rows = await q.execute();
  if (!rows.length) return [];
  const attempts = await db
    .selectFrom('message_attempts')
    .select(['recipient_id', 'attempt_no', 'kind', 'is_fallback', 'state', 'result_code', 'result_message', 'sent_at', 'reported_at'])
    .where('batch_id', '=', batch.id)
    .where('accepted_at', '=', batch.acceptedAt)
    .where('recipient_id', 'in', rows.map((r) => r.id))
    .orderBy('recipient_id')
    .orderBy('attempt_no')
    .execute();
  const byRecipient = new Map<number, RecipientAttemptView[]>();
  for (const a of attempts) {
    const list = byRecipient.get(Number(a.recipient_id)) ?? [];
    list.push({ attemptNo: a.attempt_no, kind: a.kind, isFallback: a.is_fallback, state: a.state, resultCode: a.result_code, resultMessage: a.result_message, sentAt: a.sent_at, reportedAt: a.reported_at });
    byRecipient.set(Number(a.recipient_id), list);
  }
  return rows.map((r) => ({
    index: r.seq,
    id: Number(r.id),
    to: r.phone,
    clientRef: r.client_ref,
    kind: r.kind,
    state: r.state,
    resultCode: r.result_code,
    resultMessage: r.result_message,
    // stored with the result (delivery writes it then); while out, the first attempt's send time
    sentAt: r.sent_at ?? byRecipient.get(Number(r.id))?.find((a) => a.sentAt !== null)?.sentAt ?? null,
    doneAt: r.done_at,
    attempts: byRecipient.get(Number(r.id)) ?? [],
  }));
}

/** GET /v1/messages/{id}/recipients: a page of ≤ 1,000 after the index `after`, filtered by state; `next` is the cursor. */
export async function listMessageRecipients(
  ctx: Ctx,
  partnerId: number,
  batchId: number,
  opts: { state?: RecipientState; after?: number; limit?: number } = {},
): Promise<{ data: RecipientView[]; next: number | null }> {
  const batch = await findOwnBatch(ctx.db, partnerId, batchId);
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), MAX_RECIPIENT_PAGE);
  const rows = await readRecipients(ctx.db, { id: Number(batch.id), acceptedAt: batch.accepted_at }, { state: opts.state, afterSeq: opts.after, limit: limit + 1 });
  const data = rows.slice(0, limit);
  return { data, next: rows.length > limit ? data[data.length - 1]!.index : null };
}
