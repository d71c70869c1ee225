/**
 * The key material the filing pipeline signs with: a member's active certificate, its private key and R,
 * opened from their sealed form. Opened keys are cached in memory by certificate id (a certificate row never
 * changes; a new upload is a new row), so a batch of invoices does not unseal the key per invoice.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Db } from '../../platform/db/transaction.ts';
import { openSecret } from '../../platform/secret-box.ts';
import { expiryStatus } from '../signing/index.ts';
import './tables.ts';

export interface SigningMaterial {
  certificateId: number;
  memberId: number;
  certDer: Buffer;
  privateKey: KeyObject;
  /** NPKI randomNum, sent to NTS as SignerRvalue. */
  randomNum: Buffer;
  notBefore: Date;
  notAfter: Date;
}

/** Additional authenticated data of the sealed key and R: a box opens only for its member and certificate. */
export function certificateAad(memberId: number, fingerprint256: string): string {
  return `signing-certificate:${memberId}:${fingerprint256}`;
}

const CACHE_LIMIT = 1000;
const cache = new Map<string, SigningMaterial>();

function remember(key: string, material: SigningMaterial): void {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, material);
}

/** Active certificate id per member (several members at once); members without one are absent. */
export async function activeCertificateIds(db: Db, memberIds: readonly number[]): Promise<Map<number, number>> {
  if (memberIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('signing_certificates')
    .select(['id', 'member_id'])
    .where('member_id', 'in', [...new Set(memberIds)])
    .where('replaced_at', 'is', null)
    .execute();
  return new Map(rows.map((r) => [r.member_id, r.id]));
}

/** Open one certificate's key material (cached). The master key is part of the cache key. */
export async function signingMaterialById(ctx: Ctx, certificateId: number): Promise<SigningMaterial> {
  const cacheKey = `${ctx.masterKey.toString('base64')}:${certificateId}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const row = await ctx.db.selectFrom('signing_certificates').selectAll().where('id', '=', certificateId).executeTakeFirst();
  if (!row) throw new AppError('certificate_missing', `인증서 ${certificateId}이(가) 없습니다 (no such certificate)`, { field: 'certificate' });
  const aad = certificateAad(row.member_id, row.fingerprint256);
  const pkcs8 = openSecret(ctx.masterKey, row.private_key_sealed, `${aad}:key`);
  const material: SigningMaterial = {
    certificateId: row.id,
    memberId: row.member_id,
    certDer: row.cert_der,
    privateKey: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }),
    randomNum: openSecret(ctx.masterKey, row.random_num_sealed, `${aad}:r`),
    notBefore: row.not_before,
    notAfter: row.not_after,
  };
  pkcs8.fill(0);
  remember(cacheKey, material);
  return material;
}

/** Is the member's active certificate usable for signing at `now`? Used before accepting a filing request. */
export async function assertUsableCertificate(db: Db, memberId: number, now: Date): Promise<number> {
  const row = await db
    .selectFrom('signing_certificates')
    .select(['id', 'not_before', 'not_after'])
    .where('member_id', '=', memberId)
    .where('replaced_at', 'is', null)
    .executeTakeFirst();
  if (!row) {
    throw new AppError('certificate_missing', '국세청 전송에 필요한 인증서가 등록되어 있지 않습니다 (no signing certificate uploaded)', { field: 'certificate' });
  }
  const status = expiryStatus({ notBefore: row.not_before, notAfter: row.not_after }, now);
  if (status === 'expired' || status === 'not_yet_valid') {
    throw new AppError('certificate_missing', `등록된 인증서를 사용할 수 없습니다 (${status === 'expired' ? '만료' : '유효기간 전'}) (the uploaded certificate is ${status.replace(/_/g, ' ')})`, {
      field: 'certificate',
    });
  }
  return row.id;
}
