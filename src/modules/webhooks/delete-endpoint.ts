/** Delete an endpoint: its deliveries and their attempt logs go with it; a delivery in flight finds nothing to update. */
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { findEndpoint } from './endpoint-view.ts';

export async function deleteEndpoint(ctx: Ctx, partnerId: number, endpointId: string): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const row = await findEndpoint(tx, partnerId, endpointId, { lock: true });
    await tx.deleteFrom('webhook_endpoints').where('id', '=', row.id).execute();
  });
  ctx.log.info({ partnerId, endpointId }, 'webhook endpoint deleted');
}
