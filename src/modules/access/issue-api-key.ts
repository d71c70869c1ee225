/**
 * Partner API keys (연동 API Key): at most 5 live keys per partner, up to 5 IP addresses each. The Access
 * Key is shown once; only SHA-256 of it and a short visible prefix are stored. Reissue draws a new key
 * for the same entry (its IPs stay) and the old one is refused at once; delete is a soft delete (work
 * already accepted completes, later calls are refused).
 */
import crypto from 'node:crypto';
import { AppError, invalidError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction, type Db } from '../../platform/db/transaction.ts';
import { optionalList, type Input } from '../../platform/input.ts';
import { sha256 } from '../../platform/tokens.ts';
import { audit, type Actor } from './audit.ts';
import { readIp } from './ip-address.ts';

export const MAX_KEYS_PER_PARTNER = 5;
export const MAX_IPS_PER_KEY = 5;
export const KEY_PREFIX = 'hbk_';
const KEY_BODY_LENGTH = 40;
const VISIBLE = KEY_PREFIX.length + 8;
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface ApiKeyView {
  id: number;
  prefix: string;
  enabled: boolean;
  issuedAt: Date;
  lastUsedAt: Date | null;
  ips: string[];
}

/** A new Access Key: `hbk_` + 40 base62 characters (≈238 bits). */
export function newAccessKey(): string {
  let s = '';
  while (s.length < KEY_BODY_LENGTH) {
    for (const b of crypto.randomBytes(48)) {
      if (b < 248 && s.length < KEY_BODY_LENGTH) s += BASE62[b % 62]; // 248 = 4·62: no modulo bias
    }
  }
  return KEY_PREFIX + s;
}

export function accessKeyHash(key: string): Buffer {
  return sha256(`api_key:${key}`);
}

export function visiblePrefix(key: string): string {
  return key.slice(0, VISIBLE);
}

/** Read an IP list (array or comma/space/newline-separated text): normalised, de-duplicated, at most 5. */
export function readIpList(input: Input, field = 'ips', opts: { min?: number } = {}): string[] {
  const raw = input[field];
  const items = Array.isArray(raw) ? raw.map((x) => String(x ?? '')) : typeof raw === 'string' ? raw.split(/[\s,]+/) : (optionalList(input, field) ?? []);
  const out: string[] = [];
  items.forEach((item, i) => {
    if (item.trim() === '') return;
    const ip = readIp(item, Array.isArray(raw) ? `${field}[${i}]` : field);
    if (!out.includes(ip)) out.push(ip);
  });
  if (out.length > MAX_IPS_PER_KEY) throw invalidError(field, `IP는 최대 ${MAX_IPS_PER_KEY}개까지 등록할 수 있습니다 (at most ${MAX_IPS_PER_KEY} addresses per key)`);
  if (out.length < (opts.min ?? 0)) {
    throw new AppError('field_required', `${field}: API를 연동할 서버의 IP를 1개 이상 입력하세요 (enter at least one server IP address)`, { field });
  }
  return out;
}

async function ipsOf(db: Db, keyIds: number[]): Promise<Map<number, string[]>> {
  const m = new Map<number, string[]>();
  if (keyIds.length === 0) return m;
  const rows = await db.selectFrom('api_key_ips').select(['key_id', 'address']).where('key_id', 'in', keyIds).orderBy('created_at').orderBy('address').execute();
  for (const r of rows) m.set(r.key_id, [...(m.get(r.key_id) ?? []), r.address]);
  return m;
}

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

export async function getApiKey(ctx: Ctx, partnerId: number, keyId: number): Promise<ApiKeyView> {
  const k = (await listApiKeys(ctx, partnerId)).find((x) => x.id === keyId);
  if (!k) throw keyNotFound(keyId);
  return k;
}

const keyNotFound = (id: number) => new AppError('not_found', `keyId: API Key ${id}이(가) 없습니다 (no such key)`, { field: 'keyId' });

/** The partner's live key, locked for update; other partners' keys are "not found" (no enumeration). */
async function ownKey(tx: Db, partnerId: number, keyId: number) {
  const k = await tx.selectFrom('api_keys').select(['id', 'prefix']).where('id', '=', keyId).where('partner_id', '=', partnerId).where('deleted_at', 'is', null).forUpdate().executeTakeFirst();
  if (!k) throw keyNotFound(keyId);
  return k;
}

async function setIps(tx: Db, keyId: number, ips: string[]): Promise<void> {
  await tx.deleteFrom('api_key_ips').where('key_id', '=', keyId).execute();
  if (ips.length) await tx.insertInto('api_key_ips').values(ips.map((address, i) => ({ key_id: keyId, address, created_at: new Date(Date.now() + i) }))).execute();
}

/** 신규 API Key 발급: the Access Key is in the answer and nowhere else, ever. */
export async function issueApiKey(ctx: Ctx, who: Actor, partnerId: number, input: Input): Promise<{ key: ApiKeyView; accessKey: string }> {
  const ips = readIpList(input, 'ips', { min: 1 });
  const accessKey = newAccessKey();
  const id = await inTransaction(ctx.db, async (tx) => {
    await tx.selectFrom('partners').select('id').where('id', '=', partnerId).forUpdate().executeTakeFirstOrThrow(); // serialises concurrent issues
    const n = await tx.selectFrom('api_keys').select((eb) => eb.fn.countAll<number>().as('n')).where('partner_id', '=', partnerId).where('deleted_at', 'is', null).executeTakeFirstOrThrow();
    if (Number(n.n) >= MAX_KEYS_PER_PARTNER) {
      throw new AppError('conflict', `keys: API Key는 최대 ${MAX_KEYS_PER_PARTNER}개까지 발급할 수 있습니다. 사용하지 않는 Key를 삭제하세요 (at most ${MAX_KEYS_PER_PARTNER} keys: delete one first)`, {
        field: 'keys',
      });
    }
    const now = ctx.clock.now();
    const row = await tx
      .insertInto('api_keys')
      .values({ partner_id: partnerId, prefix: visiblePrefix(accessKey), key_hash: accessKeyHash(accessKey), issued_at: now, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await setIps(tx, row.id, ips);
    await audit(tx, who, { action: 'api_key.issued', targetKind: 'api_key', targetId: row.id, details: { partnerId, keyPrefix: visiblePrefix(accessKey), ips } });
    return row.id;
  });
  return { key: await getApiKey(ctx, partnerId, id), accessKey };
}

export async function setApiKeyEnabled(ctx: Ctx, who: Actor, partnerId: number, keyId: number, enabled: boolean): Promise<ApiKeyView> {
  await inTransaction(ctx.db, async (tx) => {
    const k = await ownKey(tx, partnerId, keyId);
    await tx.updateTable('api_keys').set({ enabled, updated_at: ctx.clock.now() }).where('id', '=', keyId).execute();
    await audit(tx, who, { action: enabled ? 'api_key.enabled' : 'api_key.disabled', targetKind: 'api_key', targetId: keyId, details: { partnerId, keyPrefix: k.prefix } });
  });
  return getApiKey(ctx, partnerId, keyId);
}

/** Replace the whole IP list (add, edit and delete in one). */
export async function replaceApiKeyIps(ctx: Ctx, who: Actor, partnerId: number, keyId: number, input: Input): Promise<ApiKeyView> {
  const ips = readIpList(input, 'ips');
  await inTransaction(ctx.db, async (tx) => {
    const k = await ownKey(tx, partnerId, keyId);
    const before = (await ipsOf(tx, [keyId])).get(keyId) ?? [];
    await setIps(tx, keyId, ips);
    await tx.updateTable('api_keys').set({ updated_at: ctx.clock.now() }).where('id', '=', keyId).execute();
    await audit(tx, who, { action: 'api_key.ips_changed', targetKind: 'api_key', targetId: keyId, details: { partnerId, keyPrefix: k.prefix, before, after: ips } });
  });
  return getApiKey(ctx, partnerId, keyId);
}

export async function addApiKeyIp(ctx: Ctx, who: Actor, partnerId: number, keyId: number, input: Input): Promise<ApiKeyView> {
  const ip = readIp(input['ip'], 'ip');
  const current = (await getApiKey(ctx, partnerId, keyId)).ips;
  if (current.includes(ip)) throw new AppError('conflict', `ip: 이미 등록된 IP입니다 (${ip} is already on the list)`, { field: 'ip' });
  if (current.length >= MAX_IPS_PER_KEY) throw invalidError('ip', `IP는 최대 ${MAX_IPS_PER_KEY}개까지 등록할 수 있습니다 (at most ${MAX_IPS_PER_KEY} addresses per key)`);
  return replaceApiKeyIps(ctx, who, partnerId, keyId, { ips: [...current, ip] });
}

export async function removeApiKeyIp(ctx: Ctx, who: Actor, partnerId: number, keyId: number, address: string): Promise<ApiKeyView> {
  const ip = readIp(address, 'ip');
  const current = (await getApiKey(ctx, partnerId, keyId)).ips;
  if (!current.includes(ip)) throw new AppError('not_found', `ip: 등록되지 않은 IP입니다 (${ip} is not on the list)`, { field: 'ip' });
  return replaceApiKeyIps(ctx, who, partnerId, keyId, { ips: current.filter((x) => x !== ip) });
}

/** API Key 재발급: same entry and IPs, a new Access Key; the old one is refused from this moment. */
export async function reissueApiKey(ctx: Ctx, who: Actor, partnerId: number, keyId: number): Promise<{ key: ApiKeyView; accessKey: string }> {
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
  });
  return { key: await getApiKey(ctx, partnerId, keyId), accessKey };
}

export async function deleteApiKey(ctx: Ctx, who: Actor, partnerId: number, keyId: number): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const k = await ownKey(tx, partnerId, keyId);
    const now = ctx.clock.now();
    await tx.updateTable('api_keys').set({ deleted_at: now, enabled: false, updated_at: now }).where('id', '=', keyId).execute();
    await audit(tx, who, { action: 'api_key.deleted', targetKind: 'api_key', targetId: keyId, details: { partnerId, keyPrefix: k.prefix } });
  });
}
