/** The partner's webhook endpoints (oldest first), and one of them. */
import type { Ctx } from '../../platform/context.ts';
import { ENDPOINT_COLUMNS, endpointView, findEndpoint, type EndpointView } from './endpoint-view.ts';
import './webhook-tables.ts';

export async function listEndpoints(ctx: Ctx, partnerId: number): Promise<EndpointView[]> {
  const rows = await ctx.db.selectFrom('webhook_endpoints').select([...ENDPOINT_COLUMNS]).where('partner_id', '=', partnerId).orderBy('id').execute();
  const now = ctx.clock.now();
  return rows.map((r) => endpointView(r, now));
}

export async function getEndpoint(ctx: Ctx, partnerId: number, endpointId: string): Promise<EndpointView> {
  return endpointView(await findEndpoint(ctx.db, partnerId, endpointId), ctx.clock.now());
}
