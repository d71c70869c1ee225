/**
 * A throwaway test PKI for the NTS simulator, tests, benchmarks and demos — never for real use:
 *  - NPKI-style signing certificates (공동인증서 shape) with the VID subjectAltName
 *    (otherName 1.2.410.200004.10.1.1, NTS.md §2.4) for any business number, and their private key as an
 *    NPKI `signPri.key` (SEED 1.2.410.200004.1.15 or PBES2 + seedCBC) or a Korean-style PKCS#12;
 *  - plain certificates for the simulator's NTS encryption key (kmCert).
 * Certificates are minted by modules/signing/self-signed-certificate.ts; this file adds the NPKI key files.
 */
import { createHmac, pbkdf2Sync, randomBytes, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { derBitString, derChildren, derOid, derSequence, encodeDer, readDer } from '../../modules/signing/asn1-der.ts';
import { deriveSeedCbcWithSha1, OID_PBES2, OID_PBKDF2, OID_SEED_CBC, OID_SEED_CBC_WITH_SHA1 } from '../../modules/signing/encrypted-private-key-info.ts';
import { OID_NPKI_RANDOM_NUM } from '../../modules/signing/private-key-info.ts';
import { seedCbcEncrypt } from '../../modules/signing/seed-cbc.ts';
import {
  derExplicit,
  derInteger,
  derNull,
  derOctetString,
  derSet,
  issueSelfSignedCertificate,
  type CertificateKeyUsage,
  type CertificateOptions,
  type IssuedCertificate,
} from '../../modules/signing/self-signed-certificate.ts';

// ---------------------------------------------------------------------------------------------
// Certificates: minted in modules/signing (production mints its ASP certificate there too); the test PKI's names

export type TestKeyUsage = CertificateKeyUsage;
export type TestCertificateOptions = CertificateOptions;
export type TestCertificate = IssuedCertificate;
/** A self-signed RSA certificate (sha256WithRSA); NPKI-style VID when `vidBizno` is given. */
export const issueTestCertificate = issueSelfSignedCertificate;

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
