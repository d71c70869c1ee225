/**
 * The CPU part of packing a submission, with no database and no I/O: build each document's standard XML, sign it
 * with its certificate's key (ExchangedDocument/IssueDateTime = the signing time), put R value + signed XML into
 * the TaxInvoicePackage and encrypt it for the NTS certificate (CMS EnvelopedData with 3DES, NTS.md §4.3).
 * pack-submission.ts runs it on a worker thread (seal-pool.ts): it was a sixth of the event loop while 1,000
 * invoices were filed (RSA, 3DES), time that HTTP and the other lanes could not use.
 *
 * Its request and answer are plain data for postMessage (KeyObjects are cloned to the worker as keys).
 */
import type { KeyObject } from 'node:crypto';
import type { DocumentInput } from '../documents/model.ts';
import { writtenStandardXml } from '../documents/standard-xml.ts';
import { signWrittenTaxInvoice } from '../signing/index.ts';
import { encryptEnvelopedData } from './transport/cms-envelope.ts';
import { encodeTaxInvoicePackage } from './transport/tax-invoice-package.ts';
import { bufferView } from '../../platform/worker-threads.ts';

export interface SealCertificate {
  certificateId: number;
  privateKey: KeyObject;
  certDer: Uint8Array;
  rValue: Uint8Array;
}

export interface SealItem {
  filingId: number;
  documentId: number;
  certificateId: number;
  issueId: string;
  /** the document's dockey: ExchangedDocument/ID */
  dockey: string;
  doc: DocumentInput;
}

export interface SealRequest {
  items: SealItem[];
  certificates: SealCertificate[];
  /** the signing time, the same for the whole submission */
  issueDateTime: Date;
  /** the NTS encryption certificate (DER) */
  encryptionCertificate: Uint8Array;
}

export interface SealAnswer {
  signed: { filingId: number; documentId: number; certificateId: number; signedXml: string }[];
  /** items whose XML could not be built or signed (HBL002), with why */
  failed: { filingId: number; detail: string }[];
  /** the encrypted package of every signed item; null when none was signed */
  cms: Uint8Array | null;
}

export function sealSubmission(req: SealRequest): SealAnswer {
  const certificates = new Map(req.certificates.map((c) => [c.certificateId, c]));
  const signed: SealAnswer['signed'] = [];
  const failed: SealAnswer['failed'] = [];
  const packaged: { rValue: Buffer; signedXml: Buffer }[] = [];
  for (const item of req.items) {
    const cert = certificates.get(item.certificateId);
    try {
      if (!cert) throw new Error(`certificate ${item.certificateId} was not given`);
      // the XML we write is signed from its tree: no parse → C14N round trip (signing/written-tax-invoice.ts)
      const invoice = writtenStandardXml(item.doc, { issueId: item.issueId, issueDateTime: req.issueDateTime, exchangeId: item.dockey });
      const signedXml = signWrittenTaxInvoice(invoice, cert.privateKey, bufferView(cert.certDer));
      signed.push({ filingId: item.filingId, documentId: item.documentId, certificateId: item.certificateId, signedXml });
      packaged.push({ rValue: bufferView(cert.rValue), signedXml: Buffer.from(signedXml, 'utf8') });
    } catch (err) {
      failed.push({ filingId: item.filingId, detail: (err as Error).message.slice(0, 200) });
    }
  }
  const cms = packaged.length > 0 ? encryptEnvelopedData(encodeTaxInvoicePackage(packaged), bufferView(req.encryptionCertificate)) : null;
  return { signed, failed, cms };
}
