/**
 * A throwaway test PKI for the NTS simulator, tests, benchmarks and demos — never for real use:
 *  - NPKI-style signing certificates (공동인증서 shape) with the VID subjectAltName
 *    (otherName 1.2.410.200004.10.1.1, NTS.md §2.4) for any business number, and their private key as an
 *    NPKI `signPri.key` (SEED 1.2.410.200004.1.15 or PBES2 + seedCBC) or a Korean-style PKCS#12;
 *  - plain certificates for the simulator's NTS encryption key (kmCert) and the ASP's WS-Security key.
 * Certificates are built with a small DER writer and signed with node:crypto (sha256WithRSAEncryption).
 */
import { createHmac, generateKeyPairSync, pbkdf2Sync, randomBytes, sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { derBitString, derChildren, derOid, derSequence, encodeDer, readDer } from '../../modules/signing/asn1-der.ts';
import { deriveSeedCbcWithSha1, OID_PBES2, OID_PBKDF2, OID_SEED_CBC, OID_SEED_CBC_WITH_SHA1 } from '../../modules/signing/encrypted-private-key-info.ts';
import { OID_NPKI_RANDOM_NUM } from '../../modules/signing/private-key-info.ts';
import { computeVid, OID_NPKI_IDENTIFY_DATA, OID_NPKI_VID, OID_SUBJECT_ALT_NAME, OID_KEY_USAGE } from '../../modules/signing/signing-certificate.ts';
import { seedCbcEncrypt } from '../../modules/signing/seed-cbc.ts';

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
export type TestKeyUsage = 'sign' | 'encipher' | 'both';

export interface TestCertificateOptions {
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
  keyUsage?: TestKeyUsage;
  /** An existing key pair (default: a new RSA-2048 pair). */
  keyPair?: { privateKey: KeyObject; publicKey: KeyObject };
  modulusLength?: number;
}

export interface TestCertificate {
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
export function issueTestCertificate(opts: TestCertificateOptions): TestCertificate {
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

// ---------------------------------------------------------------------------------------------
// NPKI private key files

/** PKCS#8 PrivateKeyInfo of `key` with the NPKI randomNum attribute (as in a real signPri.key). */
export function privateKeyInfoWithRandomNum(key: KeyObject, randomNum: Buffer): Buffer {
  const plain = key.export({ format: 'der', type: 'pkcs8' });
  const fields = derChildren(readDer(plain)).map((n) => n.raw);
  const attribute = derSequence(derOid(OID_NPKI_RANDOM_NUM), derSet(derBitString(randomNum)));
  return derSequence(...fields, encodeDer(0xa0, attribute));
}

export type NpkiKeyEncryption = 'seed-sha1' | 'pbes2-seed';

/** An NPKI `signPri.key` (EncryptedPrivateKeyInfo DER) holding `privateKeyInfo`. */
export function encryptNpkiPrivateKey(privateKeyInfo: Buffer, password: string, encryption: NpkiKeyEncryption = 'seed-sha1', iterations = 2048): Buffer {
  const salt = randomBytes(8);
  const pw = Buffer.from(password, 'utf8');
  if (encryption === 'seed-sha1') {
    const { key, iv } = deriveSeedCbcWithSha1(pw, salt, iterations);
    const algorithm = derSequence(derOid(OID_SEED_CBC_WITH_SHA1), derSequence(derOctetString(salt), derInteger(iterations)));
    return derSequence(algorithm, derOctetString(seedCbcEncrypt(key, iv, privateKeyInfo)));
  }
  const iv = randomBytes(16);
  const key = pbkdf2Sync(pw, salt, iterations, 16, 'sha1');
  const algorithm = derSequence(
    derOid(OID_PBES2),
    derSequence(
      derSequence(derOid(OID_PBKDF2), derSequence(derOctetString(salt), derInteger(iterations), derInteger(16))),
      derSequence(derOid(OID_SEED_CBC), derOctetString(iv)),
    ),
  );
  return derSequence(algorithm, derOctetString(seedCbcEncrypt(key, iv, privateKeyInfo)));
}

/**
 * A Korean-style PKCS#12 export: the SEED-encrypted signPri.key as the shrouded key bag (so R travels in
 * its PKCS#8 attributes) plus the certificate, with an HMAC-SHA1 MAC.
 */
export function buildNpkiPfx(certDer: Buffer, signPriKey: Buffer, password: string): Buffer {
  const bag = (oid: string, value: Buffer) => derSequence(derOid(oid), derExplicit(0, value));
  const keyBag = bag('1.2.840.113549.1.12.10.1.2', signPriKey);
  const certBag = bag('1.2.840.113549.1.12.10.1.3', derSequence(derOid('1.2.840.113549.1.9.22.1'), derExplicit(0, derOctetString(certDer))));
  const safeContents = derSequence(keyBag, certBag);
  const authSafe = derSequence(derSequence(derOid('1.2.840.113549.1.7.1'), derExplicit(0, derOctetString(safeContents))));
  const salt = randomBytes(8);
  const iterations = 2048;
  const macKey = forge.pkcs12.generateKey(password, forge.util.createBuffer(salt.toString('binary')), 3, iterations, 20, forge.md.sha1.create());
  const mac = createHmac('sha1', Buffer.from(macKey.getBytes(), 'binary')).update(authSafe).digest();
  const macData = derSequence(derSequence(derSequence(derOid('1.3.14.3.2.26'), derNull()), derOctetString(mac)), derOctetString(salt), derInteger(iterations));
  return derSequence(derInteger(3), derSequence(derOid('1.2.840.113549.1.7.1'), derExplicit(0, derOctetString(authSafe))), macData);
}

export interface TestNpkiIdentity {
  bizno: string;
  cert: TestCertificate;
  /** signCert.der */
  signCert: Buffer;
  /** signPri.key (SEED 1.2.410.200004.1.15) */
  signPri: Buffer;
  /** signPri.key (PBES2 + seedCBC) */
  signPriPbes2: Buffer;
  /** Korean-style .pfx */
  pfx: Buffer;
  password: string;
  randomNum: Buffer;
}

/** A complete NPKI-style identity (certificate with VID + key files) for a business number. */
export function makeTestNpkiIdentity(bizno: string, opts: Omit<TestCertificateOptions, 'vidBizno' | 'commonName'> & { password?: string; commonName?: string } = {}): TestNpkiIdentity {
  const password = opts.password ?? 'Test1234!';
  const cert = issueTestCertificate({ ...opts, commonName: opts.commonName ?? `TEST Invoicer ${bizno}`, organization: 'Hanbill TEST PKI', vidBizno: bizno });
  const randomNum = cert.randomNum!;
  const pkcs8 = privateKeyInfoWithRandomNum(cert.privateKey, randomNum);
  const signPri = encryptNpkiPrivateKey(pkcs8, password, 'seed-sha1');
  return {
    bizno,
    cert,
    signCert: cert.certDer,
    signPri,
    signPriPbes2: encryptNpkiPrivateKey(pkcs8, password, 'pbes2-seed'),
    pfx: buildNpkiPfx(cert.certDer, signPri, password),
    password,
    randomNum,
  };
}
