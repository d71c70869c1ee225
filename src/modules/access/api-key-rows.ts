/**
 * Rows of `api_keys` and `api_key_ips` shared by the key use cases: the view a partner sees, the IP lists,
 * and the partner's own live key locked for a change. Another partner's key is "not found" (no enumeration).
 */
import { AppError } from '../../platform/errors.ts';
import type { Db } from '../../platform/db/transaction.ts';
import './access-tables.ts';

export interface ApiKeyView {
  id: number;
  prefix: string;
  enabled: boolean;
  issuedAt: Date;
  lastUsedAt: Date | null;
  ips: string[];
}

/** A partner's key and the partner it must belong to (every key use case names both). */
export interface PartnerKey {
  partnerId: number;
  keyId: number;
}

export async function ipsOf(db: Db, keyIds: number[]): Promise<Map<number, string[]>> {
  const m = new Map<number, string[]>();
  if (keyIds.length === 0) return m;
  const rows = await db.selectFrom('api_key_ips').select(['key_id', 'address']).where('key_id', 'in', keyIds).orderBy('created_at').orderBy('address').execute();
  for (const r of rows) m.set(r.key_id, [...(m.get(r.key_id) ?? []), r.address]);
  return m;
}

export const keyNotFound = (id: number) => new AppError('api_key_not_found', `API Key ${id}이(가) 없습니다 (no such key)`, { field: 'keyId' });

/** The partner's live key, locked for update; other partners' keys are "not found" (no enumeration). */
export async function ownKey(tx: Db, partnerId: number, keyId: number) {
  const k = await tx.selectFrom('api_keys').select(['id', 'prefix']).where('id', '=', keyId).where('partner_id', '=', partnerId).where('deleted_at', 'is', null).forUpdate().executeTakeFirst();
  if (!k) throw keyNotFound(keyId);
  return k;
}

/** Replace the stored IP list of a key (in the caller's transaction); the order given is kept. */
export async function storeIps(tx: Db, keyId: number, ips: string[]): Promise<void> {
  await tx.deleteFrom('api_key_ips').where('key_id', '=', keyId).execute();
  if (ips.length) await tx.insertInto('api_key_ips').values(ips.map((address, i) => ({ key_id: keyId, address, created_at: new Date(Date.now() + i) }))).execute();
}
