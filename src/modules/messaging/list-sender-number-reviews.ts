/** The operator's review list: every partner's live registrations, by state (pending first-come first-served). */
import type { Ctx } from '../../platform/context.ts';
import { senderNumberOf, senderNumberRows, type SenderNumber } from './sender-number-view.ts';
import type { SenderNumberState } from './tables.ts';

export interface ListSenderNumberReviewsOptions {
  state?: SenderNumberState | undefined;
  limit?: number | undefined;
}

export async function listSenderNumberReviews(ctx: Ctx, opts: ListSenderNumberReviewsOptions = {}): Promise<SenderNumber[]> {
  let q = senderNumberRows(ctx.db);
  if (opts.state) q = q.where('state', '=', opts.state);
  return (await q.orderBy('id', 'asc').limit(opts.limit ?? 500).execute()).map(senderNumberOf);
}
