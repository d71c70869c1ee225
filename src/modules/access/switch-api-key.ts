/** API Key ON / OFF: an OFF key is refused by the guard (403 / 2006) until switched ON again. */
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { audit, type Actor } from './audit-log.ts';
import { ownKey, type ApiKeyView, type PartnerKey } from './api-key-rows.ts';
import { getApiKey } from './get-api-key.ts';

export interface SwitchApiKeyOptions extends PartnerKey {
  enabled: boolean;
}

export async function switchApiKey(ctx: Ctx, who: Actor, opts: SwitchApiKeyOptions): Promise<ApiKeyView> {
  const { partnerId, keyId, enabled } = opts;
  await inTransaction(ctx.db, async (tx) => {
    const k = await ownKey(tx, partnerId, keyId);
    await tx.updateTable('api_keys').set({ enabled, updated_at: ctx.clock.now() }).where('id', '=', keyId).execute();
    await audit(tx, who, { action: enabled ? 'api_key.enabled' : 'api_key.disabled', targetKind: 'api_key', targetId: keyId, details: { partnerId, keyPrefix: k.prefix } });
  });
  return getApiKey(ctx, { partnerId, keyId });
}
