/**
 * What the simulated NTS checks on each invoice of a package (NTS.md §4.7 step 2), in this order, answering
 * the first failure's code (src/modules/nts/result-codes.ts, docs/nts.md):
 *
 *   SIG005 R value present → SYN001 well-formed standard XML → SYN002 required elements → SYN004 element order
 *   → SYN005 lengths and formats → SIG001/SIG002/SIG006 signature (NTS profile, digest, RSA ≥ 2048)
 *   → SIG003 certificate valid at the signing time → SIG004 VID of the signer's business number with R
 *   (InvoicerParty, BrokerParty for 위수탁) → BIZ001/BIZ002 IssueID format and registration number
 *   → BIZ004 TypeCode → BIZ008 broker → BIZ006 purpose → BIZ005 amendment → BIZ003/BIZ007 ids
 *   → BIZ009 write date → BIZ013/BIZ016 number formats → BIZ010/011/012 sums → BIZ014 tax rule
 *   → BIZ015 payments → DUP001/SYN003 IssueID already registered → SUC001.
 *
 * This is deliberately an independent reading of the rules (it does not reuse the issuing side's validator),
 * so that a bug there shows up here.
 */
import { X509Certificate } from 'node:crypto';
import { parseStandardXml, StandardXmlError, type ParsedStandardInvoice } from '../../modules/documents/standard-xml-parse.ts';
import { isValidBizno, isValidResidentNo, FOREIGNER_PLACEHOLDER_ID } from '../../modules/shared/korean-ids.ts';
import { parseSigningCertificate, verifyVid, type SigningCertificate } from '../../modules/signing/index.ts';
import { verifyTaxInvoiceDocument } from '../../modules/signing/tax-invoice-signature.ts';
import { normalizeXmlText, parseXmlStrict, isElement } from '../../modules/signing/tax-invoice-xml.ts';
import type { Document, Element } from '@xmldom/xmldom';
import { checkInvoiceStructure, MAX_LENGTHS } from './invoice-schema.ts';

/** Type codes an ASP may send (수입 x04/x06 are issued by customs, 계산서 has no 영세율; NTS.md §1.2). */
export const ASP_TYPE_CODES: ReadonlySet<string> = new Set(['0101', '0102', '0103', '0105', '0201', '0202', '0203', '0205', '0301', '0303', '0401', '0403']);

export interface RegisteredInvoice {
  issueId: string;
  invoicerId: string;
  typeCode: string;
}

export interface InvoiceCheckContext {
  /** 등록번호 of the submitting system (from the SubmitID). */
  registrationId: string;
  receivedAt: Date;
  /** An invoice NTS accepted earlier (any submission), by IssueID. */
  registered(issueId: string): RegisteredInvoice | undefined;
}

export interface InvoiceCheck {
  issueId: string;
  code: string;
  detail?: string;
  /** Set when the invoice is (or already was) accepted. */
  accepted?: RegisteredInvoice;
  /** Accepted but late (NTS.md §3.2): recorded, not rejected. */
  flags: string[];
}

class Reject extends Error {
  constructor(
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

const fail = (code: string, detail: string): never => {
  throw new Reject(code, detail);
};

const DATE = /^\d{8}$/;
const DATETIME = /^\d{14}$/;

function isRealDate(yyyymmdd: string): boolean {
  if (!DATE.test(yyyymmdd)) return false;
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const dt = new Date(Date.UTC(y, m - 1, d));
  return y >= 1900 && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** KST yyyyMMddHHmmss → Date. */
function kstDateTime(text: string): Date | undefined {
  if (!DATETIME.test(text) || !isRealDate(text.slice(0, 8))) return undefined;
  const [h, mi, s] = [Number(text.slice(8, 10)), Number(text.slice(10, 12)), Number(text.slice(12, 14))];
  if (h > 23 || mi > 59 || s > 59) return undefined;
  return new Date(Date.UTC(Number(text.slice(0, 4)), Number(text.slice(4, 6)) - 1, Number(text.slice(6, 8)), h - 9, mi, s));
}

function kstDay(at: Date): string {
  return new Date(at.getTime() + 9 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

function walkLengths(element: Element, path: string): void {
  let hasChild = false;
  for (let c = element.firstChild; c; c = c.nextSibling) {
    if (!isElement(c)) continue;
    hasChild = true;
    if (c.prefix === 'ds') continue;
    walkLengths(c, `${path}/${c.localName}`);
  }
  if (hasChild) return;
  const text = (element.textContent ?? '').trim();
  for (const [re, max] of MAX_LENGTHS) {
    if (re.test(path) && [...text].length > max) fail('SYN005', `${path}: longer than ${max} characters`);
  }
}

function checkFormats(p: ParsedStandardInvoice, dom: Document): void {
  walkLengths(dom.documentElement!, '/TaxInvoice');
  if (!kstDateTime(p.issueDateTime)) fail('SYN005', 'ExchangedDocument/IssueDateTime: expected yyyyMMddHHmmss');
  if (!isRealDate(p.writeDate)) fail('SYN005', 'TaxInvoiceDocument/IssueDateTime: expected a real date YYYYMMDD');
  if (!/^\d{4}$/.test(p.typeCode)) fail('SYN005', 'TaxInvoiceDocument/TypeCode: expected 4 digits');
  if (p.amendmentStatusCode !== undefined && !/^\d{2}$/.test(p.amendmentStatusCode)) fail('SYN005', 'AmendmentStatusCode: expected 2 digits');
  if (p.purposeCode !== undefined && !/^\d{2}$/.test(p.purposeCode)) fail('SYN005', 'PurposeCode: expected 2 digits');
  for (const party of [p.invoicer, p.invoicee, ...(p.broker ? [p.broker] : [])]) {
    if (party.subBizno !== undefined && !/^\d{4}$/.test(party.subBizno)) fail('SYN005', 'SpecifiedOrganization/TaxRegistrationID: expected 4 digits');
  }
  for (const [i, line] of p.lines.entries()) {
    if (!/^\d{1,4}$/.test(line.sequence)) fail('SYN005', `TaxInvoiceTradeLineItem[${i + 1}]/SequenceNumeric: expected a number`);
    if (line.date !== undefined && !isRealDate(line.date)) fail('SYN005', `TaxInvoiceTradeLineItem[${i + 1}]/PurchaseExpiryDateTime: expected YYYYMMDD`);
  }
  for (const pay of p.payments) if (!/^(10|20|30|40)$/.test(pay.typeCode)) fail('SYN005', 'SpecifiedPaymentMeans/TypeCode: expected 10, 20, 30 or 40');
}

/**
 * Certificates read so far, by their DER (base64): a submission's invoices are signed by a few certificates, and
 * reading one (X.509, then the VID extension) cost a third of a check. The X.509 is what verification reads; the
 * signing certificate (VID) is read on first need, its failure kept as null (the check then fails SIG004, as when
 * it was read per invoice). The entries are immutable; at CERTIFICATES_KEPT the map starts again.
 */
interface ReadCertificate {
  x509: X509Certificate;
  signing?: SigningCertificate | null;
}
const certificates = new Map<string, ReadCertificate>();
const CERTIFICATES_KEPT = 1000;

function certificateOf(der: Buffer): ReadCertificate {
  const key = der.toString('base64');
  let cert = certificates.get(key);
  if (!cert) {
    cert = { x509: new X509Certificate(der) }; // throws when unreadable: nothing kept
    if (certificates.size >= CERTIFICATES_KEPT) certificates.clear();
    certificates.set(key, cert);
  }
  return cert;
}

function signingCertificateOf(cert: ReadCertificate, der: Buffer): SigningCertificate | null {
  if (cert.signing === undefined) {
    try {
      cert.signing = parseSigningCertificate(der);
    } catch {
      cert.signing = null;
    }
  }
  return cert.signing;
}

function checkSignature(dom: Document, p: ParsedStandardInvoice, rValue: Buffer): void {
  if (!p.signed) fail('SIG001', 'ds:Signature missing');
  const v = verifyTaxInvoiceDocument(dom, { readCertificate: (der) => certificateOf(der).x509 });
  if (!v.valid) fail(/DigestValue|SignatureValue|digest mismatch|does not verify/.test(v.reason ?? '') ? 'SIG002' : 'SIG001', v.reason ?? 'signature invalid');
  const der = v.certificateDer!;
  const certificate = certificateOf(der);
  const x509 = certificate.x509;
  const bits = x509.publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) fail('SIG006', `RSA ${bits} bits`);
  const signedAt = kstDateTime(p.issueDateTime)!;
  if (signedAt < new Date(x509.validFrom) || signedAt > new Date(x509.validTo)) fail('SIG003', `signed at ${p.issueDateTime} (KST), certificate valid ${x509.validFrom} – ${x509.validTo}`);
  const consignment = p.typeCode.endsWith('03') || p.typeCode.endsWith('05');
  const signerId = consignment ? p.broker?.id : p.invoicer.id;
  let vidOk = false;
  try {
    const signing = signerId !== undefined ? signingCertificateOf(certificate, der) : null;
    vidOk = signing !== null && verifyVid(signing, signerId!, rValue);
  } catch {
    vidOk = false;
  }
  if (!vidOk) fail('SIG004', `the certificate's VID does not match ${consignment ? 'BrokerParty' : 'InvoicerParty'}/ID ${signerId ?? '(none)'} with the R value sent`);
}

const INTEGER = /^-?\d+$/;
const DECIMAL2 = /^-?\d+(\.\d{1,2})?$/;
const big = (s: string | undefined) => BigInt(s ?? '0');

function checkBusinessRules(p: ParsedStandardInvoice, ctx: InvoiceCheckContext): void {
  // approval number
  if (!/^\d{24}$/.test(p.issueId) || !isRealDate(p.issueId.slice(0, 8))) fail('BIZ001', `IssueID ${p.issueId}: expected 24 digits starting with a date`);
  if (p.issueId.slice(0, 8) !== p.writeDate) fail('BIZ001', `IssueID ${p.issueId}: the first 8 digits must be the write date ${p.writeDate}`);
  if (p.issueId.slice(8, 16) !== ctx.registrationId) fail('BIZ002', `IssueID ${p.issueId}: registration number ${p.issueId.slice(8, 16)} is not the submitter's ${ctx.registrationId}`);
  // type
  if (!ASP_TYPE_CODES.has(p.typeCode)) fail('BIZ004', `TypeCode ${p.typeCode}`);
  const kind = p.typeCode.slice(0, 2);
  const variant = p.typeCode.slice(2, 4);
  const consignment = variant === '03' || variant === '05';
  if (consignment !== (p.broker !== undefined)) fail('BIZ008', consignment ? 'BrokerParty required for a consignment type' : 'BrokerParty only on consignment types');
  if (p.purposeCode !== '01' && p.purposeCode !== '02') fail('BIZ006', `PurposeCode ${p.purposeCode ?? '(missing)'}`);
  // amendment
  const amended = kind === '02' || kind === '04';
  if (amended) {
    if (!p.amendmentStatusCode || !/^0[1-6]$/.test(p.amendmentStatusCode)) fail('BIZ005', 'AmendmentStatusCode 01–06 required on an amended invoice');
    if (!p.originalIssueId || !/^\d{24}$/.test(p.originalIssueId)) fail('BIZ005', 'OriginalIssueID (24 digits) required on an amended invoice');
    const original = ctx.registered(p.originalIssueId!);
    if (!original) fail('BIZ005', `OriginalIssueID ${p.originalIssueId} is not registered`);
    if (original!.invoicerId !== p.invoicer.id) fail('BIZ005', `OriginalIssueID ${p.originalIssueId} belongs to another invoicer`);
    const originalKind = original!.typeCode.slice(0, 2);
    if ((kind === '02' && originalKind !== '01') || (kind === '04' && originalKind !== '03')) fail('BIZ005', `a ${kind}xx invoice cannot amend a ${original!.typeCode}`);
  } else if (p.amendmentStatusCode !== undefined || p.originalIssueId !== undefined) {
    fail('BIZ005', 'AmendmentStatusCode / OriginalIssueID only on amended invoices (02xx, 04xx)');
  }
  // identities
  if (!isValidBizno(p.invoicer.id)) fail('BIZ003', `InvoicerParty/ID ${p.invoicer.id}`);
  if (p.broker && !isValidBizno(p.broker.id)) fail('BIZ003', `BrokerParty/ID ${p.broker.id}`);
  const idType = p.invoicee.businessTypeCode;
  if (idType === '01' || idType === undefined) {
    if (!/^\d{10}$/.test(p.invoicee.id)) fail('BIZ007', 'InvoiceeParty/ID must be 10 digits for BusinessTypeCode 01');
    if (!isValidBizno(p.invoicee.id)) fail('BIZ003', `InvoiceeParty/ID ${p.invoicee.id}`);
  } else if (idType === '02') {
    if (!/^\d{13}$/.test(p.invoicee.id)) fail('BIZ007', 'InvoiceeParty/ID must be 13 digits for BusinessTypeCode 02');
    if (!isValidResidentNo(p.invoicee.id)) fail('BIZ003', 'InvoiceeParty/ID: invalid resident number');
  } else if (idType === '03') {
    if (p.invoicee.id !== FOREIGNER_PLACEHOLDER_ID) fail('BIZ007', `InvoiceeParty/ID must be ${FOREIGNER_PLACEHOLDER_ID} for a foreigner (03)`);
  } else {
    fail('BIZ007', `BusinessTypeCode ${idType}`);
  }
  if (p.writeDate > kstDay(ctx.receivedAt)) fail('BIZ009', `write date ${p.writeDate} is after the receipt date`);
  // numbers
  const amounts = [p.amounts.supply, p.amounts.tax ?? '0', p.amounts.total, ...p.payments.map((x) => x.amount), ...p.lines.flatMap((l) => [l.supply, l.tax ?? '0'])];
  if (amounts.some((a) => !INTEGER.test(a))) fail('BIZ013', `amounts must be whole won: ${amounts.find((a) => !INTEGER.test(a))}`);
  for (const l of p.lines) {
    for (const v of [l.quantity, l.unitPrice]) if (v !== undefined && !DECIMAL2.test(v)) fail('BIZ016', `quantity / unit price ${v}`);
  }
  const supply = big(p.amounts.supply);
  const tax = big(p.amounts.tax);
  if (supply + tax !== big(p.amounts.total)) fail('BIZ010', `${p.amounts.supply} + ${p.amounts.tax ?? 0} ≠ ${p.amounts.total}`);
  const lineSupply = p.lines.reduce((acc, l) => acc + big(l.supply), 0n);
  if (lineSupply !== supply) fail('BIZ011', `lines sum to ${lineSupply}, ChargeTotalAmount is ${supply}`);
  const lineTax = p.lines.reduce((acc, l) => acc + big(l.tax), 0n);
  if (lineTax !== tax) fail('BIZ012', `line taxes sum to ${lineTax}, TaxTotalAmount is ${tax}`);
  const zeroTax = kind === '03' || kind === '04' || variant === '02' || variant === '05';
  if (zeroTax && tax !== 0n) fail('BIZ014', 'tax must be 0 on a 계산서 / 영세율 invoice');
  const absSupply = supply < 0n ? -supply : supply;
  if (!zeroTax && absSupply / 10n !== 0n && tax === 0n) fail('BIZ014', 'a regular tax invoice needs a tax amount');
  if (p.payments.some((x) => big(x.amount) !== 0n)) {
    const paid = p.payments.reduce((acc, x) => acc + big(x.amount), 0n);
    if (paid !== big(p.amounts.total)) fail('BIZ015', `payments sum to ${paid}, GrandTotalAmount is ${p.amounts.total}`);
  }
}

function lateFlags(p: ParsedStandardInvoice, receivedAt: Date): string[] {
  const flags: string[] = [];
  const signedDay = p.issueDateTime.slice(0, 8);
  // 발급 by the 10th of the month after the write date (NTS.md §3.2)
  const y = Number(p.writeDate.slice(0, 4));
  const m = Number(p.writeDate.slice(4, 6));
  const deadline = `${m === 12 ? y + 1 : y}${String(m === 12 ? 1 : m + 1).padStart(2, '0')}10`;
  if (signedDay > deadline) flags.push('late_issue');
  const signed = kstDateTime(p.issueDateTime);
  if (signed) {
    const next = new Date(signed.getTime() + 24 * 3600_000);
    if (kstDay(receivedAt) > kstDay(next)) flags.push('late_transmission');
  }
  return flags;
}

/**
 * The first stage of a check, which needs nothing but the invoice (SIG005 … SIG004: R value, syntax, structure,
 * formats, signature, certificate, VID): the costly part (XML parsing, C14N, RSA). Its answer is plain data
 * (structured-clone safe), so it may run on a worker thread (invoice-check-pool.ts).
 */
export type InvoicePrecheck = { issueId: string; parsed: ParsedStandardInvoice } | { issueId: string; code: string; detail: string };

/** Stage 1 of checkInvoice. Never throws. */
export function precheckInvoice(item: { rValue: Uint8Array; signedXml: Uint8Array }): InvoicePrecheck {
  const xml = Buffer.from(item.signedXml.buffer, item.signedXml.byteOffset, item.signedXml.byteLength).toString('utf8');
  const issueId = /<IssueID>\s*([^<]*?)\s*<\/IssueID>/.exec(xml)?.[1] ?? '';
  try {
    if (item.rValue.byteLength === 0) fail('SIG005', 'SignerRvalue is empty');
    // one DOM for the structure, the length checks and the signature (all only read it); a document it cannot parse
    // is SYN001, so the content parse below need not check well-formedness again
    let dom: Document;
    try {
      dom = parseXmlStrict(normalizeXmlText(xml));
    } catch (err) {
      return fail('SYN001', `not well-formed XML (${(err as Error).message})`);
    }
    let parsed: ParsedStandardInvoice;
    try {
      parsed = parseStandardXml(xml, { wellFormed: true });
    } catch (err) {
      if (err instanceof StandardXmlError) fail(err.path === '/' || err.path === '/TaxInvoice' ? 'SYN001' : 'SYN002', err.message);
      throw err;
    }
    const structure = checkInvoiceStructure(dom.documentElement!);
    if (structure) fail('SYN004', structure);
    checkFormats(parsed!, dom);
    checkSignature(dom, parsed!, Buffer.from(item.rValue.buffer, item.rValue.byteOffset, item.rValue.byteLength));
    return { issueId, parsed: parsed! };
  } catch (err) {
    if (err instanceof Reject) return { issueId, code: err.code, detail: err.detail };
    return { issueId, code: 'SYN001', detail: (err as Error).message };
  }
}

/** Stage 2 of checkInvoice: the business rules and the registry (BIZ…, DUP001/SYN003, SUC001). Never throws. */
export function finishInvoiceCheck(pre: InvoicePrecheck, ctx: InvoiceCheckContext): InvoiceCheck {
  if (!('parsed' in pre)) return { issueId: pre.issueId, code: pre.code, detail: pre.detail, flags: [] };
  const p = pre.parsed;
  try {
    checkBusinessRules(p, ctx);
    const known = ctx.registered(p.issueId);
    if (known) {
      if (known.invoicerId !== p.invoicer.id) fail('DUP001', `IssueID ${p.issueId} is registered for ${known.invoicerId}`);
      return { issueId: p.issueId, code: 'SYN003', accepted: known, flags: [] };
    }
    return { issueId: p.issueId, code: 'SUC001', accepted: { issueId: p.issueId, invoicerId: p.invoicer.id, typeCode: p.typeCode }, flags: lateFlags(p, ctx.receivedAt) };
  } catch (err) {
    if (err instanceof Reject) return { issueId: pre.issueId, code: err.code, detail: err.detail, flags: [] };
    return { issueId: pre.issueId, code: 'SYN001', detail: (err as Error).message, flags: [] };
  }
}

/** Check one packaged invoice. Never throws: every problem becomes a result code. */
export function checkInvoice(item: { rValue: Buffer; signedXml: Buffer }, ctx: InvoiceCheckContext): InvoiceCheck {
  return finishInvoiceCheck(precheckInvoice(item), ctx);
}
