/**
 * Signing module: NPKI / PKCS#12 key loading, the signer's certificate (VID, expiry), and the NTS
 * tax-invoice XML signature (NTS.md §2). Import from here; the other files are implementation.
 */
export { loadNpkiPrivateKey, type NpkiPrivateKey } from './npki-private-key.ts';
export { loadPkcs12, type Pkcs12Contents } from './pkcs12.ts';
export {
  EXPIRING_WITHIN_DAYS,
  assertPrivateKeyMatchesCertificate,
  computeVid,
  expiryStatus,
  parseSigningCertificate,
  privateKeyMatchesCertificate,
  verifyVid,
  type ExpiryStatus,
  type KeyUsage,
  type NpkiVid,
  type SigningCertificate,
} from './signing-certificate.ts';
export {
  computeTaxInvoiceSignature,
  signTaxInvoice,
  verifyTaxInvoice,
  type TaxInvoiceVerification,
  type VerifyOptions,
} from './tax-invoice-signature.ts';
export { computeWrittenTaxInvoiceSignature, signWrittenTaxInvoice, type WrittenElement, type WrittenTaxInvoice } from './written-tax-invoice.ts';
export { seedCbcDecrypt, seedCbcEncrypt } from './seed-cbc.ts';
