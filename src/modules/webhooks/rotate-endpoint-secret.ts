/**
 * Rotate an endpoint's secret: a new one is answered once; the current one becomes the previous one and keeps
 * signing (a second v1, after the new one's) for `expiresInHours` (0..168, default 24), so a receiver can switch
 * without losing a delivery. 0 ends the old secret at once. Rotating again during a rotation drops the oldest.
 */
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { kstIso } from '../../platform/clock.ts';
import { sealEndpointSecret } from './endpoint-secrets.ts';
import { findEndpoint } from './endpoint-view.ts';
import { newWebhookSecret } from './webhook-signature.ts';

export const MAX_ROTATION_HOURS = 168;

export async function rotateEndpointSecret(ctx: Ctx, partnerId: number, endpointId: string, input: { expiresInHours?: unknown } = {}): Promise<{ secret: string; previousSecretExpiresAt: string | null }> {
  const hours = input.expiresInHours ?? 24;
  if (typeof hours !== 'number' || !Number.isInteger(hours) || hours < 0 || hours > MAX_ROTATION_HOURS) {
    throw new AppError('field_invalid', `0~${MAX_ROTATION_HOURS} 사이의 정수입니다 (an integer from 0 to ${MAX_ROTATION_HOURS})`, { field: 'expiresInHours' });
  }
  const now = ctx.clock.now();
  const secret = newWebhookSecret();
  const expires = hours > 0 ? new Date(now.getTime() + hours * 3_600_000) : null;
  await inTransaction(ctx.db, async (tx) => {
    const row = await findEndpoint(tx, partnerId, endpointId, { lock: true });
    const current = await tx.selectFrom('webhook_endpoints').select('secret_sealed').where('id', '=', row.id).executeTakeFirstOrThrow();
    await tx
      .updateTable('webhook_endpoints')
      .set({
        secret_sealed: sealEndpointSecret(ctx.masterKey, row.public_id, secret),
        previous_secret_sealed: expires ? current.secret_sealed : null,
        previous_secret_expires_at: expires,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .execute();
  });
  ctx.log.info({ partnerId, endpointId, previousForHours: hours }, 'webhook endpoint secret rotated');
  return { secret, previousSecretExpiresAt: expires ? kstIso(expires) : null };
}
