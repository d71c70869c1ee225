/** 연동 API Key 목록: a partner's live keys (never the Access Keys: only their prefixes), with IP lists. */
import type { Ctx } from '../../platform/context.ts';
import { ipsOf, type ApiKeyView } from './api-key-rows.ts';

export async function listApiKeys(ctx: Ctx, partnerId: number): Promise<ApiKeyView[]> {
  const rows = await ctx.db
    .selectFrom('api_keys')
    .select(['id', 'prefix', 'enabled', 'issued_at', 'last_used_at'])
    .where('partner_id', '=', partnerId)
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .execute();
  const ips = await ipsOf(ctx.db, rows.map((r) => r.id));
  return rows.map((r) => ({ id: r.id, prefix: r.prefix, enabled: r.enabled, issuedAt: r.issued_at, lastUsedAt: r.last_used_at, ips: ips.get(r.id) ?? [] }));
}
