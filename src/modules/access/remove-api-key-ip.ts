/** IP 삭제: take one address off a key's allow-list (an address not on it is "not found"). */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Actor } from './audit-log.ts';
import type { ApiKeyView, PartnerKey } from './api-key-rows.ts';
import { readIp } from './ip-address.ts';
import { getApiKey } from './get-api-key.ts';
import { setApiKeyIps } from './set-api-key-ips.ts';

export interface RemoveApiKeyIpOptions extends PartnerKey {
  address: string;
}

export async function removeApiKeyIp(ctx: Ctx, who: Actor, opts: RemoveApiKeyIpOptions): Promise<ApiKeyView> {
  const ip = readIp(opts.address, 'ip');
  const current = (await getApiKey(ctx, opts)).ips;
  if (!current.includes(ip)) throw new AppError('api_key_ip_not_found', `등록되지 않은 IP입니다 (${ip} is not on the list)`, { field: 'ip' });
  return setApiKeyIps(ctx, who, { partnerId: opts.partnerId, keyId: opts.keyId, input: { ips: current.filter((x) => x !== ip) } });
}
