/**
 * The ASN.1 package of signed invoices sent to the NTS (NTS.md §4.3; ruseel kr-etax-sample
 * `nts/asn1/TaxInvoicePackage.java`, `TaxInvoiceData.java`):
 *
 *   TaxInvoicePackage ::= SEQUENCE { count INTEGER, taxInvoiceSet SET SIZE (1..100) OF TaxInvoiceData }
 *   TaxInvoiceData    ::= SEQUENCE { signerRvalue OCTET STRING, taxInvoice OCTET STRING -- UTF-8 signed XML }
 *
 * Encoded as DER (the SET OF sorted by encoding, as BouncyCastle's DERSet does); the reader accepts any order.
 */
import { derSequence, encodeDer, readDer, readOctetString, readSequence, derChildren, isUniversal, UniversalTag, readSmallInteger } from '../../signing/asn1-der.ts';

export const MAX_PACKAGE_INVOICES = 100;

export interface PackagedInvoice {
  /** NPKI R of the signer's private key (SignerRvalue). */
  rValue: Buffer;
  /** The signed standard XML, UTF-8. */
  signedXml: Buffer;
}

export class PackageFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackageFormatError';
  }
}

function derIntegerSmall(n: number): Buffer {
  const hex = n.toString(16);
  let bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  if ((bytes[0]! & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return encodeDer(0x02, bytes);
}

export function encodeTaxInvoicePackage(invoices: readonly PackagedInvoice[]): Buffer {
  if (invoices.length < 1 || invoices.length > MAX_PACKAGE_INVOICES) throw new RangeError(`a package holds 1..${MAX_PACKAGE_INVOICES} invoices, got ${invoices.length}`);
  const items = invoices.map((i) => derSequence(encodeDer(0x04, i.rValue), encodeDer(0x04, i.signedXml)));
  items.sort(Buffer.compare);
  return derSequence(derIntegerSmall(invoices.length), encodeDer(0x31, Buffer.concat(items)));
}

export function decodeTaxInvoicePackage(der: Buffer): PackagedInvoice[] {
  try {
    const [count, set] = readSequence(readDer(der));
    const n = readSmallInteger(count);
    if (!set || !isUniversal(set, UniversalTag.set)) throw new PackageFormatError('taxInvoiceSet is not a SET');
    const invoices = derChildren(set).map((item) => {
      const [r, xml] = readSequence(item);
      return { rValue: Buffer.from(readOctetString(r)), signedXml: Buffer.from(readOctetString(xml)) };
    });
    if (invoices.length !== n) throw new PackageFormatError(`count ${n} does not match the ${invoices.length} invoices in the set`);
    if (n < 1 || n > MAX_PACKAGE_INVOICES) throw new PackageFormatError(`a package holds 1..${MAX_PACKAGE_INVOICES} invoices, got ${n}`);
    return invoices;
  } catch (err) {
    if (err instanceof PackageFormatError) throw err;
    throw new PackageFormatError(`not a TaxInvoicePackage: ${(err as Error).message}`);
  }
}
