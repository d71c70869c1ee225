/**
 * CMS EnvelopedData for the NTS (NTS.md §4.3; OpenETaxBill `encrypt/CmsManager.cs`):
 *
 *   ContentInfo { envelopedData 1.2.840.113549.1.7.3, [0] EnvelopedData {
 *     version 0,
 *     recipientInfos SET { KeyTransRecipientInfo { version 0, IssuerAndSerialNumber(NTS kmCert),
 *                          rsaEncryption 1.2.840.113549.1.1.1 (PKCS#1 v1.5), encryptedKey } },
 *     encryptedContentInfo { data 1.2.840.113549.1.7.1, des-ede3-cbc 1.2.840.113549.3.7 {IV},
 *                            [0] IMPLICIT encryptedContent } } }
 *
 * Written as DER with node:crypto (3DES-CBC and RSA PKCS#1 v1.5 public encryption are in Node 20's default
 * provider). Reading (the simulator's side): DER is parsed here and decrypted natively — RSA with NO_PADDING and
 * the PKCS#1 v1.5 type-2 unwrap done by hand, since Node 20 refuses PKCS#1 v1.5 private decryption
 * (CVE-2023-46809; NTS.md §2.5); BER (indefinite lengths, as Java/.NET CMS generators may emit) goes through
 * node-forge, which is slower but reads anything.
 */
import { X509Certificate, constants, createCipheriv, createDecipheriv, privateDecrypt, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { DerError, derChildren, derOid, derSequence, encodeDer, isContext, isUniversal, readDer, readOctetString, readOid, readSequence, UniversalTag, unwrapExplicit } from '../../signing/asn1-der.ts';

export const OID_ENVELOPED_DATA = '1.2.840.113549.1.7.3';
export const OID_DATA = '1.2.840.113549.1.7.1';
export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const OID_DES_EDE3_CBC = '1.2.840.113549.3.7';


const DER_NULL = Buffer.from([0x05, 0x00]);
const DER_INTEGER_0 = Buffer.from([0x02, 0x01, 0x00]);

/** issuer Name and serialNumber INTEGER of a certificate, as raw DER (for IssuerAndSerialNumber). */
function issuerAndSerial(certDer: Buffer): Buffer {
  const tbs = readSequence(readSequence(readDer(certDer))[0]);
  const fields = isContext(tbs[0]!, 0) ? tbs.slice(1) : tbs;
  return derSequence(fields[2]!.raw, fields[0]!.raw);
}

/** Encrypt `content` for the holder of `recipientCertDer` (the NTS kmCert). */
export function encryptEnvelopedData(content: Buffer, recipientCertDer: Buffer): Buffer {
  const cert = new X509Certificate(recipientCertDer);
  if (cert.publicKey.asymmetricKeyType !== 'rsa') throw new Error('the NTS encryption certificate must hold an RSA key');
  const key = randomBytes(24);
  const iv = randomBytes(8);
  const cipher = createCipheriv('des-ede3-cbc', key, iv);
  const encryptedContent = Buffer.concat([cipher.update(content), cipher.final()]);
  const encryptedKey = publicEncrypt({ key: cert.publicKey, padding: constants.RSA_PKCS1_PADDING }, key);
  key.fill(0);
  const recipientInfo = derSequence(DER_INTEGER_0, issuerAndSerial(recipientCertDer), derSequence(derOid(OID_RSA_ENCRYPTION), DER_NULL), encodeDer(0x04, encryptedKey));
  const encryptedContentInfo = derSequence(derOid(OID_DATA), derSequence(derOid(OID_DES_EDE3_CBC), encodeDer(0x04, iv)), encodeDer(0x80, encryptedContent));
  const envelopedData = derSequence(DER_INTEGER_0, encodeDer(0x31, recipientInfo), encryptedContentInfo);
  return derSequence(derOid(OID_ENVELOPED_DATA), encodeDer(0xa0, envelopedData));
}

export class EnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

/** The recipient's view: decrypt an EnvelopedData addressed to `certDer` with its private key. */
export function decryptEnvelopedData(cms: Buffer, privateKey: KeyObject, certDer: Buffer): Buffer {
  try {
    return decryptDerEnvelopedData(cms, privateKey, certDer);
  } catch (err) {
    if (err instanceof DerError) return decryptEnvelopedDataWithForge(cms, privateKey, certDer);
    throw err;
  }
}

/** PKCS#1 v1.5 type 2: 0x00 0x02 PS (≥ 8 non-zero octets) 0x00 M. */
function unpadPkcs1Type2(block: Buffer): Buffer {
  if (block[0] !== 0x00 || block[1] !== 0x02) throw new EnvelopeError('cannot decrypt the content key (wrong key)');
  const sep = block.indexOf(0x00, 2);
  if (sep < 10) throw new EnvelopeError('cannot decrypt the content key (wrong key)');
  return block.subarray(sep + 1);
}

/** DER only (throws DerError on anything else, e.g. BER indefinite lengths). */
export function decryptDerEnvelopedData(cms: Buffer, privateKey: KeyObject, certDer: Buffer): Buffer {
  const [type, content] = readSequence(readDer(cms));
  if (readOid(type) !== OID_ENVELOPED_DATA) throw new EnvelopeError('the CMS content is not EnvelopedData');
  const [, recipientInfos, encryptedContentInfo] = readSequence(unwrapExplicit(content, 0));
  if (!recipientInfos || !isUniversal(recipientInfos, UniversalTag.set)) throw new DerError('recipientInfos');
  const wanted = issuerAndSerial(certDer);
  let encryptedKey: Buffer | undefined;
  for (const ri of derChildren(recipientInfos)) {
    if (!isUniversal(ri, UniversalTag.sequence)) continue; // not a KeyTransRecipientInfo
    const [, rid, algorithm, key] = readSequence(ri);
    if (!rid || !rid.raw.equals(wanted)) continue;
    if (readOid(readSequence(algorithm)[0]) !== OID_RSA_ENCRYPTION) throw new EnvelopeError('unsupported key transport algorithm');
    encryptedKey = readOctetString(key);
  }
  if (!encryptedKey) throw new EnvelopeError('the package is not encrypted for this certificate (no matching recipient)');
  let contentKey: Buffer;
  try {
    contentKey = unpadPkcs1Type2(privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, encryptedKey));
  } catch (err) {
    if (err instanceof EnvelopeError) throw err;
    throw new EnvelopeError(`cannot decrypt the content key: ${(err as Error).message}`);
  }
  const [, cipherAlgorithm, encrypted] = readSequence(encryptedContentInfo);
  const [cipherOid, ivNode] = readSequence(cipherAlgorithm);
  if (readOid(cipherOid) !== OID_DES_EDE3_CBC) throw new EnvelopeError(`unsupported content cipher ${readOid(cipherOid)}`);
  if (contentKey.length !== 24) throw new EnvelopeError('cannot decrypt the content key (wrong key)');
  if (!encrypted || !isContext(encrypted, 0)) throw new DerError('encryptedContent');
  const data = encrypted.constructed ? Buffer.concat(derChildren(encrypted).map((c) => readOctetString(c))) : encrypted.content;
  try {
    const decipher = createDecipheriv('des-ede3-cbc', contentKey, readOctetString(ivNode));
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch (err) {
    throw new EnvelopeError(`cannot decrypt the package: ${(err as Error).message}`);
  }
}

/** Any BER, through node-forge (pure JS: slower). */
export function decryptEnvelopedDataWithForge(cms: Buffer, privateKey: KeyObject, certDer: Buffer): Buffer {
  let message: forge.pkcs7.PkcsEnvelopedData;
  try {
    const asn1 = forge.asn1.fromDer(cms.toString('binary'), { strict: false, parseAllBytes: true } as unknown as boolean);
    message = forge.pkcs7.messageFromAsn1(asn1) as forge.pkcs7.PkcsEnvelopedData;
  } catch (err) {
    throw new EnvelopeError(`not a CMS EnvelopedData: ${(err as Error).message}`);
  }
  if (typeof (message as { findRecipient?: unknown }).findRecipient !== 'function') throw new EnvelopeError('the CMS content is not EnvelopedData');
  const forgeCert = forge.pki.certificateFromAsn1(forge.asn1.fromDer(certDer.toString('binary')));
  const recipient = message.findRecipient(forgeCert);
  if (!recipient) throw new EnvelopeError('the package is not encrypted for this certificate (no matching recipient)');
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  try {
    message.decrypt(recipient, forgeKey);
  } catch (err) {
    throw new EnvelopeError(`cannot decrypt the package: ${(err as Error).message}`);
  }
  const content = (message as unknown as { content?: forge.util.ByteStringBuffer }).content;
  if (!content) throw new EnvelopeError('cannot decrypt the package (wrong key or corrupted content)');
  return Buffer.from(content.getBytes(), 'binary');
}
