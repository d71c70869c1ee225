/**
 * Self-signed X.509 certificates (sha256WithRSAEncryption), built with a small DER writer and node:crypto:
 *  - the ASP's own WS-Security certificate when none is configured (embedded default, nts/asp-credentials.ts);
 *  - the NTS simulator's encryption certificate (kmCert), and the test PKI's NPKI-style signing certificates
 *    with the VID subjectAltName (otherName 1.2.410.200004.10.1.1, NTS.md §2.4).
 * Production code mints here, never through the simulator's test PKI (simulators/nts/test-pki.ts builds its
 * NPKI key files on top of this file).
 */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { derBitString, derOid, derSequence, encodeDer } from './asn1-der.ts';
import { computeVid, OID_NPKI_IDENTIFY_DATA, OID_NPKI_VID, OID_SUBJECT_ALT_NAME, OID_KEY_USAGE } from './signing-certificate.ts';

// ---------------------------------------------------------------------------------------------
// DER writer helpers (what asn1-der.ts does not have)

/** Non-negative INTEGER from a number or big-endian bytes. */
export function derInteger(value: number | Buffer): Buffer {
  let bytes: Buffer;
  if (typeof value === 'number') {
    const hex = value.toString(16);
    bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  } else {
    bytes = Buffer.from(value);
  }
  while (bytes.length > 1 && bytes[0] === 0 && (bytes[1]! & 0x80) === 0) bytes = bytes.subarray(1);
  if ((bytes[0]! & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return encodeDer(0x02, bytes);
}

export const derNull = (): Buffer => Buffer.from([0x05, 0x00]);
export const derOctetString = (bytes: Buffer): Buffer => encodeDer(0x04, bytes);
export const derUtf8 = (text: string): Buffer => encodeDer(0x0c, Buffer.from(text, 'utf8'));
export const derSet = (...items: Buffer[]): Buffer => encodeDer(0x31, Buffer.concat(items));
export const derBoolean = (value: boolean): Buffer => Buffer.from([0x01, 0x01, value ? 0xff : 0x00]);
/** [n] EXPLICIT (constructed context tag). */
export const derExplicit = (n: number, ...items: Buffer[]): Buffer => encodeDer(0xa0 | n, Buffer.concat(items));

function derTime(at: Date): Buffer {
  const iso = at.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDhhmmss
  const year = at.getUTCFullYear();
  return year >= 1950 && year < 2050 ? encodeDer(0x17, Buffer.from(`${iso.slice(2)}Z`, 'latin1')) : encodeDer(0x18, Buffer.from(`${iso}Z`, 'latin1'));
}

const OID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const OID_SHA256 = '2.16.840.1.101.3.4.2.1';

function derName(parts: { country?: string; organization?: string; organizationalUnit?: string; commonName: string }): Buffer {
  const rdn = (oid: string, value: Buffer) => derSet(derSequence(derOid(oid), value));
  return derSequence(
    ...(parts.country ? [rdn('2.5.4.6', encodeDer(0x13, Buffer.from(parts.country, 'latin1')))] : []),
    ...(parts.organization ? [rdn('2.5.4.10', derUtf8(parts.organization))] : []),
    ...(parts.organizationalUnit ? [rdn('2.5.4.11', derUtf8(parts.organizationalUnit))] : []),
    rdn('2.5.4.3', derUtf8(parts.commonName)),
  );
}

// ---------------------------------------------------------------------------------------------
// Certificates

/** sign: digitalSignature + nonRepudiation; encipher: keyEncipherment; both: digitalSignature + keyEncipherment. */
export type CertificateKeyUsage = 'sign' | 'encipher' | 'both';

export interface CertificateOptions {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  /** Business number for the NPKI VID (with `randomNum`); no VID extension when absent. */
  vidBizno?: string;
  /** R; random 20 bytes when a VID is wanted and none is given. */
  randomNum?: Buffer;
  realName?: string;
  notBefore?: Date;
  notAfter?: Date;
  keyUsage?: CertificateKeyUsage;
  /** An existing key pair (default: a new RSA-2048 pair). */
  keyPair?: { privateKey: KeyObject; publicKey: KeyObject };
  modulusLength?: number;
}

export interface IssuedCertificate {
  certDer: Buffer;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** NPKI R (only with a VID). */
  randomNum: Buffer | undefined;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function npkiVidExtension(realName: string, bizno: string, randomNum: Buffer): Buffer {
  const vid = computeVid(bizno, randomNum, 'sha256');
  const vidInfo = derSequence(derSequence(derOid(OID_SHA256), derNull()), derExplicit(0, derBitString(vid)));
  const identifyData = derSequence(derUtf8(realName), derSequence(derSequence(derOid(OID_NPKI_VID), vidInfo)));
  const otherName = encodeDer(0xa0, Buffer.concat([derOid(OID_NPKI_IDENTIFY_DATA), derExplicit(0, identifyData)]));
  return derSequence(derOid(OID_SUBJECT_ALT_NAME), derOctetString(derSequence(otherName)));
}

/** A self-signed RSA certificate (sha256WithRSA); NPKI-style VID when `vidBizno` is given. */
export function issueSelfSignedCertificate(opts: CertificateOptions): IssuedCertificate {
  const { privateKey, publicKey } = opts.keyPair ?? generateKeyPairSync('rsa', { modulusLength: opts.modulusLength ?? 2048 });
  const notBefore = opts.notBefore ?? new Date(Date.now() - DAY_MS);
  const notAfter = opts.notAfter ?? new Date(Date.now() + 365 * DAY_MS);
  const randomNum = opts.vidBizno ? (opts.randomNum ?? randomBytes(20)) : undefined;
  const usageBits = opts.keyUsage === 'encipher' ? Buffer.from([0x05, 0x20]) : opts.keyUsage === 'both' ? Buffer.from([0x05, 0xa0]) : Buffer.from([0x06, 0xc0]);
  const extensions = [derSequence(derOid(OID_KEY_USAGE), derBoolean(true), derOctetString(encodeDer(0x03, usageBits)))];
  if (opts.vidBizno && randomNum) extensions.push(npkiVidExtension(opts.realName ?? opts.commonName, opts.vidBizno, randomNum));
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  const name = derName({ country: 'KR', commonName: opts.commonName, ...(opts.organization ? { organization: opts.organization } : {}), ...(opts.organizationalUnit ? { organizationalUnit: opts.organizationalUnit } : {}) });
  const algorithm = derSequence(derOid(OID_SHA256_WITH_RSA), derNull());
  const tbs = derSequence(
    derExplicit(0, derInteger(2)),
    derInteger(serial),
    algorithm,
    name,
    derSequence(derTime(notBefore), derTime(notAfter)),
    name,
    publicKey.export({ format: 'der', type: 'spki' }),
    derExplicit(3, derSequence(...extensions)),
  );
  const signature = sign('sha256', tbs, privateKey);
  return { certDer: derSequence(tbs, algorithm, derBitString(signature)), privateKey, publicKey, randomNum };
}
