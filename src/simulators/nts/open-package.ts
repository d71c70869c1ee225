/**
 * The simulator opening a submission's attachment: decrypt the CMS EnvelopedData with the NTS key (3DES: the
 * costliest step of a submission after the checks) and decode the TaxInvoicePackage. Plain data in and out, so
 * that it runs on the check worker thread (invoice-check-pool.ts); a package that cannot be opened is answered,
 * not thrown, saying whether the envelope or the package format is at fault.
 */
import type { KeyObject } from 'node:crypto';
import { decryptEnvelopedData, EnvelopeError } from '../../modules/nts/transport/cms-envelope.ts';
import { decodeTaxInvoicePackage, PackageFormatError } from '../../modules/nts/transport/tax-invoice-package.ts';
import { bufferView } from '../../platform/worker-threads.ts';

export interface OpenRequest {
  cms: Uint8Array;
  privateKey: KeyObject;
  certDer: Uint8Array;
}

export type OpenedPackage = { invoices: { rValue: Uint8Array; signedXml: Uint8Array }[] } | { refused: 'envelope' | 'format'; message: string };

export function openPackage(req: OpenRequest): OpenedPackage {
  try {
    const invoices = decodeTaxInvoicePackage(decryptEnvelopedData(bufferView(req.cms), req.privateKey, bufferView(req.certDer)));
    return { invoices: invoices.map((i) => ({ rValue: new Uint8Array(i.rValue), signedXml: new Uint8Array(i.signedXml) })) };
  } catch (err) {
    if (err instanceof EnvelopeError) return { refused: 'envelope', message: err.message };
    if (err instanceof PackageFormatError) return { refused: 'format', message: err.message };
    throw err;
  }
}
