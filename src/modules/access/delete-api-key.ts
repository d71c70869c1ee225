/** API Key 삭제: a soft delete. Work already accepted completes; later calls with the key are refused. */
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { audit, type Actor } from './audit-log.ts';
import { recordEvent } from '../events/record-event.ts';
import { ownKey, type PartnerKey } from './api-key-rows.ts';

export type DeleteApiKeyOptions = PartnerKey;

export async function deleteApiKey(ctx: Ctx, who: Actor, opts: DeleteApiKeyOptions): Promise<void> {
  const { partnerId, keyId } = opts;
  await inTransaction(ctx.db, async (tx) => {
    const k = await ownKey(tx, partnerId, keyId);
    const now = ctx.clock.now();
    await tx.updateTable('api_keys').set({ deleted_at: now, enabled: false, updated_at: now }).where('id', '=', keyId).execute();
    await audit(tx, who, { action: 'api_key.deleted', targetKind: 'api_key', targetId: keyId, details: { partnerId, keyPrefix: k.prefix } });
    await recordEvent(tx, { type: 'api_key.deleted', partnerId, objectId: String(keyId), state: 'deleted', at: now, data: { by: who.kind } });
  });
}
