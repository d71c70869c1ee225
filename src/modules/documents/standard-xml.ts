/**
 * The unsigned NTS standard TaxInvoice XML (NTS.md §1.1, samples in shared/reference/kec-taxinvoice):
 *
 *   TaxInvoice (KEC namespace, xsi:schemaLocation)
 *     ExchangedDocument            ID?, IssueDateTime (KST YYYYMMDDhhmmss), ReferencedDocument/ID?
 *     TaxInvoiceDocument           IssueID, TypeCode, DescriptionText{0..3}, IssueDateTime (작성일자),
 *                                  AmendmentStatusCode?, PurposeCode, OriginalIssueID?
 *     TaxInvoiceTradeSettlement    InvoicerParty, InvoiceeParty, BrokerParty?, SpecifiedPaymentMeans{0|4},
 *                                  SpecifiedMonetarySummation
 *     TaxInvoiceTradeLineItem+     SequenceNumeric, DescriptionText?, InvoiceAmount, ChargeableUnitQuantity?,
 *                                  InformationText?, NameText?, PurchaseExpiryDateTime?, TotalTax, UnitPrice?
 *
 * The signature (`ds:Signature`, before TaxInvoiceDocument) is added later by the signing step.
 * Optional elements without a value are omitted. The output is compact (no indentation), UTF-8,
 * without BOM. The document must have passed `validateDocument`.
 */
import { formatKstDateTime, joinCompactDate, splitCompactDate } from './dates.ts';
import { isValidIssueId } from './issue-id.ts';
import { PAYMENT_MEAN_CODES, PAYMENT_MEANS, PURPOSE_CODES, type DocumentInput, type DocumentLine } from './model.ts';
import { TAX_INVOICE_NAMESPACE, TAX_INVOICE_SCHEMA_LOCATION, XSI_NAMESPACE } from './standard-xml-namespace.ts';
import { businessPartyNode, invoiceePartyNode } from './standard-xml-parties.ts';
import { typeCodeOf } from './type-code.ts';
import { group, leaf, required, serializeXmlTree, type SerializeOptions, type XmlNode } from './xml-node.ts';
import type { WrittenTaxInvoice } from '../signing/written-tax-invoice.ts';

const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

export interface StandardXmlMeta {
  /** 승인번호, 24 digits (issue-id.ts). */
  issueId: string;
  /** 발행일시 (signing time); written as KST YYYYMMDDhhmmss. */
  issueDateTime: Date;
  /** ExchangedDocument/ID: the service provider's 관리번호 (≤ 24). Omitted when absent. */
  exchangeId?: string;
  /** ExchangedDocument/ReferencedDocument/ID: 관리번호 printed on the form. Omitted when absent. */
  referencedDocumentId?: string;
  prettyPrint?: boolean;
}

export function exchangedDocumentNode(meta: StandardXmlMeta): XmlNode {
  return required('ExchangedDocument', [
    leaf('ID', meta.exchangeId),
    leaf('IssueDateTime', formatKstDateTime(meta.issueDateTime)),
    group('ReferencedDocument', [leaf('ID', meta.referencedDocumentId)]),
  ]);
}

export function invoiceDocumentNode(doc: DocumentInput, issueId: string): XmlNode {
  return required('TaxInvoiceDocument', [
    leaf('IssueID', issueId),
    leaf('TypeCode', typeCodeOf(doc)),
    ...(doc.remarks ?? []).slice(0, 3).map((r) => leaf('DescriptionText', r)),
    leaf('IssueDateTime', doc.writeDate),
    leaf('AmendmentStatusCode', doc.amendment?.reasonCode),
    leaf('PurposeCode', PURPOSE_CODES[doc.purpose]),
    leaf('OriginalIssueID', doc.amendment?.originalIssueId),
  ]);
}

/**
 * SpecifiedPaymentMeans: when any payment amount is non-zero, all four means are written (missing = 0),
 * as the certification samples do; otherwise none (payment means are optional for NTS).
 */
export function paymentMeansNodes(doc: DocumentInput): XmlNode[] {
  const payments = doc.payments;
  if (!payments || PAYMENT_MEANS.every((m) => (payments[m] ?? 0) === 0)) return [];
  return PAYMENT_MEANS.map((m) => required('SpecifiedPaymentMeans', [leaf('TypeCode', PAYMENT_MEAN_CODES[m]), leaf('PaidAmount', payments[m] ?? 0)]));
}

export function monetarySummationNode(doc: DocumentInput): XmlNode {
  return required('SpecifiedMonetarySummation', [
    leaf('ChargeTotalAmount', doc.amounts.supply),
    leaf('TaxTotalAmount', doc.amounts.tax),
    leaf('GrandTotalAmount', doc.amounts.total),
  ]);
}

export function tradeSettlementNode(doc: DocumentInput): XmlNode {
  return required('TaxInvoiceTradeSettlement', [
    businessPartyNode('InvoicerParty', doc.supplier),
    invoiceePartyNode(doc.buyer),
    doc.consignment && doc.trustee ? businessPartyNode('BrokerParty', doc.trustee) : undefined,
    ...paymentMeansNodes(doc),
    monetarySummationNode(doc),
  ]);
}

/** 공급일 YYYYMMDD in the write date's year, when the line has a month and day. */
function lineDate(line: DocumentLine, writeDate: string): string | undefined {
  if (line.month === undefined || line.day === undefined) return undefined;
  return joinCompactDate(splitCompactDate(writeDate).year, line.month, line.day);
}

export function lineItemNode(line: DocumentLine, index: number, writeDate: string): XmlNode {
  return required('TaxInvoiceTradeLineItem', [
    leaf('SequenceNumeric', index + 1),
    leaf('DescriptionText', line.remark),
    leaf('InvoiceAmount', line.supply),
    leaf('ChargeableUnitQuantity', line.quantity),
    leaf('InformationText', line.spec),
    leaf('NameText', line.name),
    leaf('PurchaseExpiryDateTime', lineDate(line, writeDate)),
    group('TotalTax', [leaf('CalculatedAmount', line.tax)]),
    group('UnitPrice', [leaf('UnitAmount', line.unitPrice)]),
  ]);
}

/** The whole TaxInvoice tree (for callers that post-process nodes, e.g. tests). */
export function standardXmlTree(doc: DocumentInput, meta: StandardXmlMeta): XmlNode {
  if (!isValidIssueId(meta.issueId)) throw new RangeError(`standard xml: bad issue id ${meta.issueId}`);
  return required('TaxInvoice', [
    exchangedDocumentNode(meta),
    invoiceDocumentNode(doc, meta.issueId),
    tradeSettlementNode(doc),
    ...doc.lines.map((line, i) => lineItemNode(line, i, doc.writeDate)),
  ]);
}

/** The unsigned standard XML of a validated document. */
export function buildStandardXml(doc: DocumentInput, meta: StandardXmlMeta): string {
  return serializeXmlTree(standardXmlTree(doc, meta), { ...STANDARD_XML_ROOT, prettyPrint: meta.prettyPrint ?? false });
}

/** The root's namespace and attributes of the standard XML, as serializeXmlTree (or serializeXmlTreeWithBuilder) takes them. */
export const STANDARD_XML_ROOT: SerializeOptions = {
  namespace: TAX_INVOICE_NAMESPACE,
  attributes: [
    [XMLNS_NAMESPACE, 'xmlns:xsi', XSI_NAMESPACE],
    [XSI_NAMESPACE, 'xsi:schemaLocation', TAX_INVOICE_SCHEMA_LOCATION],
  ],
};

/**
 * The same XML as `buildStandardXml` (compact), as the signer's direct writer takes it: the tree and the root's
 * declarations (signing/written-tax-invoice.ts writes the text and its canonical form in one walk, no parse).
 */
export function writtenStandardXml(doc: DocumentInput, meta: StandardXmlMeta): WrittenTaxInvoice {
  return {
    root: standardXmlTree(doc, meta),
    namespace: TAX_INVOICE_NAMESPACE,
    namespaces: [['xsi', XSI_NAMESPACE]],
    attributes: [['xsi:schemaLocation', TAX_INVOICE_SCHEMA_LOCATION]],
  };
}

export { TAX_INVOICE_NAMESPACE, TAX_INVOICE_SCHEMA_LOCATION } from './standard-xml-namespace.ts';
export { parseStandardXml, listElementPaths, StandardXmlError, type ParsedStandardInvoice } from './standard-xml-parse.ts';
