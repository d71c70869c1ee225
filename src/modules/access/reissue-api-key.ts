/**
 * API Key 재발급: same entry and IPs, a new Access Key. The old key's hash moves to `api_key_retired_hashes`, so
 * the guard refuses it from this moment with a message that says it was replaced (not merely "unknown").
 */
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { audit, type Actor } from './audit-log.ts';
import { recordEvent } from '../events/record-event.ts';
import { accessKeyHash, newAccessKey, visiblePrefix } from './api-key-secrets.ts';
import { ownKey, type ApiKeyView, type PartnerKey } from './api-key-rows.ts';
import { getApiKey } from './get-api-key.ts';

export type ReissueApiKeyOptions = PartnerKey;

export async function reissueApiKey(ctx: Ctx, who: Actor, opts: ReissueApiKeyOptions): Promise<{ key: ApiKeyView; accessKey: string }> {
  const { partnerId, keyId } = opts;
  const accessKey = newAccessKey();
  await inTransaction(ctx.db, async (tx) => {
    const k = await ownKey(tx, partnerId, keyId);
    const old = await tx.selectFrom('api_keys').select('key_hash').where('id', '=', keyId).executeTakeFirstOrThrow();
    const now = ctx.clock.now();
    await tx.insertInto('api_key_retired_hashes').values({ key_hash: old.key_hash, key_id: keyId, retired_at: now }).execute();
    await tx
      .updateTable('api_keys')
      .set({ key_hash: accessKeyHash(accessKey), prefix: visiblePrefix(accessKey), issued_at: now, last_used_at: null, updated_at: now })
      .where('id', '=', keyId)
      .execute();
    await audit(tx, who, { action: 'api_key.reissued', targetKind: 'api_key', targetId: keyId, details: { partnerId, oldPrefix: k.prefix, keyPrefix: visiblePrefix(accessKey) } });
    await recordEvent(tx, { type: 'api_key.reissued', partnerId, objectId: String(keyId), state: 'active', at: now, data: { by: who.kind } });
  });
  return { key: await getApiKey(ctx, { partnerId, keyId }), accessKey };
}
