/**
 * Load a PKCS#12 (.p12/.pfx, "인증서 내보내기") file: the signing private key, its certificate and,
 * when present, the NPKI randomNum R (key-bag attribute or PKCS#8 attribute).
 *
 * node-forge does the BER parsing, the PKCS#12 MAC key derivation and the legacy PKCS#12 PBE
 * ciphers (3DES/RC2). Key bags encrypted with PBES2 or SEED go through our own decryptor, which
 * also keeps the PKCS#8 attributes (forge drops them) and knows SEED (forge does not).
 */
import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { AppError } from '../../platform/errors.ts';
import { readDer } from './asn1-der.ts';
import { certificateFileError, wrongPasswordError } from './certificate-errors.ts';
import { decryptEncryptedPrivateKeyInfo, isWrongPasswordSymptom, passwordDecryptorFor } from './encrypted-private-key-info.ts';
import { OID_NPKI_RANDOM_NUM, readPrivateKeyInfo, readRandomNumValue } from './private-key-info.ts';
import { parseSigningCertificate, privateKeyMatchesCertificate, type SigningCertificate } from './signing-certificate.ts';

export interface Pkcs12Contents {
  privateKey: KeyObject;
  certificateDer: Buffer;
  /** R, if the key bag or its PKCS#8 carries the randomNum attribute. */
  randomNum: Buffer | undefined;
  /** Any other certificates in the file (CA chain, key-management certificate). */
  otherCertificatesDer: Buffer[];
}

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  pkcs12PbePrefix: '1.2.840.113549.1.12.1.',
} as const;

const MAC_DIGESTS: Record<string, { node: string; forge: () => forge.md.MessageDigest; length: number }> = {
  '1.3.14.3.2.26': { node: 'sha1', forge: () => forge.md.sha1.create(), length: 20 },
  '2.16.840.1.101.3.4.2.1': { node: 'sha256', forge: () => forge.md.sha256.create(), length: 32 },
  '2.16.840.1.101.3.4.2.2': { node: 'sha384', forge: () => forge.md.sha384.create(), length: 48 },
  '2.16.840.1.101.3.4.2.3': { node: 'sha512', forge: () => forge.md.sha512.create(), length: 64 },
};

type Asn1 = forge.asn1.Asn1;

/** forge's PBE cipher factory (present at runtime, missing from @types/node-forge). */
interface ForgePbe {
  getCipher(oid: string, params: Asn1, password: string): { update(data: forge.util.ByteBuffer): void; finish(): boolean; output: forge.util.ByteBuffer };
}
const forgePbe = (forge.pki as unknown as { pbe: ForgePbe }).pbe;

class PfxFormatError extends Error {}

function fail(detail: string): never {
  throw new PfxFormatError(detail);
}

const bytesOf = (node: Asn1 | undefined): string => {
  if (!node) fail('missing value');
  if (typeof node.value === 'string') return node.value;
  // BER constructed OCTET STRING: concatenate the chunks.
  return node.value.map((chunk) => bytesOf(chunk)).join('');
};
const childrenOf = (node: Asn1 | undefined): Asn1[] => {
  if (!node || !Array.isArray(node.value)) fail('expected a constructed value');
  return node.value;
};
const oidOf = (node: Asn1 | undefined): string => {
  if (!node || node.tagClass !== forge.asn1.Class.UNIVERSAL || node.type !== forge.asn1.Type.OID || typeof node.value !== 'string') {
    fail('expected an OID');
  }
  return forge.asn1.derToOid(node.value);
};
const toBuffer = (binary: string): Buffer => Buffer.from(binary, 'binary');
const toDerBuffer = (node: Asn1): Buffer => toBuffer(forge.asn1.toDer(node).getBytes());

interface KeyCandidate {
  pkcs8: Buffer;
  bagRandomNum: Buffer | undefined;
}

interface Collected {
  keys: KeyCandidate[];
  certificates: Buffer[];
}

export function loadPkcs12(file: Buffer, password: string): Pkcs12Contents {
  let collected: Collected;
  try {
    collected = readPfx(file, password);
  } catch (err) {
    if (err instanceof AppError) throw err;
    // forge and our DER reader throw plain Errors on malformed input
    const detail = err instanceof Error ? err.message : String(err);
    throw certificateFileError('pfx', 'PKCS#12(.pfx/.p12) 파일을 읽을 수 없습니다', `cannot read the PKCS#12 file: ${detail}`, err);
  }
  return pickSigningPair(collected);
}

function readPfx(file: Buffer, password: string): Collected {
  const pfx = forge.asn1.fromDer(file.toString('binary'), false);
  const [version, authSafe, macData] = childrenOf(pfx);
  if (!version || forge.asn1.derToInteger(bytesOf(version)) !== 3) fail('not a PFX version 3');
  const [contentType, content] = childrenOf(authSafe);
  if (oidOf(contentType) !== OID.data) fail('only password-integrity PFX files are supported');
  const authSafeBytes = bytesOf(childrenOf(content)[0]);
  if (macData) verifyMac(macData, authSafeBytes, password);

  const collected: Collected = { keys: [], certificates: [] };
  for (const contentInfo of childrenOf(forge.asn1.fromDer(authSafeBytes, false))) {
    const [type, wrapped] = childrenOf(contentInfo);
    const typeOid = oidOf(type);
    const inner = childrenOf(wrapped)[0];
    if (typeOid === OID.data) {
      readSafeContents(bytesOf(inner), password, collected);
    } else if (typeOid === OID.encryptedData) {
      readSafeContents(decryptEncryptedData(inner, password), password, collected);
    } else {
      fail(`unsupported content type ${typeOid} (public-key privacy mode?)`);
    }
  }
  return collected;
}

function verifyMac(macData: Asn1, authSafeBytes: string, password: string): void {
  const [digestInfo, salt, iterationsNode] = childrenOf(macData);
  const [algorithm, expected] = childrenOf(digestInfo);
  const algorithmOid = oidOf(childrenOf(algorithm)[0]);
  const digest = MAC_DIGESTS[algorithmOid];
  if (!digest) fail(`unsupported MAC algorithm ${algorithmOid}`);
  const iterations = iterationsNode ? forge.asn1.derToInteger(bytesOf(iterationsNode)) : 1;
  const key = forge.pkcs12.generateKey(password, forge.util.createBuffer(bytesOf(salt)), 3, iterations, digest.length, digest.forge());
  const mac = createHmac(digest.node, toBuffer(key.getBytes())).update(toBuffer(authSafeBytes)).digest();
  const expectedMac = toBuffer(bytesOf(expected));
  if (mac.length !== expectedMac.length || !timingSafeEqual(mac, expectedMac)) throw wrongPasswordError();
}

/** EncryptedData ::= SEQ { version, EncryptedContentInfo SEQ { contentType, algorithm, [0] IMPLICIT content } } */
function decryptEncryptedData(encryptedData: Asn1 | undefined, password: string): string {
  const [, encryptedContentInfo] = childrenOf(encryptedData);
  const [, algorithm, encryptedContent] = childrenOf(encryptedContentInfo);
  if (!algorithm || !encryptedContent) fail('truncated EncryptedContentInfo');
  return decryptWithAlgorithm(algorithm, bytesOf(encryptedContent), password);
}

function decryptWithAlgorithm(algorithm: Asn1, encrypted: string, password: string): string {
  const ours = passwordDecryptorFor(readDer(toDerBuffer(algorithm)), 'pfx');
  try {
    if (ours) return ours(Buffer.from(password, 'utf8'), toBuffer(encrypted)).toString('binary');
    const algorithmOid = oidOf(childrenOf(algorithm)[0]);
    if (!algorithmOid.startsWith(OID.pkcs12PbePrefix)) fail(`unsupported encryption ${algorithmOid}`);
    const cipher = forgePbe.getCipher(algorithmOid, childrenOf(algorithm)[1]!, password);
    cipher.update(forge.util.createBuffer(encrypted));
    if (!cipher.finish()) throw wrongPasswordError();
    return cipher.output.getBytes();
  } catch (err) {
    if (isWrongPasswordSymptom(err)) throw wrongPasswordError(err);
    throw err;
  }
}

function readSafeContents(der: string, password: string, collected: Collected): void {
  for (const bag of childrenOf(forge.asn1.fromDer(der, false))) {
    const [bagId, wrappedValue, attributes] = childrenOf(bag);
    const type = oidOf(bagId);
    const value = childrenOf(wrappedValue)[0];
    if (!value) fail('empty SafeBag');
    switch (type) {
      case OID.keyBag:
        collected.keys.push({ pkcs8: toDerBuffer(value), bagRandomNum: bagRandomNum(attributes) });
        break;
      case OID.shroudedKeyBag:
        collected.keys.push({ pkcs8: decryptShroudedKey(value, password), bagRandomNum: bagRandomNum(attributes) });
        break;
      case OID.certBag: {
        const [certId, certValue] = childrenOf(value);
        if (oidOf(certId) === OID.x509Certificate) collected.certificates.push(toBuffer(bytesOf(childrenOf(certValue)[0])));
        break;
      }
      case OID.safeContentsBag:
        readSafeContents(forge.asn1.toDer(value).getBytes(), password, collected);
        break;
      default:
        break; // CRL and secret bags are of no use for signing
    }
  }
}

function decryptShroudedKey(encryptedPrivateKeyInfo: Asn1, password: string): Buffer {
  const der = toDerBuffer(encryptedPrivateKeyInfo);
  const [algorithm, data] = childrenOf(encryptedPrivateKeyInfo);
  if (!algorithm || !data) fail('truncated EncryptedPrivateKeyInfo');
  if (passwordDecryptorFor(readDer(toDerBuffer(algorithm)), 'pfx')) return decryptEncryptedPrivateKeyInfo(der, password, 'pfx');
  return toBuffer(decryptWithAlgorithm(algorithm, bytesOf(data), password));
}

function bagRandomNum(attributes: Asn1 | undefined): Buffer | undefined {
  if (!attributes) return undefined;
  for (const attribute of childrenOf(attributes)) {
    const [type, values] = childrenOf(attribute);
    if (oidOf(type) !== OID_NPKI_RANDOM_NUM) continue;
    const first = childrenOf(values)[0];
    if (first) return readRandomNumValue(readDer(toDerBuffer(first)));
  }
  return undefined;
}

function pickSigningPair({ keys, certificates }: Collected): Pkcs12Contents {
  if (keys.length === 0) throw certificateFileError('pfx', 'PKCS#12 파일에 개인키가 없습니다', 'the PKCS#12 file holds no private key');
  const parsedCertificates = certificates.map((der) => parseSigningCertificate(der));
  const pairs: { privateKey: KeyObject; randomNum: Buffer | undefined; cert: SigningCertificate }[] = [];
  for (const key of keys) {
    let parsed: ReturnType<typeof readPrivateKeyInfo>;
    try {
      parsed = readPrivateKeyInfo(key.pkcs8);
    } catch (err) {
      throw certificateFileError('pfx', 'PKCS#12 파일의 개인키를 읽을 수 없습니다', 'the private key in the PKCS#12 file cannot be read', err);
    }
    for (const cert of parsedCertificates) {
      if (privateKeyMatchesCertificate(cert, parsed.privateKey)) {
        pairs.push({ privateKey: parsed.privateKey, randomNum: key.bagRandomNum ?? parsed.randomNum, cert });
      }
    }
  }
  if (pairs.length === 0) {
    throw certificateFileError('pfx', 'PKCS#12 파일에 개인키와 짝이 맞는 인증서가 없습니다', 'no certificate in the PKCS#12 file matches its private key');
  }
  // Several pairs (e.g. sign + key-management): prefer the one whose certificate may sign.
  const signing = pairs.find((p) => p.cert.keyUsage?.some((u) => u === 'digitalSignature' || u === 'nonRepudiation')) ?? pairs[0]!;
  return {
    privateKey: signing.privateKey,
    certificateDer: signing.cert.der,
    randomNum: signing.randomNum,
    otherCertificatesDer: certificates.filter((c) => c !== signing.cert.der),
  };
}
