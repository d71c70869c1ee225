/**
 * The supplier refuses a 역발행 request with a reason (REST `POST …/reverse-requests/received/{reqkey}/refuse`,
 * legacy `reverse.aspx cmd=REFUSE`, member web 요청함). The buyer is mailed the reason. Refusing a refused request
 * again answers it again (no change); an issued or withdrawn one is 409.
 */
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { readReason } from './read-reason.ts';
import { answerRequest, findReceivedRequest, mailBuyerOfAnswer, notRequested, type ReverseRow } from './reverse-requests.ts';
import { recordReverseEvent } from './reverse-events.ts';

export async function refuseReverseRequest(ctx: Ctx, tenant: Tenant, reqkey: string, reasonInput: unknown): Promise<ReverseRow> {
  const reason = readReason(reasonInput, 'reason', '거부 사유');
  return inTransaction(ctx.db, async (tx) => {
    const row = await findReceivedRequest(tx, tenant, reqkey, { forUpdate: true });
    if (row.state === 'refused') return row;
    if (row.state !== 'requested') throw notRequested(row);
    const now = ctx.clock.now();
    const done = (await answerRequest(tx, row, { state: 'refused', reason, supplier_subscription_id: tenant.subscriptionId }, now))!;
    await recordReverseEvent(tx, done, 'refused', now, { by: 'supplier', reason, subscriptionId: tenant.subscriptionId });
    await mailBuyerOfAnswer(ctx, tx, done);
    ctx.log.info({ sinchno: tenant.subscriptionId, reqkey }, 'reverse issuance request refused');
    return done;
  });
}
