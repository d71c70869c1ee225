/**
 * Decrypt a PKCS#8 EncryptedPrivateKeyInfo as found in NPKI `signPri.key` files (NTS.md §2.4):
 *  - 1.2.410.200004.1.15 pbeWithSHA1AndSEED-CBC ("seedCBCWithSHA1"):
 *      dk = SHA1^iter(UTF8(pw) ‖ salt), key = dk[0..16), iv = SHA1(dk[16..20))[0..16), SEED-CBC;
 *  - PBES2 (1.2.840.113549.1.5.13) with PBKDF2 (HMAC-SHA1/224/256/384/512) and
 *      seedCBC 1.2.410.200004.1.4, aes128/192/256-CBC or des-ede3-cbc.
 * Returns the PrivateKeyInfo DER. A wrong password shows up as bad padding or as plaintext that is
 * not a PrivateKeyInfo; both become AppError certificate_invalid, field 'password'.
 */
import { createDecipheriv, createHash, pbkdf2Sync } from 'node:crypto';
import type { AppError } from '../../platform/errors.ts';
import {
  DerError,
  UniversalTag,
  isUniversal,
  readDer,
  readOctetString,
  readOid,
  readSequence,
  readSmallInteger,
  type DerNode,
} from './asn1-der.ts';
import { certificateFileError, wrongPasswordError } from './certificate-errors.ts';
import { NotPrivateKeyInfoError, inspectPrivateKeyInfo } from './private-key-info.ts';
import { SeedPaddingError, seedCbcDecrypt } from './seed-cbc.ts';

export const OID_SEED_CBC_WITH_SHA1 = '1.2.410.200004.1.15';
export const OID_SEED_CBC = '1.2.410.200004.1.4';
export const OID_PBES2 = '1.2.840.113549.1.5.13';
export const OID_PBKDF2 = '1.2.840.113549.1.5.12';

const PBKDF2_PRFS: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

interface BlockCipher {
  keyLength: number;
  decrypt(key: Buffer, iv: Buffer, data: Buffer): Buffer;
}

function nodeCipher(name: string, keyLength: number): BlockCipher {
  return {
    keyLength,
    decrypt(key, iv, data) {
      const decipher = createDecipheriv(name, key, iv);
      return Buffer.concat([decipher.update(data), decipher.final()]);
    },
  };
}

const PBES2_CIPHERS: Record<string, BlockCipher> = {
  [OID_SEED_CBC]: { keyLength: 16, decrypt: (key, iv, data) => seedCbcDecrypt(key, iv, data) },
  '2.16.840.1.101.3.4.1.2': nodeCipher('aes-128-cbc', 16),
  '2.16.840.1.101.3.4.1.22': nodeCipher('aes-192-cbc', 24),
  '2.16.840.1.101.3.4.1.42': nodeCipher('aes-256-cbc', 32),
  '1.2.840.113549.3.7': nodeCipher('des-ede3-cbc', 24),
};

/** dk = SHA1^iter(password ‖ salt); key = dk[0..16); iv = SHA1(dk[16..20))[0..16). */
export function deriveSeedCbcWithSha1(password: Buffer, salt: Buffer, iterations: number): { key: Buffer; iv: Buffer } {
  let dk = createHash('sha1').update(password).update(salt).digest();
  for (let i = 1; i < iterations; i++) dk = createHash('sha1').update(dk).digest();
  return { key: dk.subarray(0, 16), iv: createHash('sha1').update(dk.subarray(16, 20)).digest().subarray(0, 16) };
}

/** Decrypts with a password (UTF-8); throws SeedPaddingError / OpenSSL "bad decrypt" on a wrong one. */
export type PasswordDecryptor = (password: Buffer, data: Buffer) => Buffer;

function seedCbcWithSha1Decryptor(params: DerNode | undefined): PasswordDecryptor {
  const [salt, iter] = readSequence(params);
  const saltBytes = readOctetString(salt);
  const iterations = readSmallInteger(iter);
  return (password, data) => {
    const { key, iv } = deriveSeedCbcWithSha1(password, saltBytes, iterations);
    return seedCbcDecrypt(key, iv, data);
  };
}

function pbes2Decryptor(params: DerNode | undefined, field: string): PasswordDecryptor {
  const [kdf, scheme] = readSequence(params);
  const [kdfOid, kdfParams] = readSequence(kdf);
  if (readOid(kdfOid) !== OID_PBKDF2) throw unsupported(field, `PBES2 KDF ${readOid(kdfOid)}`);
  const [salt, iter, ...rest] = readSequence(kdfParams);
  const saltBytes = readOctetString(salt);
  const iterations = readSmallInteger(iter);
  let keyLength: number | undefined;
  let digest = 'sha1';
  for (const item of rest) {
    if (isUniversal(item, UniversalTag.integer)) {
      keyLength = readSmallInteger(item);
    } else {
      const prfOid = readOid(readSequence(item)[0]);
      const prf = PBKDF2_PRFS[prfOid];
      if (!prf) throw unsupported(field, `PBKDF2 PRF ${prfOid}`);
      digest = prf;
    }
  }
  const [cipherOid, ivNode] = readSequence(scheme);
  const cipherName = readOid(cipherOid);
  const cipher = PBES2_CIPHERS[cipherName];
  if (!cipher) throw unsupported(field, `PBES2 cipher ${cipherName}`);
  const iv = readOctetString(ivNode);
  const length = keyLength ?? cipher.keyLength;
  if (length !== cipher.keyLength) throw unsupported(field, `key length ${length} for ${cipherName}`);
  return (password, data) => cipher.decrypt(pbkdf2Sync(password, saltBytes, iterations, length, digest), iv, data);
}

function unsupported(field: string, what: string): AppError {
  return certificateFileError(field, `지원하지 않는 개인키 암호화 방식입니다: ${what}`, `unsupported private key encryption: ${what}`);
}

/**
 * The decryptor for a password-based-encryption AlgorithmIdentifier, or undefined when the OID is
 * not one of ours (SEED 1.2.410.200004.1.15, PBES2). Malformed parameters throw DerError/AppError.
 */
export function passwordDecryptorFor(algorithm: DerNode | undefined, field: string): PasswordDecryptor | undefined {
  const [oidNode, params] = readSequence(algorithm);
  const oid = readOid(oidNode);
  if (oid === OID_SEED_CBC_WITH_SHA1) return seedCbcWithSha1Decryptor(params);
  if (oid === OID_PBES2) return pbes2Decryptor(params, field);
  return undefined;
}

/** True for the errors a wrong password produces (bad padding, plaintext of the wrong shape). */
export function isWrongPasswordSymptom(err: unknown): boolean {
  if (err instanceof SeedPaddingError || err instanceof NotPrivateKeyInfoError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ERR_OSSL_BAD_DECRYPT' || (err instanceof Error && /bad decrypt/i.test(err.message));
}

/**
 * Decrypt an EncryptedPrivateKeyInfo (DER) to its PrivateKeyInfo DER.
 * @param field the AppError field for a malformed/unsupported file ('signPri', 'pfx', ...)
 */
export function decryptEncryptedPrivateKeyInfo(der: Buffer, password: string, field = 'signPri'): Buffer {
  let decryptor: PasswordDecryptor;
  let encrypted: Buffer;
  try {
    const [algorithm, data] = readSequence(readDer(der));
    encrypted = readOctetString(data);
    const found = passwordDecryptorFor(algorithm, field);
    if (!found) throw unsupported(field, readOid(readSequence(algorithm)[0]));
    decryptor = found;
  } catch (err) {
    if (err instanceof DerError) {
      throw certificateFileError(field, '암호화된 개인키 형식이 아닙니다', 'not a PKCS#8 EncryptedPrivateKeyInfo', err);
    }
    throw err;
  }

  try {
    const plain = decryptor(Buffer.from(password, 'utf8'), encrypted);
    inspectPrivateKeyInfo(plain);
    return plain;
  } catch (err) {
    if (isWrongPasswordSymptom(err)) throw wrongPasswordError(err);
    throw err;
  }
}
