/**
 * Load an NPKI `signPri.key` (PKCS#8 EncryptedPrivateKeyInfo, DER or PEM) with its password.
 * Supported encryptions: see encrypted-private-key-info.ts (SEED 1.2.410.200004.1.15 and PBES2).
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { DerError, pemOrDer } from './asn1-der.ts';
import { certificateFileError } from './certificate-errors.ts';
import { decryptEncryptedPrivateKeyInfo } from './encrypted-private-key-info.ts';
import { inspectPrivateKeyInfo } from './private-key-info.ts';

export interface NpkiPrivateKey {
  privateKey: KeyObject;
  /** R (randomNum attribute 1.2.410.200004.10.1.1.3), sent to NTS as SignerRvalue and used for the VID check. */
  randomNum: Buffer;
}

export function loadNpkiPrivateKey(file: Buffer | string, password: string): NpkiPrivateKey {
  let der: Buffer;
  try {
    der = pemOrDer(file, ['ENCRYPTED PRIVATE KEY']);
  } catch (err) {
    if (err instanceof DerError) {
      throw certificateFileError('signPri', '개인키 파일(signPri.key) 형식이 아닙니다', 'not an NPKI signPri.key file', err);
    }
    throw err;
  }
  const pkcs8 = decryptEncryptedPrivateKeyInfo(der, password, 'signPri');
  const { randomNum } = inspectPrivateKeyInfo(pkcs8);
  if (!randomNum || randomNum.length === 0) {
    throw certificateFileError(
      'signPri',
      '개인키에 R값(randomNum)이 없습니다. 공동인증서 개인키(signPri.key)인지 확인하세요',
      'the private key has no randomNum (R) attribute; is this an NPKI signPri.key?',
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw certificateFileError('signPri', '개인키를 읽을 수 없습니다', 'the decrypted private key cannot be imported', err);
  }
  return { privateKey, randomNum };
}
