/** IP 추가: one more address on a key's allow-list (at most 5; an address already listed is a conflict). */
import { AppError, invalidError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Input } from '../../platform/input.ts';
import type { Actor } from './audit-log.ts';
import type { ApiKeyView, PartnerKey } from './api-key-rows.ts';
import { readIp } from './ip-address.ts';
import { MAX_IPS_PER_KEY } from './ip-list.ts';
import { getApiKey } from './get-api-key.ts';
import { setApiKeyIps } from './set-api-key-ips.ts';

export interface AddApiKeyIpOptions extends PartnerKey {
  /** `ip`: the address to add. */
  input: Input;
}

export async function addApiKeyIp(ctx: Ctx, who: Actor, opts: AddApiKeyIpOptions): Promise<ApiKeyView> {
  const ip = readIp(opts.input['ip'], 'ip');
  const current = (await getApiKey(ctx, opts)).ips;
  if (current.includes(ip)) throw new AppError('api_key_ip_exists', `이미 등록된 IP입니다 (${ip} is already on the list)`, { field: 'ip' });
  if (current.length >= MAX_IPS_PER_KEY) throw invalidError('ip', `IP는 최대 ${MAX_IPS_PER_KEY}개까지 등록할 수 있습니다 (at most ${MAX_IPS_PER_KEY} addresses per key)`);
  return setApiKeyIps(ctx, who, { partnerId: opts.partnerId, keyId: opts.keyId, input: { ips: [...current, ip] } });
}
