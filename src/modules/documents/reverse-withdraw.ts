/**
 * The buyer withdraws its 역발행 request before the supplier answered (REST `POST …/reverse-requests/{reqkey}/withdraw`,
 * legacy `reverse.aspx cmd=WITHDRAW`, member web 요청함). Withdrawing a withdrawn request answers it again (no
 * change); an issued or refused one is 409 `reverse_request_state_conflict`.
 */
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { answerRequest, findSentRequest, notRequested, type ReverseRow } from './reverse-requests.ts';
import { recordReverseEvent } from './reverse-events.ts';

export async function withdrawReverseRequest(ctx: Ctx, tenant: Tenant, reqkey: string): Promise<ReverseRow> {
  return inTransaction(ctx.db, async (tx) => {
    const row = await findSentRequest(tx, tenant, reqkey, { forUpdate: true });
    if (row.state === 'withdrawn') return row;
    if (row.state !== 'requested') throw notRequested(row);
    const now = ctx.clock.now();
    const done = (await answerRequest(tx, row, { state: 'withdrawn' }, now))!;
    await recordReverseEvent(tx, done, 'withdrawn', now, { by: 'buyer' });
    ctx.log.info({ sinchno: tenant.subscriptionId, reqkey }, 'reverse issuance request withdrawn');
    return done;
  });
}
