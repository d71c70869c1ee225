/** API Key 상세: one live key of the partner; another partner's key is "not found". */
import type { Ctx } from '../../platform/context.ts';
import { keyNotFound, type ApiKeyView, type PartnerKey } from './api-key-rows.ts';
import { listApiKeys } from './list-api-keys.ts';

export type GetApiKeyOptions = PartnerKey;

export async function getApiKey(ctx: Ctx, opts: GetApiKeyOptions): Promise<ApiKeyView> {
  const k = (await listApiKeys(ctx, opts.partnerId)).find((x) => x.id === opts.keyId);
  if (!k) throw keyNotFound(opts.keyId);
  return k;
}
