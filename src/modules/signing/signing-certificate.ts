/**
 * The signer's X.509 certificate (NPKI signCert.der, or the certificate from a .pfx): identity,
 * validity, key usage, and the NPKI VID (NTS.md §2.4, fixture README) that ties the certificate to
 * a 사업자등록번호 through the private key's random number R.
 */
import { X509Certificate, createHash, type KeyObject } from 'node:crypto';
import { normalizeDigits } from '../shared/korean-ids.ts';
import {
  DerError,
  UniversalTag,
  derBitString,
  derChildren,
  derPrintableString,
  derSequence,
  isContext,
  isUniversal,
  pemOrDer,
  readBitString,
  readDer,
  readOctetString,
  readOid,
  readSequence,
  readText,
  readTime,
  unwrapExplicit,
  type DerNode,
} from './asn1-der.ts';
import { certificateFileError } from './certificate-errors.ts';

export const OID_SUBJECT_ALT_NAME = '2.5.29.17';
export const OID_KEY_USAGE = '2.5.29.15';
/** otherName type of the NPKI identity data in subjectAltName. */
export const OID_NPKI_IDENTIFY_DATA = '1.2.410.200004.10.1.1';
export const OID_NPKI_VID = '1.2.410.200004.10.1.1.1';

/** A certificate expiring within this many days is reported as 'expiring'. */
export const EXPIRING_WITHIN_DAYS = 30;

const HASH_ALGORITHMS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsage = (typeof KEY_USAGE_BITS)[number];

export interface NpkiVid {
  /** The holder's real name as written in the certificate. */
  realName: string;
  /** Node digest name of the VID hash ('sha256', 'sha1', ...). */
  hashAlgorithm: string;
  vid: Buffer;
}

export type ExpiryStatus = 'valid' | 'expiring' | 'expired' | 'not_yet_valid';

export interface SigningCertificate {
  der: Buffer;
  x509: X509Certificate;
  subject: string;
  issuer: string;
  /** Hex, as node:crypto prints it. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 fingerprint, colon-separated hex. */
  fingerprint256: string;
  /** Key usage bits; undefined when the certificate has no keyUsage extension. */
  keyUsage: KeyUsage[] | undefined;
  vid: NpkiVid | undefined;
}

export function parseSigningCertificate(input: Buffer | string): SigningCertificate {
  try {
    const der = pemOrDer(input, ['CERTIFICATE']);
    const x509 = new X509Certificate(der);
    const tbs = readSequence(readSequence(readDer(der))[0]);
    const fields = isContext(tbs[0]!, 0) ? tbs.slice(1) : tbs;
    const [notBefore, notAfter] = readSequence(fields[3]).map(readTime);
    const extensions = readExtensions(fields.slice(6));
    const keyUsageExt = extensions.get(OID_KEY_USAGE);
    const sanExt = extensions.get(OID_SUBJECT_ALT_NAME);
    return {
      der,
      x509,
      subject: x509.subject,
      issuer: x509.issuer,
      serialNumber: x509.serialNumber,
      notBefore: notBefore!,
      notAfter: notAfter!,
      fingerprint256: x509.fingerprint256,
      keyUsage: keyUsageExt ? readKeyUsage(keyUsageExt) : undefined,
      vid: sanExt ? findNpkiVid(sanExt) : undefined,
    };
  } catch (err) {
    throw certificateFileError('signCert', '인증서(signCert.der)를 읽을 수 없습니다', 'cannot read the X.509 certificate', err);
  }
}

/** extnID → extnValue contents, from the optional [3] Extensions of a TBSCertificate. */
function readExtensions(trailing: DerNode[]): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const wrapper = trailing.find((node) => isContext(node, 3));
  if (!wrapper) return out;
  for (const extension of readSequence(unwrapExplicit(wrapper, 3))) {
    const parts = readSequence(extension);
    out.set(readOid(parts[0]), readOctetString(parts[parts.length - 1]));
  }
  return out;
}

function readKeyUsage(extnValue: Buffer): KeyUsage[] {
  const node = readDer(extnValue);
  if (!isUniversal(node, UniversalTag.bitString) || node.content.length === 0) throw new DerError('bad keyUsage');
  const bits = node.content.subarray(1);
  return KEY_USAGE_BITS.filter((_, i) => ((bits[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0);
}

/**
 * subjectAltName otherName 1.2.410.200004.10.1.1:
 *   [0] { SEQ { UTF8String realName, SEQ { SEQ { OID 1.2.410.200004.10.1.1.1, SEQ { hashAlg AlgId OPTIONAL, [0] BIT STRING vid } } } } }
 */
function findNpkiVid(extnValue: Buffer): NpkiVid | undefined {
  for (const generalName of readSequence(readDer(extnValue))) {
    if (!isContext(generalName, 0) || !generalName.constructed) continue; // otherName only
    const [typeId, value] = derChildren(generalName);
    if (readOid(typeId) !== OID_NPKI_IDENTIFY_DATA) continue;
    const [realName, certifiedInfos] = readSequence(unwrapExplicit(value, 0));
    for (const info of readSequence(certifiedInfos)) {
      const [infoType, vidNode] = readSequence(info);
      if (readOid(infoType) !== OID_NPKI_VID) continue;
      return { realName: readText(realName), ...readVid(vidNode) };
    }
  }
  return undefined;
}

function readVid(node: DerNode | undefined): { hashAlgorithm: string; vid: Buffer } {
  let hashAlgorithm = 'sha1'; // hashAlg is OPTIONAL; SHA-1 when absent (pre-2012 certificates)
  let vid: Buffer | undefined;
  for (const part of readSequence(node)) {
    if (isUniversal(part, UniversalTag.sequence)) {
      const oid = readOid(readSequence(part)[0]);
      const name = HASH_ALGORITHMS[oid];
      if (!name) throw new DerError(`unknown VID hash algorithm ${oid}`);
      hashAlgorithm = name;
    } else {
      const inner = isContext(part, 0) && part.constructed ? unwrapExplicit(part, 0) : part;
      vid = isUniversal(inner, UniversalTag.bitString) ? readBitString(inner) : readOctetString(inner);
    }
  }
  if (!vid) throw new DerError('VID without a value');
  return { hashAlgorithm, vid: Buffer.from(vid) };
}

/** VID = H(H(DER(SEQ { PrintableString idn, BIT STRING R }))). */
export function computeVid(idn: string, randomNum: Buffer, hashAlgorithm: string): Buffer {
  const identity = derSequence(derPrintableString(idn), derBitString(randomNum));
  const once = createHash(hashAlgorithm).update(identity).digest();
  return createHash(hashAlgorithm).update(once).digest();
}

/**
 * True when the certificate's VID belongs to `idn` (사업자등록번호, or 주민등록번호 for a person)
 * given the private key's R. False when the certificate carries no VID.
 */
export function verifyVid(cert: SigningCertificate, idn: string, randomNum: Buffer): boolean {
  if (!cert.vid) return false;
  const digits = normalizeDigits(idn);
  if (!/^\d+$/.test(digits)) return false;
  return computeVid(digits, randomNum, cert.vid.hashAlgorithm).equals(cert.vid.vid);
}

export function privateKeyMatchesCertificate(cert: SigningCertificate, privateKey: KeyObject): boolean {
  return cert.x509.checkPrivateKey(privateKey);
}

export function assertPrivateKeyMatchesCertificate(cert: SigningCertificate, privateKey: KeyObject): void {
  if (!privateKeyMatchesCertificate(cert, privateKey)) {
    throw certificateFileError(
      'signPri',
      '개인키(signPri.key)가 인증서(signCert.der)와 짝이 맞지 않습니다',
      'the private key does not belong to the certificate',
    );
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function expiryStatus(cert: Pick<SigningCertificate, 'notBefore' | 'notAfter'>, now: Date = new Date()): ExpiryStatus {
  const t = now.getTime();
  if (t < cert.notBefore.getTime()) return 'not_yet_valid';
  if (t > cert.notAfter.getTime()) return 'expired';
  if (cert.notAfter.getTime() - t <= EXPIRING_WITHIN_DAYS * DAY_MS) return 'expiring';
  return 'valid';
}
