/**
 * Edit an endpoint (PATCH /v1/webhook-endpoints/{id}, the portal): URL, event types, description, enabled.
 * Disabling stops fan-out and deliveries (pending ones wait); enabling a disabled endpoint clears its failure
 * streak, so the 3-day clock starts again from its next failure, and its pending deliveries resume.
 */
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { checkEndpointUrl } from './webhook-address.ts';
import { checkDescription, checkEventTypes } from './endpoint-input.ts';
import { ENDPOINT_COLUMNS, endpointView, findEndpoint, type EndpointView } from './endpoint-view.ts';
import type { WebhookEndpointsTable } from './webhook-tables.ts';
import type { Updateable } from 'kysely';

export interface UpdateEndpointInput {
  url?: unknown;
  events?: unknown;
  description?: unknown;
  enabled?: unknown;
}

export async function updateEndpoint(ctx: Ctx, partnerId: number, endpointId: string, input: UpdateEndpointInput): Promise<EndpointView> {
  const now = ctx.clock.now();
  const set: Updateable<WebhookEndpointsTable> = { updated_at: now };
  if (input.url !== undefined) set.url = checkEndpointUrl(input.url, ctx.config.webhooks);
  if (input.events !== undefined) set.events = checkEventTypes(input.events);
  if (input.description !== undefined) set.description = checkDescription(input.description);
  if (input.enabled !== undefined && typeof input.enabled !== 'boolean') throw new AppError('field_invalid', 'true 또는 false입니다 (true or false)', { field: 'enabled' });
  const row = await inTransaction(ctx.db, async (tx) => {
    const current = await findEndpoint(tx, partnerId, endpointId, { lock: true });
    if (input.enabled === true && current.state === 'disabled') Object.assign(set, { state: 'enabled', failing_since: null, disabled_at: null });
    if (input.enabled === false && current.state === 'enabled') Object.assign(set, { state: 'disabled', disabled_at: now });
    return tx.updateTable('webhook_endpoints').set(set).where('id', '=', current.id).returning([...ENDPOINT_COLUMNS]).executeTakeFirstOrThrow();
  });
  return endpointView(row, now);
}
