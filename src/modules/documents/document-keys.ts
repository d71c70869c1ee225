/**
 * dockey: the public id of a document (20 characters, unguessable, safe in URLs and legacy clients).
 * The recipient's view link carries a token derived from it with the master key: nothing to store,
 * nothing to guess, and it survives restarts.
 */
import crypto from 'node:crypto';
import { hmacSha256, safeEqual } from '../../platform/tokens.ts';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'; // no I, O

export function newDockey(): string {
  const bytes = crypto.randomBytes(18);
  let out = 'TI';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

export function viewToken(masterKey: Buffer, dockey: string): string {
  return hmacSha256(masterKey, `view:${dockey}`).subarray(0, 24).toString('base64url');
}

export function viewTokenMatches(masterKey: Buffer, dockey: string, token: string): boolean {
  return safeEqual(Buffer.from(viewToken(masterKey, dockey)), Buffer.from(token));
}
