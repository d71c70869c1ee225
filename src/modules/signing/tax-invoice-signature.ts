/**
 * Sign and verify NTS standard e-tax invoices (NTS.md §2.1–2.2): XMLDSig with Reference URI="",
 * transforms inclusive C14N + the NTS XPath filter, RSA-SHA256/SHA-256, ds:Signature inserted as a
 * child of <TaxInvoice> right before <TaxInvoiceDocument>, KeyInfo = X509Certificate.
 *
 * Signing never re-serializes the invoice: the Signature element is spliced into the (BOM-less,
 * LF-normalized) input text, so every byte of the invoice is kept. Only the XML declaration is
 * rewritten to `<?xml version="1.0" encoding="utf-8" standalone="no"?>` (our output is UTF-8
 * text; the form is the one the JDK reference signer writes, so outputs match it byte for byte).
 */
import { X509Certificate, constants, createHash, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { Document, Element } from '@xmldom/xmldom';
import { AppError } from '../../platform/errors.ts';
import { certificateFileError } from './certificate-errors.ts';
import {
  C14N_ALGORITHM,
  NTS_XPATH_FILTER,
  RSA_SHA1_ALGORITHM,
  RSA_SHA256_ALGORITHM,
  SHA1_DIGEST_ALGORITHM,
  SHA256_DIGEST_ALGORITHM,
  XPATH_FILTER_ALGORITHM,
  DSIG_PREFIX,
  canonicalSignedInfo,
  serializedSignature,
} from './nts-signature-profile.ts';
import { rootNamespaceScope, taxInvoiceDigestInput } from './tax-invoice-digest.ts';
import {
  DSIG_NS,
  TaxInvoiceXmlError,
  inspectTaxInvoiceLayout,
  isElement,
  normalizeXmlText,
  parseXmlStrict,
  type TaxInvoiceLayout,
} from './tax-invoice-xml.ts';
import { canonicalizeSubtree } from './xml-c14n.ts';

export const SIGNED_XML_DECLARATION = '<?xml version="1.0" encoding="utf-8" standalone="no"?>';
export const MIN_RSA_BITS = 2048;

// ---------------------------------------------------------------------------------------------
// Signing

/** What gets digested and signed; exposed for conformance tests and diagnostics. */
export interface SignatureComputation {
  /** Normalized input text (no BOM, LF line ends). */
  xml: string;
  layout: TaxInvoiceLayout;
  digestInput: string;
  digestValue: string;
  canonicalSignedInfo: string;
}

function readUnsignedInvoice(unsignedXml: string): { xml: string; layout: TaxInvoiceLayout } {
  const xml = normalizeXmlText(unsignedXml);
  try {
    const layout = inspectTaxInvoiceLayout(parseXmlStrict(xml));
    if (layout.signatures.length > 0) throw new TaxInvoiceXmlError('the invoice already carries a ds:Signature');
    return { xml, layout };
  } catch (err) {
    if (err instanceof TaxInvoiceXmlError) {
      throw new AppError('field_invalid', `서명할 수 없는 세금계산서 XML입니다 — ${err.message} (cannot sign this tax invoice XML)`, {
        field: 'xml',
        cause: err,
      });
    }
    throw err;
  }
}

export function computeTaxInvoiceSignature(unsignedXml: string): SignatureComputation {
  const { xml, layout } = readUnsignedInvoice(unsignedXml);
  const digestInput = taxInvoiceDigestInput(layout.root);
  const digestValue = createHash('sha256').update(digestInput, 'utf8').digest('base64');
  const signatureScope = rootNamespaceScope(layout.root);
  signatureScope.set(DSIG_PREFIX, DSIG_NS);
  return { xml, layout, digestInput, digestValue, canonicalSignedInfo: canonicalSignedInfo(signatureScope, digestValue) };
}

/** Key/certificate pairs already checked, so repeated signing skips the match test. */
const checkedPairs = new WeakMap<KeyObject, Buffer>();

/** The key is an RSA private key of ≥ MIN_RSA_BITS that belongs to the certificate; else AppError certificate_invalid. */
export function assertSigningKey(key: KeyObject, certDer: Buffer): void {
  if (key.type !== 'private' || key.asymmetricKeyType !== 'rsa') {
    throw certificateFileError('signPri', 'RSA 개인키가 아닙니다', 'the signing key must be an RSA private key');
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw certificateFileError('signPri', `국세청 전송용 서명에는 ${MIN_RSA_BITS}비트 이상 키가 필요합니다`, `NTS requires RSA keys of at least ${MIN_RSA_BITS} bits (got ${bits})`);
  }
  if (checkedPairs.get(key)?.equals(certDer)) return;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certDer);
  } catch (err) {
    throw certificateFileError('signCert', '인증서(signCert.der)를 읽을 수 없습니다', 'cannot read the X.509 certificate', err);
  }
  if (!cert.checkPrivateKey(key)) {
    throw certificateFileError('signPri', '개인키(signPri.key)가 인증서(signCert.der)와 짝이 맞지 않습니다', 'the private key does not belong to the certificate');
  }
  checkedPairs.set(key, Buffer.from(certDer));
}

/** Offset of an element's start tag in the text it was parsed from (xmldom locator: 1-based line/column). */
function sourceOffset(xml: string, element: Element): number {
  const line = element.lineNumber;
  const column = element.columnNumber;
  if (!line || !column) throw new Error('xml parser did not record element positions');
  let lineStart = 0;
  for (let n = 1; n < line; n++) lineStart = xml.indexOf('\n', lineStart) + 1;
  const offset = lineStart + column - 1;
  if (!xml.startsWith(`<${element.nodeName}`, offset)) throw new Error('xml parser reported an inconsistent element position');
  return offset;
}

function withoutXmlDeclaration(prefix: string): string {
  return prefix.replace(/^<\?xml\s[^?]*\?>\s*/, '');
}

/**
 * Sign an unsigned NTS tax invoice with an RSA (≥ 2048-bit) key and its certificate (DER).
 * Throws AppError field_invalid (field 'xml') for unusable XML and certificate_invalid for key problems.
 */
export function signTaxInvoice(unsignedXml: string, key: KeyObject, certDer: Buffer): string {
  assertSigningKey(key, certDer);
  const { xml, layout, digestValue, canonicalSignedInfo } = computeTaxInvoiceSignature(unsignedXml);
  const insertAt = sourceOffset(xml, layout.taxInvoiceDocument);
  return spliceSignature({ before: withoutXmlDeclaration(xml.slice(0, insertAt)), after: xml.slice(insertAt), digestValue, canonicalSignedInfo }, key, certDer);
}

/** A digested invoice, cut where ds:Signature goes (right before <TaxInvoiceDocument>); `before` has no XML declaration. */
export interface SignableTaxInvoice {
  before: string;
  after: string;
  digestValue: string;
  canonicalSignedInfo: string;
}

/**
 * RSA-sign the canonical SignedInfo and put ds:Signature between the two parts, under our XML declaration.
 * The key must have passed `assertSigningKey`. Shared by signTaxInvoice and signWrittenTaxInvoice.
 */
export function spliceSignature(invoice: SignableTaxInvoice, key: KeyObject, certDer: Buffer): string {
  const signatureValue = sign('sha256', Buffer.from(invoice.canonicalSignedInfo, 'utf8'), {
    key,
    padding: constants.RSA_PKCS1_PADDING,
  }).toString('base64');
  const signature = serializedSignature(invoice.digestValue, signatureValue, certDer.toString('base64'));
  return SIGNED_XML_DECLARATION + invoice.before + signature + invoice.after;
}

// ---------------------------------------------------------------------------------------------
// Verification

export interface TaxInvoiceVerification {
  valid: boolean;
  /** Why the signature is not valid (Korean + English). */
  reason?: string;
  /** The signer's certificate (DER), when the signature is valid. */
  certificateDer?: Buffer;
}

export interface VerifyOptions {
  /** Also accept the legacy RSA-SHA1/SHA-1 profile of 1024-bit certificates (default false). */
  allowLegacySha1?: boolean;
  /** Reads the KeyInfo certificate (default `new X509Certificate(der)`); a verifier of many invoices signed by few certificates may read each once. Throws when it cannot. */
  readCertificate?: (der: Buffer) => X509Certificate;
}

class VerificationFailure extends Error {}

function reject(korean: string, english: string): never {
  throw new VerificationFailure(`${korean} (${english})`);
}

function elementChildren(parent: Element): Element[] {
  const out: Element[] = [];
  for (let child = parent.firstChild; child; child = child.nextSibling) if (isElement(child)) out.push(child);
  return out;
}

function expectDsigChildren(parent: Element, names: readonly string[]): Element[] {
  const children = elementChildren(parent);
  const actual = children.map((c) => (c.namespaceURI === DSIG_NS ? c.localName : `{${c.namespaceURI ?? ''}}${c.localName}`));
  if (actual.length !== names.length || actual.some((n, i) => n !== names[i])) {
    reject(
      `서명 구조가 표준과 다릅니다: ${parent.localName} 안에 ${actual.join(', ') || '없음'}`,
      `unexpected signature structure: ${parent.localName} holds [${actual.join(', ')}], expected [${names.join(', ')}]`,
    );
  }
  return children;
}

function expectAlgorithm(element: Element, allowed: readonly string[]): string {
  const algorithm = element.getAttribute('Algorithm') ?? '';
  if (!allowed.includes(algorithm)) {
    reject(`지원하지 않는 ${element.localName}: ${algorithm}`, `unsupported ${element.localName} "${algorithm}"`);
  }
  return algorithm;
}

function decodeBase64(text: string, what: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) reject(`${what} 값이 base64가 아닙니다`, `${what} is not base64`);
  return Buffer.from(compact, 'base64');
}

interface SignatureParts {
  signedInfo: Element;
  hash: 'sha256' | 'sha1';
  digestValue: Buffer;
  signatureValue: Buffer;
  certificateDer: Buffer;
}

function readSignatureParts(signature: Element, options: VerifyOptions): SignatureParts {
  const [signedInfo, signatureValue, keyInfo] = expectDsigChildren(signature, ['SignedInfo', 'SignatureValue', 'KeyInfo']) as [Element, Element, Element];
  const [c14nMethod, signatureMethod, reference] = expectDsigChildren(signedInfo, ['CanonicalizationMethod', 'SignatureMethod', 'Reference']) as [
    Element,
    Element,
    Element,
  ];
  expectAlgorithm(c14nMethod, [C14N_ALGORITHM]);
  const signatureAlgorithms = options.allowLegacySha1 ? [RSA_SHA256_ALGORITHM, RSA_SHA1_ALGORITHM] : [RSA_SHA256_ALGORITHM];
  const hash = expectAlgorithm(signatureMethod, signatureAlgorithms) === RSA_SHA1_ALGORITHM ? 'sha1' : 'sha256';

  if (!reference.hasAttribute('URI') || reference.getAttribute('URI') !== '') {
    reject('Reference URI가 ""가 아닙니다', 'the Reference must have URI=""');
  }
  const [transforms, digestMethod, digestValue] = expectDsigChildren(reference, ['Transforms', 'DigestMethod', 'DigestValue']) as [Element, Element, Element];
  const [c14nTransform, xpathTransform] = expectDsigChildren(transforms, ['Transform', 'Transform']) as [Element, Element];
  expectAlgorithm(c14nTransform, [C14N_ALGORITHM]);
  expectDsigChildren(c14nTransform, []);
  expectAlgorithm(xpathTransform, [XPATH_FILTER_ALGORITHM]);
  const [xpath] = expectDsigChildren(xpathTransform, ['XPath']) as [Element];
  if ((xpath.textContent ?? '').trim() !== NTS_XPATH_FILTER || xpath.lookupNamespaceURI('ds') !== DSIG_NS) {
    reject('XPath 변환식이 국세청 표준과 다릅니다', 'the XPath transform is not the NTS filter expression');
  }
  expectAlgorithm(digestMethod, [hash === 'sha1' ? SHA1_DIGEST_ALGORITHM : SHA256_DIGEST_ALGORITHM]);

  const [x509Data] = expectDsigChildren(keyInfo, ['X509Data']) as [Element];
  const certificates = elementChildren(x509Data).filter((c) => c.namespaceURI === DSIG_NS && c.localName === 'X509Certificate');
  if (certificates.length !== 1) reject('X509Certificate가 하나가 아닙니다', 'KeyInfo must hold exactly one X509Certificate');

  return {
    signedInfo,
    hash,
    digestValue: decodeBase64(digestValue.textContent ?? '', 'DigestValue'),
    signatureValue: decodeBase64(signatureValue.textContent ?? '', 'SignatureValue'),
    certificateDer: decodeBase64(certificates[0]!.textContent ?? '', 'X509Certificate'),
  };
}

/** Verify a signed NTS tax invoice. Never throws for bad input: the reason says what is wrong. */
export function verifyTaxInvoice(signedXml: string, options: VerifyOptions = {}): TaxInvoiceVerification {
  return verifyOrExplain(() => parseXmlStrict(normalizeXmlText(signedXml)), options);
}

/** verifyTaxInvoice of a document already parsed (parseXmlStrict of the normalised text), which it only reads. */
export function verifyTaxInvoiceDocument(doc: Document, options: VerifyOptions = {}): TaxInvoiceVerification {
  return verifyOrExplain(() => doc, options);
}

function verifyOrExplain(documentOf: () => Document, options: VerifyOptions): TaxInvoiceVerification {
  try {
    const layout = inspectTaxInvoiceLayout(documentOf());
    if (layout.signatures.length !== 1) {
      reject(`ds:Signature가 ${layout.signatures.length}개입니다 (1개여야 함)`, `expected exactly one ds:Signature, found ${layout.signatures.length}`);
    }
    const parts = readSignatureParts(layout.signatures[0]!, options);

    const digest = createHash(parts.hash).update(taxInvoiceDigestInput(layout.root), 'utf8').digest();
    if (digest.length !== parts.digestValue.length || !timingSafeEqual(digest, parts.digestValue)) {
      reject('서명 후 세금계산서 내용이 변경되었습니다 (DigestValue 불일치)', 'digest mismatch: the invoice content changed after signing');
    }

    let cert: X509Certificate;
    try {
      cert = (options.readCertificate ?? ((der) => new X509Certificate(der)))(parts.certificateDer);
    } catch {
      reject('KeyInfo의 인증서를 읽을 수 없습니다', 'the certificate in KeyInfo cannot be read');
    }
    if (cert.publicKey.asymmetricKeyType !== 'rsa') reject('RSA 인증서가 아닙니다', 'the certificate key is not RSA');
    const signedInfoOctets = Buffer.from(canonicalizeSubtree(parts.signedInfo), 'utf8');
    const ok = verify(parts.hash, signedInfoOctets, { key: cert.publicKey, padding: constants.RSA_PKCS1_PADDING }, parts.signatureValue);
    if (!ok) reject('서명값(SignatureValue)이 올바르지 않습니다', 'the SignatureValue does not verify with the certificate in KeyInfo');
    return { valid: true, certificateDer: parts.certificateDer };
  } catch (err) {
    if (err instanceof VerificationFailure) return { valid: false, reason: err.message };
    if (err instanceof TaxInvoiceXmlError) return { valid: false, reason: `세금계산서 XML 구조 오류: ${err.message} (invalid tax invoice XML)` };
    throw err;
  }
}
