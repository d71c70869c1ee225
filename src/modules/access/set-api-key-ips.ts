/** IP 목록 변경: replace a key's whole IP allow-list (add, edit and delete in one); an empty list refuses every call. */
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import type { Input } from '../../platform/input.ts';
import { audit, type Actor } from './audit-log.ts';
import { ipsOf, ownKey, storeIps, type ApiKeyView, type PartnerKey } from './api-key-rows.ts';
import { readIpList } from './ip-list.ts';
import { getApiKey } from './get-api-key.ts';

export interface SetApiKeyIpsOptions extends PartnerKey {
  /** `ips`: the new list (array, or text separated by commas, spaces or newlines). */
  input: Input;
}

export async function setApiKeyIps(ctx: Ctx, who: Actor, opts: SetApiKeyIpsOptions): Promise<ApiKeyView> {
  const { partnerId, keyId } = opts;
  const ips = readIpList(opts.input, 'ips');
  await inTransaction(ctx.db, async (tx) => {
    const k = await ownKey(tx, partnerId, keyId);
    const before = (await ipsOf(tx, [keyId])).get(keyId) ?? [];
    await storeIps(tx, keyId, ips);
    await tx.updateTable('api_keys').set({ updated_at: ctx.clock.now() }).where('id', '=', keyId).execute();
    await audit(tx, who, { action: 'api_key.ips_changed', targetKind: 'api_key', targetId: keyId, details: { partnerId, keyPrefix: k.prefix, before, after: ips } });
  });
  return getApiKey(ctx, { partnerId, keyId });
}
