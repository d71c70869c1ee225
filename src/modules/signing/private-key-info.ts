/**
 * PKCS#8 PrivateKeyInfo (RFC 5208/5958) → Node KeyObject, plus the NPKI `randomNum` attribute
 * (OID 1.2.410.200004.10.1.1.3, the "R value" sent to NTS as SignerRvalue; NTS.md §2.4).
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import {
  DerError,
  UniversalTag,
  derChildren,
  isContext,
  isUniversal,
  readBitString,
  readDer,
  readOctetString,
  readOid,
  readSequence,
  readSmallInteger,
  type DerNode,
} from './asn1-der.ts';

export const OID_NPKI_RANDOM_NUM = '1.2.410.200004.10.1.1.3';

export interface PrivateKeyInfoContents {
  privateKey: KeyObject;
  /** R, when the PKCS#8 attributes carry randomNum. */
  randomNum: Buffer | undefined;
}

/** Thrown when the bytes are not a PrivateKeyInfo at all (after decryption: usually a wrong password). */
export class NotPrivateKeyInfoError extends Error {
  constructor(detail: string) {
    super(`not a PKCS#8 PrivateKeyInfo: ${detail}`);
    this.name = 'NotPrivateKeyInfoError';
  }
}

/** The randomNum value: a BIT STRING per the NPKI profile; an OCTET STRING is tolerated. */
export function readRandomNumValue(value: DerNode): Buffer {
  if (isUniversal(value, UniversalTag.bitString)) return Buffer.from(readBitString(value));
  return Buffer.from(readOctetString(value));
}

/** Find randomNum in a `SET OF Attribute` (the children of the attributes node). */
export function findRandomNum(attributes: DerNode[]): Buffer | undefined {
  for (const attribute of attributes) {
    const [type, values] = readSequence(attribute);
    if (readOid(type) !== OID_NPKI_RANDOM_NUM) continue;
    if (!values || !isUniversal(values, UniversalTag.set)) throw new DerError('randomNum attribute without values');
    const [first] = derChildren(values);
    if (!first) throw new DerError('randomNum attribute is empty');
    return readRandomNumValue(first);
  }
  return undefined;
}

/** Structure check only (no key import): the parsed randomNum, or a NotPrivateKeyInfoError. */
export function inspectPrivateKeyInfo(der: Buffer): { randomNum: Buffer | undefined } {
  try {
    const fields = readSequence(readDer(der));
    const version = readSmallInteger(fields[0]);
    if (version > 1) throw new DerError(`version ${version}`);
    readOid(readSequence(fields[1])[0]);
    readOctetString(fields[2]);
    const attributes = fields.slice(3).find((f) => isContext(f, 0) && f.constructed);
    return { randomNum: attributes ? findRandomNum(derChildren(attributes)) : undefined };
  } catch (err) {
    if (err instanceof DerError) throw new NotPrivateKeyInfoError(err.message);
    throw err;
  }
}

/** Parse a PKCS#8 PrivateKeyInfo DER and import the key. */
export function readPrivateKeyInfo(der: Buffer): PrivateKeyInfoContents {
  const { randomNum } = inspectPrivateKeyInfo(der);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  return { privateKey, randomNum };
}
