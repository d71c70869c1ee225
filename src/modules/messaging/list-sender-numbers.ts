/** A partner's live sender-number registrations (deleted ones are not listed), newest first. */
import type { Ctx } from '../../platform/context.ts';
import { senderNumberOf, senderNumberRows, type SenderNumber } from './sender-number-view.ts';
import type { SenderNumberState } from './tables.ts';

export interface ListSenderNumbersOptions {
  state?: SenderNumberState | undefined;
}

export async function listSenderNumbers(ctx: Ctx, partnerId: number, opts: ListSenderNumbersOptions = {}): Promise<SenderNumber[]> {
  let q = senderNumberRows(ctx.db).where('partner_id', '=', partnerId);
  if (opts.state) q = q.where('state', '=', opts.state);
  return (await q.orderBy('id', 'desc').execute()).map(senderNumberOf);
}
