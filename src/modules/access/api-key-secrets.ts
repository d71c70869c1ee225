/**
 * Access Keys (연동 API Key) as secrets: drawn at random, stored only as SHA-256 plus a short visible prefix
 * (to tell keys apart on screen and in the audit log). The key itself is shown once and never stored.
 */
import crypto from 'node:crypto';
import { sha256 } from '../../platform/tokens.ts';

export const KEY_PREFIX = 'hbk_';
const KEY_BODY_LENGTH = 40;
const VISIBLE = KEY_PREFIX.length + 8;
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

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
