/**
 * The NTS tax-invoice XMLDSig profile (NTS.md §2.1; ruseel SignXML.java ≡ OdinSdk XSignature.cs):
 * algorithm URIs, the XPath filter, and the SignedInfo / Signature markup we emit. The markup is
 * rendered twice from one description: serialized (empty elements as `<x/>`, as in the signed
 * file) and canonical (`<x></x>`, with the inherited namespaces, as RSA-signed).
 */
import { DSIG_NS } from './tax-invoice-xml.ts';
import { escapeC14nAttribute, escapeC14nText, renderNamespaceDeclarations, type NamespaceScope } from './xml-c14n.ts';

export const C14N_ALGORITHM = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
export const XPATH_FILTER_ALGORITHM = 'http://www.w3.org/TR/1999/REC-xpath-19991116';
export const RSA_SHA256_ALGORITHM = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const SHA256_DIGEST_ALGORITHM = 'http://www.w3.org/2001/04/xmlenc#sha256';
/** Legacy (1024-bit era) algorithms, accepted by the verifier only on request. */
export const RSA_SHA1_ALGORITHM = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
export const SHA1_DIGEST_ALGORITHM = 'http://www.w3.org/2000/09/xmldsig#sha1';

export const NTS_XPATH_FILTER =
  "not(self::*[name() = 'TaxInvoice'] | ancestor-or-self::*[name() = 'ExchangedDocument'] | ancestor-or-self::ds:Signature)";

/** The prefix our Signature uses (and the NTS XPath expression relies on). */
export const DSIG_PREFIX = 'ds';

type Markup = { name: string; attributes?: [string, string][]; children?: Markup[]; text?: string };

function render(node: Markup, canonical: boolean): string {
  const name = `${DSIG_PREFIX}:${node.name}`;
  let attributes = '';
  for (const [key, value] of node.attributes ?? []) attributes += ` ${key}="${escapeC14nAttribute(value)}"`;
  const content = node.text !== undefined ? escapeC14nText(node.text) : (node.children ?? []).map((c) => render(c, canonical)).join('');
  if (content === '' && !canonical) return `<${name}${attributes}/>`;
  return `<${name}${attributes}>${content}</${name}>`;
}

const DIGEST_PLACEHOLDER = '\u0000digest\u0000';

function signedInfoContent(canonical: boolean): string {
  const algorithm = (name: string, uri: string): Markup => ({ name, attributes: [['Algorithm', uri]] });
  const reference: Markup = {
    name: 'Reference',
    attributes: [['URI', '']],
    children: [
      {
        name: 'Transforms',
        children: [
          algorithm('Transform', C14N_ALGORITHM),
          { name: 'Transform', attributes: [['Algorithm', XPATH_FILTER_ALGORITHM]], children: [{ name: 'XPath', text: NTS_XPATH_FILTER }] },
        ],
      },
      algorithm('DigestMethod', SHA256_DIGEST_ALGORITHM),
      { name: 'DigestValue', text: DIGEST_PLACEHOLDER },
    ],
  };
  return [algorithm('CanonicalizationMethod', C14N_ALGORITHM), algorithm('SignatureMethod', RSA_SHA256_ALGORITHM), reference]
    .map((m) => render(m, canonical))
    .join('');
}

function splitAtDigest(text: string): [string, string] {
  const at = text.indexOf(DIGEST_PLACEHOLDER);
  return [text.slice(0, at), text.slice(at + DIGEST_PLACEHOLDER.length)];
}

const [CANONICAL_BEFORE_DIGEST, CANONICAL_AFTER_DIGEST] = splitAtDigest(signedInfoContent(true));
const [SERIALIZED_BEFORE_DIGEST, SERIALIZED_AFTER_DIGEST] = splitAtDigest(signedInfoContent(false));

/**
 * The canonical SignedInfo octets that get RSA-signed. `signatureScope` = namespaces in scope at
 * ds:Signature (the root's declarations plus xmlns:ds), all rendered on the SignedInfo apex.
 */
export function canonicalSignedInfo(signatureScope: NamespaceScope, digestValue: string): string {
  const namespaces = renderNamespaceDeclarations(signatureScope, new Map());
  return `<${DSIG_PREFIX}:SignedInfo${namespaces}>${CANONICAL_BEFORE_DIGEST}${digestValue}${CANONICAL_AFTER_DIGEST}</${DSIG_PREFIX}:SignedInfo>`;
}

/** The serialized ds:Signature element inserted into the invoice. */
export function serializedSignature(digestValue: string, signatureValue: string, certificateBase64: string): string {
  return (
    `<${DSIG_PREFIX}:Signature xmlns:${DSIG_PREFIX}="${DSIG_NS}">` +
    `<${DSIG_PREFIX}:SignedInfo>${SERIALIZED_BEFORE_DIGEST}${digestValue}${SERIALIZED_AFTER_DIGEST}</${DSIG_PREFIX}:SignedInfo>` +
    `<${DSIG_PREFIX}:SignatureValue>${signatureValue}</${DSIG_PREFIX}:SignatureValue>` +
    `<${DSIG_PREFIX}:KeyInfo><${DSIG_PREFIX}:X509Data><${DSIG_PREFIX}:X509Certificate>${certificateBase64}</${DSIG_PREFIX}:X509Certificate></${DSIG_PREFIX}:X509Data></${DSIG_PREFIX}:KeyInfo>` +
    `</${DSIG_PREFIX}:Signature>`
  );
}
