/**
 * Register a webhook endpoint (POST /v1/webhook-endpoints, the portal's 웹훅 page). At most 10 per partner: counted
 * under the partner's row lock, so two concurrent registrations cannot both take the tenth place. The secret is
 * answered once here and kept only sealed.
 */
import crypto from 'node:crypto';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { checkEndpointUrl } from './webhook-address.ts';
import { checkDescription, checkEventTypes } from './endpoint-input.ts';
import { sealEndpointSecret } from './endpoint-secrets.ts';
import { ENDPOINT_COLUMNS, endpointView, MAX_ENDPOINTS_PER_PARTNER, type EndpointView } from './endpoint-view.ts';
import { newWebhookSecret } from './webhook-signature.ts';
import { ensureDispatchCursor } from './fan-out-events.ts';
import './webhook-tables.ts';

export interface RegisterEndpointInput {
  url: unknown;
  events: unknown;
  description?: unknown;
}

export async function registerEndpoint(ctx: Ctx, partnerId: number, input: RegisterEndpointInput): Promise<EndpointView & { secret: string }> {
  const url = checkEndpointUrl(input.url, ctx.config.webhooks);
  const events = checkEventTypes(input.events);
  const description = checkDescription(input.description);
  const publicId = `we_${crypto.randomBytes(12).toString('hex')}`;
  const secret = newWebhookSecret();
  const now = ctx.clock.now();
  const row = await inTransaction(ctx.db, async (tx) => {
    await tx.selectFrom('partners').select('id').where('id', '=', partnerId).forUpdate().executeTakeFirstOrThrow();
    // events from now on reach this endpoint even when no worker of the channel has run yet
    await ensureDispatchCursor(tx, ctx.config.channel);
    const count = await tx.selectFrom('webhook_endpoints').select((eb) => eb.fn.countAll<string>().as('n')).where('partner_id', '=', partnerId).executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_ENDPOINTS_PER_PARTNER) {
      throw new AppError('webhook_endpoint_limit_reached', `엔드포인트는 ${MAX_ENDPOINTS_PER_PARTNER}개까지 등록할 수 있습니다 (at most ${MAX_ENDPOINTS_PER_PARTNER} endpoints)`, { field: 'url' });
    }
    return tx
      .insertInto('webhook_endpoints')
      .values({
        public_id: publicId,
        partner_id: partnerId,
        channel: ctx.config.channel,
        url,
        events,
        description,
        secret_sealed: sealEndpointSecret(ctx.masterKey, publicId, secret),
        created_at: now,
        updated_at: now,
      })
      .returning([...ENDPOINT_COLUMNS])
      .executeTakeFirstOrThrow();
  });
  ctx.log.info({ partnerId, endpointId: publicId }, 'webhook endpoint registered');
  return { ...endpointView(row, now), secret };
}
