/**
 * svc_key: HMAC(master key, "svc_key:" ‖ sinchno ‖ salt), 256 bits, base64url.
 * The database keeps only the random salt and SHA-256 of the key: a dump of it reveals no key, yet the
 * owner can fetch the same key again with GETSVCKEY (it is stable until RESETKEY draws a new salt).
 */
import crypto from 'node:crypto';
import { hmacSha256, safeEqual, sha256 } from '../../platform/tokens.ts';

export function newServiceKeySalt(): Buffer {
  return crypto.randomBytes(16);
}

export function deriveServiceKey(masterKey: Buffer, sinchno: number, salt: Buffer): string {
  return hmacSha256(masterKey, Buffer.concat([Buffer.from(`svc_key:${sinchno}:`), salt])).toString('base64url');
}

export function serviceKeyHash(svcKey: string): Buffer {
  return sha256(`svc_key:${svcKey}`);
}

export function serviceKeyMatches(svcKey: string, storedHash: Buffer): boolean {
  return safeEqual(serviceKeyHash(svcKey), storedHash);
}

/** The ledger database name of a subscription (seed: tax000123). */
export function ledgerDbName(sinchno: number): string {
  return `tax${String(sinchno).padStart(6, '0')}`;
}
