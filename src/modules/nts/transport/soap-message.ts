/**
 * The KEC SOAP 1.1 messages between an ASP and the NTS (NTS.md §4.1–4.2; ruseel kr-etax-sample
 * `SubmitWithSOAP.java`, OpenETaxBill `notice/{request,envelope,packing}.cs`):
 *
 *   SOAP-ENV:Envelope / SOAP-ENV:Header
 *     wsa:MessageID (yyyyMMddHHmmssfff-<32 hex>), wsa:RelatesTo (acks), wsa:To, wsa:Action
 *     kec:MessageHeader { Version 3.0, From{PartyID, PartyName}, To{PartyID, PartyName}, ReplyTo?,
 *                         OperationType, MessageType, TimeStamp yyyy-MM-ddTHH:mm:ss.fffZ }
 *     wsse:Security { wsse:BinarySecurityToken (X.509, wsu:Id="X509Token"), ds:Signature }
 *   SOAP-ENV:Body / kec:RequestMessage | kec:ResponseMessage | SOAP-ENV:Fault
 *
 * WS-Security signature: inclusive C14N SignedInfo, RSA-SHA256; Reference URI="" (enveloped-signature +
 * C14N, SHA-256 of the whole envelope without the signature) and, when an attachment travels along,
 * Reference URI="cid:<ReferenceID>" (SwA Attachment-Content-Signature-Transform, SHA-256 of the raw
 * attachment octets); KeyInfo = SecurityTokenReference to #X509Token.
 */
import { X509Certificate, constants, createHash, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { normalizeXmlText, parseXmlStrict, isElement, TaxInvoiceXmlError } from '../../signing/tax-invoice-xml.ts';
import { canonicalizeElement, canonicalizeSubtree } from '../../signing/xml-c14n.ts';

export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  kec: 'http://www.kec.or.kr/standard/Tax/',
  wsa: 'http://www.w3.org/2005/08/addressing',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

export const ACTION = {
  submit: 'http://www.kec.or.kr/standard/Tax/TaxInvoiceSubmit',
  submitAck: 'http://www.kec.or.kr/standard/Tax/TaxInvoiceRecvAck',
  results: 'http://www.kec.or.kr/standard/Tax/ResultsSubmit',
  resultsAck: 'http://www.kec.or.kr/standard/Tax/ResultsRecvAck',
  resultsRequest: 'http://www.kec.or.kr/standard/Tax/ResultsReqSubmit',
  resultsRequestAck: 'http://www.kec.or.kr/standard/Tax/ResultsReqRecvAck',
} as const;

const ALG = {
  c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  swa: 'http://docs.oasis-open.org/wss/oasis-wss-SwAProfile-1.1#Attachment-Content-Signature-Transform',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  base64: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary',
  x509v3: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3',
  x509v3Legacy: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#X509v3',
} as const;

export const NTS_PARTY = { partyId: '9999999999', partyName: '국세청' } as const;

export interface Party {
  partyId: string;
  partyName: string;
}

export interface KecHeader {
  messageId: string;
  relatesTo?: string;
  to: string;
  action: string;
  from: Party;
  toParty: Party;
  replyTo?: string;
  operationType: string;
  messageType: string;
  timeStamp: string;
}

export interface SoapSigner {
  certDer: Buffer;
  privateKey: KeyObject;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** `<kec:Name>value</kec:Name>` for each defined value (empty string kept). */
export function kecElements(values: [string, string | number | undefined][]): string {
  return values
    .filter(([, v]) => v !== undefined)
    .map(([name, v]) => `<kec:${name}>${escapeXml(String(v))}</kec:${name}>`)
    .join('');
}

/** wsa:MessageID: yyyyMMddHHmmssfff-<32 hex> (UTC). */
export function newMessageId(at: Date = new Date()): string {
  return `${at.toISOString().replace(/[-:T.Z]/g, '').slice(0, 17)}-${randomBytes(16).toString('hex')}`;
}

/** kec:TimeStamp: yyyy-MM-ddTHH:mm:ss.fffZ. */
export function kecTimeStamp(at: Date = new Date()): string {
  return at.toISOString();
}

function headerXml(h: KecHeader): string {
  const party = (tag: string, p: Party) => `<kec:${tag}>${kecElements([['PartyID', p.partyId], ['PartyName', p.partyName]])}</kec:${tag}>`;
  return (
    `<wsa:MessageID>${escapeXml(h.messageId)}</wsa:MessageID>` +
    (h.relatesTo !== undefined ? `<wsa:RelatesTo>${escapeXml(h.relatesTo)}</wsa:RelatesTo>` : '') +
    `<wsa:To>${escapeXml(h.to)}</wsa:To>` +
    `<wsa:Action>${escapeXml(h.action)}</wsa:Action>` +
    `<kec:MessageHeader>` +
    kecElements([['Version', '3.0']]) +
    party('From', h.from) +
    party('To', h.toParty) +
    kecElements([
      ['ReplyTo', h.replyTo],
      ['OperationType', h.operationType],
      ['MessageType', h.messageType],
      ['TimeStamp', h.timeStamp],
    ]) +
    `</kec:MessageHeader>`
  );
}

const ROOT_OPEN =
  `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${NS.soap}" xmlns:ds="${NS.ds}" xmlns:kec="${NS.kec}" xmlns:wsa="${NS.wsa}" ` + `xmlns:wsse="${NS.wsse}" xmlns:wsu="${NS.wsu}">`;

function envelopeText(header: string, security: string, body: string): string {
  return `${ROOT_OPEN}<SOAP-ENV:Header>${header}${security}</SOAP-ENV:Header><SOAP-ENV:Body>${body}</SOAP-ENV:Body></SOAP-ENV:Envelope>`;
}

function parse(xml: string): Element {
  const doc = parseXmlStrict(normalizeXmlText(xml));
  const root = doc.documentElement;
  if (!root) throw new SoapFormatError('empty SOAP message');
  return root;
}

const sha256b64 = (data: Buffer | string) => createHash('sha256').update(data).digest('base64');

function referenceXml(uri: string, transforms: string[], digest: string): string {
  return (
    `<ds:Reference URI="${escapeXml(uri)}"><ds:Transforms>` +
    transforms.map((t) => `<ds:Transform Algorithm="${t}"></ds:Transform>`).join('') +
    `</ds:Transforms><ds:DigestMethod Algorithm="${ALG.sha256}"></ds:DigestMethod><ds:DigestValue>${digest}</ds:DigestValue></ds:Reference>`
  );
}

/**
 * A complete SOAP envelope; with a signer, WS-Security-signed (NTS.md §4.2). `body` is the inner XML of
 * SOAP-ENV:Body (using the kec/SOAP-ENV prefixes declared on the root).
 */
export function buildSoapEnvelope(opts: { header: KecHeader; body: string; signer?: SoapSigner; attachment?: { contentId: string; bytes: Buffer } }): string {
  const header = headerXml(opts.header);
  if (!opts.signer) return `<?xml version="1.0" encoding="UTF-8"?>` + envelopeText(header, '', opts.body);
  const token =
    `<wsse:BinarySecurityToken EncodingType="${ALG.base64}" ValueType="${ALG.x509v3}" wsu:Id="X509Token">` + `${opts.signer.certDer.toString('base64')}</wsse:BinarySecurityToken>`;
  const unsigned = envelopeText(header, `<wsse:Security>${token}</wsse:Security>`, opts.body);
  const envelopeDigest = sha256b64(canonicalizeElement(parse(unsigned), new Map(), new Map()));
  const signedInfo =
    `<ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${ALG.c14n}"></ds:CanonicalizationMethod>` +
    `<ds:SignatureMethod Algorithm="${ALG.rsaSha256}"></ds:SignatureMethod>` +
    referenceXml('', [ALG.enveloped, ALG.c14n], envelopeDigest) +
    (opts.attachment ? referenceXml(`cid:${opts.attachment.contentId}`, [ALG.swa], sha256b64(opts.attachment.bytes)) : '') +
    `</ds:SignedInfo>`;
  const keyInfo = `<ds:KeyInfo><wsse:SecurityTokenReference><wsse:Reference URI="#X509Token"></wsse:Reference></wsse:SecurityTokenReference></ds:KeyInfo>`;
  const placeholder = '<ds:SignatureValue></ds:SignatureValue>';
  const withPlaceholder = envelopeText(header, `<wsse:Security>${token}<ds:Signature>${signedInfo}${placeholder}${keyInfo}</ds:Signature></wsse:Security>`, opts.body);
  const signedInfoElement = findDescendant(parse(withPlaceholder), NS.ds, 'SignedInfo')!;
  const signatureValue = sign('sha256', Buffer.from(canonicalizeSubtree(signedInfoElement), 'utf8'), { key: opts.signer.privateKey, padding: constants.RSA_PKCS1_PADDING }).toString('base64');
  return `<?xml version="1.0" encoding="UTF-8"?>` + withPlaceholder.replace(placeholder, `<ds:SignatureValue>${signatureValue}</ds:SignatureValue>`);
}

// ---------------------------------------------------------------------------------------------
// Reading

export class SoapFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SoapFormatError';
  }
}

export function childElements(parent: Element): Element[] {
  const out: Element[] = [];
  for (let c = parent.firstChild; c; c = c.nextSibling) if (isElement(c)) out.push(c);
  return out;
}

export function findChild(parent: Element | undefined, ns: string, local: string): Element | undefined {
  if (!parent) return undefined;
  return childElements(parent).find((c) => c.namespaceURI === ns && c.localName === local);
}

export function findDescendant(root: Element, ns: string, local: string): Element | undefined {
  for (const c of childElements(root)) {
    if (c.namespaceURI === ns && c.localName === local) return c;
    const deeper = findDescendant(c, ns, local);
    if (deeper) return deeper;
  }
  return undefined;
}

export function textOf(element: Element | undefined): string | undefined {
  return element ? (element.textContent ?? '').trim() : undefined;
}

/** Text of kec:<name> under `parent` (undefined when absent). */
export function kecText(parent: Element | undefined, name: string): string | undefined {
  return textOf(findChild(parent, NS.kec, name));
}

export interface SignatureCheck {
  valid: boolean;
  reason?: string;
  /** The signer certificate (BinarySecurityToken), when present. */
  certDer?: Buffer;
}

export interface ParsedSoap {
  envelope: Element;
  header: Partial<KecHeader>;
  body: Element;
  /** The first element inside SOAP-ENV:Body. */
  payload: Element | undefined;
  fault?: { code: string; message: string; detailCode?: string };
  signature: SignatureCheck;
}

function checkSignature(envelope: Element, attachments: ReadonlyMap<string, Buffer>): SignatureCheck {
  const header = findChild(envelope, NS.soap, 'Header');
  const security = findChild(header, NS.wsse, 'Security');
  const signature = findChild(security, NS.ds, 'Signature');
  if (!security || !signature) return { valid: false, reason: 'no WS-Security signature' };
  const token = childElements(security).find((c) => c.namespaceURI === NS.wsse && c.localName === 'BinarySecurityToken');
  if (!token) return { valid: false, reason: 'no BinarySecurityToken' };
  const valueType = token.getAttribute('ValueType') ?? '';
  if (valueType !== ALG.x509v3 && valueType !== ALG.x509v3Legacy) return { valid: false, reason: `unsupported token ValueType ${valueType}` };
  const certDer = Buffer.from((token.textContent ?? '').replace(/\s+/g, ''), 'base64');
  const tokenId = token.getAttributeNS(NS.wsu, 'Id') ?? '';
  const signedInfo = findChild(signature, NS.ds, 'SignedInfo');
  const signatureValue = textOf(findChild(signature, NS.ds, 'SignatureValue'));
  if (!signedInfo || !signatureValue) return { valid: false, reason: 'incomplete ds:Signature', certDer };
  if (findChild(signedInfo, NS.ds, 'CanonicalizationMethod')?.getAttribute('Algorithm') !== ALG.c14n) return { valid: false, reason: 'unsupported CanonicalizationMethod', certDer };
  if (findChild(signedInfo, NS.ds, 'SignatureMethod')?.getAttribute('Algorithm') !== ALG.rsaSha256) return { valid: false, reason: 'unsupported SignatureMethod', certDer };
  const keyRef = findDescendant(findChild(signature, NS.ds, 'KeyInfo') ?? signature, NS.wsse, 'Reference')?.getAttribute('URI');
  if (keyRef !== `#${tokenId}`) return { valid: false, reason: 'KeyInfo does not reference the BinarySecurityToken', certDer };

  const references = childElements(signedInfo).filter((c) => c.namespaceURI === NS.ds && c.localName === 'Reference');
  let envelopeCovered = false;
  const coveredAttachments = new Set<string>();
  for (const ref of references) {
    const uri = ref.getAttribute('URI') ?? '';
    const transforms = childElements(findChild(ref, NS.ds, 'Transforms') ?? ref)
      .filter((t) => t.localName === 'Transform')
      .map((t) => t.getAttribute('Algorithm') ?? '');
    if (findChild(ref, NS.ds, 'DigestMethod')?.getAttribute('Algorithm') !== ALG.sha256) return { valid: false, reason: `unsupported DigestMethod in Reference "${uri}"`, certDer };
    const expected = textOf(findChild(ref, NS.ds, 'DigestValue')) ?? '';
    let actual: string;
    if (uri === '') {
      if (transforms.join(' ') !== `${ALG.enveloped} ${ALG.c14n}`) return { valid: false, reason: 'Reference "" must use enveloped-signature + C14N', certDer };
      actual = sha256b64(canonicalizeElement(envelope, new Map(), new Map(), (e) => e === signature));
      envelopeCovered = true;
    } else if (uri.startsWith('cid:')) {
      if (transforms.join(' ') !== ALG.swa) return { valid: false, reason: `Reference ${uri} must use the SwA attachment transform`, certDer };
      const bytes = attachments.get(uri.slice(4));
      if (!bytes) return { valid: false, reason: `signed attachment ${uri} is missing`, certDer };
      actual = sha256b64(bytes);
      coveredAttachments.add(uri.slice(4));
    } else {
      return { valid: false, reason: `unsupported Reference URI "${uri}"`, certDer };
    }
    if (actual !== expected) return { valid: false, reason: `digest mismatch for Reference "${uri}"`, certDer };
  }
  if (!envelopeCovered) return { valid: false, reason: 'the envelope is not signed (no Reference URI="")', certDer };
  for (const id of attachments.keys()) if (!coveredAttachments.has(id)) return { valid: false, reason: `attachment ${id} is not signed`, certDer };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certDer);
  } catch {
    return { valid: false, reason: 'the BinarySecurityToken is not an X.509 certificate' };
  }
  const ok = verify('sha256', Buffer.from(canonicalizeSubtree(signedInfo), 'utf8'), { key: cert.publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(signatureValue.replace(/\s+/g, ''), 'base64'));
  return ok ? { valid: true, certDer } : { valid: false, reason: 'SignatureValue does not verify', certDer };
}

/** Parse a SOAP envelope; the WS-Security signature is checked (never throws for a bad signature). */
export function parseSoapEnvelope(xml: string, attachments: ReadonlyMap<string, Buffer> = new Map()): ParsedSoap {
  let envelope: Element;
  try {
    envelope = parse(xml);
  } catch (err) {
    if (err instanceof TaxInvoiceXmlError || err instanceof SoapFormatError) throw new SoapFormatError(`not well-formed SOAP: ${err.message}`);
    throw err;
  }
  if (envelope.namespaceURI !== NS.soap || envelope.localName !== 'Envelope') throw new SoapFormatError('the root element is not a SOAP 1.1 Envelope');
  const headerEl = findChild(envelope, NS.soap, 'Header');
  const body = findChild(envelope, NS.soap, 'Body');
  if (!body) throw new SoapFormatError('SOAP Body missing');
  const messageHeader = findChild(headerEl, NS.kec, 'MessageHeader');
  const party = (tag: string): Party | undefined => {
    const p = findChild(messageHeader, NS.kec, tag);
    return p ? { partyId: kecText(p, 'PartyID') ?? '', partyName: kecText(p, 'PartyName') ?? '' } : undefined;
  };
  const header: Partial<KecHeader> = {};
  const set = <K extends keyof KecHeader>(key: K, value: KecHeader[K] | undefined) => {
    if (value !== undefined) header[key] = value;
  };
  set('messageId', textOf(findChild(headerEl, NS.wsa, 'MessageID')));
  set('relatesTo', textOf(findChild(headerEl, NS.wsa, 'RelatesTo')));
  set('to', textOf(findChild(headerEl, NS.wsa, 'To')));
  set('action', textOf(findChild(headerEl, NS.wsa, 'Action')));
  set('from', party('From'));
  set('toParty', party('To'));
  set('replyTo', kecText(messageHeader, 'ReplyTo'));
  set('operationType', kecText(messageHeader, 'OperationType'));
  set('messageType', kecText(messageHeader, 'MessageType'));
  set('timeStamp', kecText(messageHeader, 'TimeStamp'));
  const payload = childElements(body)[0];
  let fault: ParsedSoap['fault'];
  if (payload && payload.namespaceURI === NS.soap && payload.localName === 'Fault') {
    const code = textOf(childElements(payload).find((c) => c.localName === 'faultcode')) ?? '';
    const message = textOf(childElements(payload).find((c) => c.localName === 'faultstring')) ?? '';
    const detailCode = textOf(findDescendant(payload, NS.kec, 'FailReasonStatusCode'));
    fault = { code, message, ...(detailCode ? { detailCode } : {}) };
  }
  return { envelope, header, body, payload, ...(fault ? { fault } : {}), signature: checkSignature(envelope, attachments) };
}

/** A SOAP 1.1 Fault body (faultcode SOAP-ENV:Client = the request is wrong; SOAP-ENV:Server = try again). */
export function faultBody(kind: 'Client' | 'Server', message: string, reasonCode?: string): string {
  return (
    `<SOAP-ENV:Fault><faultcode>SOAP-ENV:${kind}</faultcode><faultstring>${escapeXml(message)}</faultstring>` +
    (reasonCode ? `<detail><kec:FailReasonStatusCode>${escapeXml(reasonCode)}</kec:FailReasonStatusCode></detail>` : '') +
    `</SOAP-ENV:Fault>`
  );
}
