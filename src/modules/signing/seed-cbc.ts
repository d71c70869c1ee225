/**
 * SEED-128-CBC (RFC 4269 block cipher) on Buffers, in pure TypeScript via `kisa-seed`, so the server
 * never needs Node's `--openssl-legacy-provider` (NTS.md §2.5).
 *
 * Only the library's public whole-message API is used (`SEED_CBC_Encrypt` / `SEED_CBC_Decrypt`,
 * which always apply PKCS#5 padding). Its decrypt checks nothing but the last padding byte and
 * returns an empty array on failure, so we never let it judge the padding:
 *  - decryption appends one extra block E = SEED(16×0x10 ⊕ C_last), computed as the padded
 *    encryption of an empty message under IV = C_last. CBC-decrypting C‖E then ends in a full
 *    padding block that the library strips, leaving exactly the raw plaintext of C, whose PKCS#5
 *    padding we check strictly here;
 *  - encryption without padding takes the first n blocks of the padded ciphertext (CBC output is
 *    prefix-stable).
 */
import { KISA_SEED_CBC } from 'kisa-seed';

export const SEED_BLOCK_SIZE = 16;

export class SeedPaddingError extends Error {
  constructor() {
    super('SEED-CBC: bad PKCS#5 padding (wrong key or corrupted data)');
    this.name = 'SeedPaddingError';
  }
}

export interface SeedCbcOptions {
  /** PKCS#5/#7 padding (default true). Without it the data must be a whole number of blocks. */
  padding?: boolean;
}

function checkKeyAndIv(key: Uint8Array, iv: Uint8Array): void {
  if (key.length !== SEED_BLOCK_SIZE) throw new RangeError(`SEED key must be 16 bytes, got ${key.length}`);
  if (iv.length !== SEED_BLOCK_SIZE) throw new RangeError(`SEED IV must be 16 bytes, got ${iv.length}`);
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function seedCbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, options: SeedCbcOptions = {}): Buffer {
  checkKeyAndIv(key, iv);
  const padded = toBuffer(KISA_SEED_CBC.SEED_CBC_Encrypt(key, iv, plaintext, 0, plaintext.length));
  if (options.padding ?? true) return padded;
  if (plaintext.length % SEED_BLOCK_SIZE !== 0) {
    throw new RangeError('SEED-CBC without padding needs a multiple of 16 bytes');
  }
  return padded.subarray(0, plaintext.length);
}

export function seedCbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, options: SeedCbcOptions = {}): Buffer {
  checkKeyAndIv(key, iv);
  const length = ciphertext.length;
  if (length % SEED_BLOCK_SIZE !== 0) throw new RangeError('SEED-CBC ciphertext is not a multiple of 16 bytes');
  const usePadding = options.padding ?? true;
  if (length === 0) {
    if (usePadding) throw new SeedPaddingError();
    return Buffer.alloc(0);
  }
  const lastBlock = ciphertext.subarray(length - SEED_BLOCK_SIZE);
  const paddingBlock = KISA_SEED_CBC.SEED_CBC_Encrypt(key, lastBlock, new Uint8Array(0), 0, 0);
  const extended = Buffer.concat([ciphertext, paddingBlock]);
  const raw = toBuffer(KISA_SEED_CBC.SEED_CBC_Decrypt(key, iv, extended, 0, extended.length));
  if (raw.length !== length) throw new Error('SEED-CBC: unexpected output length from kisa-seed');
  return usePadding ? stripPkcs5Padding(raw) : raw;
}

/** Remove PKCS#5 padding, checking every padding byte. */
export function stripPkcs5Padding(data: Buffer): Buffer {
  const pad = data[data.length - 1] ?? 0;
  if (pad < 1 || pad > SEED_BLOCK_SIZE || pad > data.length) throw new SeedPaddingError();
  for (let i = data.length - pad; i < data.length; i++) {
    if (data[i] !== pad) throw new SeedPaddingError();
  }
  return data.subarray(0, data.length - pad);
}
