/**
 * Sealing secrets at rest (certificate passwords, private keys) with AES-256-GCM under a master key.
 *
 * Sealed format, version 1:  0x01 ‖ nonce (12 random bytes) ‖ ciphertext ‖ tag (16 bytes).
 * The version byte and the optional `aad` (e.g. "tenant:42/signPri") are authenticated, so a box
 * only opens for the context it was sealed for. A random 96-bit nonce per seal is safe for far
 * more than the number of secrets this platform will ever seal under one key (NIST SP 800-38D:
 * stay below 2^32 messages per key).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const SECRET_BOX_VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const HEADER_BYTES = 1 + NONCE_BYTES;

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

function checkKey(masterKey: Buffer): void {
  if (masterKey.length !== KEY_BYTES) throw new SecretBoxError(`master key must be ${KEY_BYTES} bytes, got ${masterKey.length}`);
}

function additionalData(version: number, aad: string | undefined): Buffer {
  return Buffer.concat([Buffer.from([version]), Buffer.from(aad ?? '', 'utf8')]);
}

export function sealSecret(masterKey: Buffer, plaintext: Buffer, aad?: string): Buffer {
  checkKey(masterKey);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', masterKey, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(SECRET_BOX_VERSION, aad));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([SECRET_BOX_VERSION]), nonce, ciphertext, cipher.getAuthTag()]);
}

/** Open a sealed box; throws SecretBoxError if it was tampered with, or the key or aad differ. */
export function openSecret(masterKey: Buffer, sealed: Buffer, aad?: string): Buffer {
  checkKey(masterKey);
  if (sealed.length < HEADER_BYTES + TAG_BYTES) throw new SecretBoxError('sealed secret is too short');
  const version = sealed[0]!;
  if (version !== SECRET_BOX_VERSION) throw new SecretBoxError(`unknown sealed secret version ${version}`);
  const nonce = sealed.subarray(1, HEADER_BYTES);
  const ciphertext = sealed.subarray(HEADER_BYTES, sealed.length - TAG_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', masterKey, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(additionalData(version, aad));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new SecretBoxError('sealed secret cannot be opened (wrong key or context, or tampered)');
  }
}

/** A master key from configuration: 64 hex characters, or base64 (standard or url-safe) of 32 bytes. */
export function parseMasterKey(text: string): Buffer {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(value)) {
    const key = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === KEY_BYTES) return key;
  }
  throw new SecretBoxError('master key must be 64 hex characters or base64 of 32 bytes');
}
