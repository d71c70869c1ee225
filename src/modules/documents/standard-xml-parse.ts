/**
 * Reading a standard TaxInvoice XML (signed or not) back into the fields the NTS simulator checks.
 * Values are returned as the exact trimmed text of the elements (amounts too), so the simulator can
 * judge formats itself (e.g. INV200 "no decimals"). Required elements that are missing throw a
 * StandardXmlError naming the element path; optional ones come back undefined.
 * `listElementPaths` gives the document-order element paths for structure/order checks.
 *
 * Namespaces: the standard elements are expected unprefixed in the KEC default namespace (the form every
 * known implementation writes); the root's `xmlns` is checked. Prefixed foreign elements (ds:Signature)
 * are ignored except for the `signed` flag.
 */
import { XMLParser } from 'fast-xml-parser';
import { TAX_INVOICE_NAMESPACE } from './standard-xml-namespace.ts';

export class StandardXmlError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'StandardXmlError';
    this.path = path;
  }
}

export interface ParsedParty {
  id: string;
  /** 종사업장번호. */
  subBizno?: string;
  name: string;
  ceoName?: string;
  /** DefinedContact (invoicer/broker) or PrimaryDefinedContact (invoicee) e-mail. */
  email?: string;
}

export interface ParsedInvoicee extends ParsedParty {
  /** 01 사업자, 02 주민, 03 외국인. */
  businessTypeCode?: string;
  secondaryEmail?: string;
}

export interface ParsedLine {
  sequence: string;
  supply: string;
  tax?: string;
  quantity?: string;
  unitPrice?: string;
  name?: string;
  /** PurchaseExpiryDateTime YYYYMMDD. */
  date?: string;
}

export interface ParsedStandardInvoice {
  exchangeId?: string;
  /** ExchangedDocument/IssueDateTime YYYYMMDDhhmmss. */
  issueDateTime: string;
  issueId: string;
  typeCode: string;
  /** TaxInvoiceDocument/IssueDateTime = 작성일자 YYYYMMDD. */
  writeDate: string;
  purposeCode?: string;
  amendmentStatusCode?: string;
  originalIssueId?: string;
  remarks: string[];
  invoicer: ParsedParty;
  invoicee: ParsedInvoicee;
  broker?: ParsedParty;
  payments: Array<{ typeCode: string; amount: string }>;
  amounts: { supply: string; tax?: string; total: string };
  lines: ParsedLine[];
  /** True when a ds:Signature element is present. */
  signed: boolean;
}

type Node = Record<string, unknown>;

const REPEATED = new Set([
  'TaxInvoice.TaxInvoiceDocument.DescriptionText',
  'TaxInvoice.TaxInvoiceTradeSettlement.SpecifiedPaymentMeans',
  'TaxInvoice.TaxInvoiceTradeLineItem',
]);

function stripBom(xml: string): string {
  return xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
}

function parserFor(preserveOrder: boolean): XMLParser {
  return new XMLParser({
    parseTagValue: false,
    parseAttributeValue: false,
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: false,
    trimValues: true,
    preserveOrder,
    processEntities: true,
    // character references too (`&#13;`: a CR in a multi-line field, see platform/xml-text.ts)
    htmlEntities: true,
    isArray: (_name, jpath) => REPEATED.has(String(jpath)),
  });
}

function asNode(value: unknown): Node | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Node) : undefined;
}

/** Text of a leaf (a string, or an object with #text when the element had attributes). */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const node = asNode(value);
  const text = node?.['#text'];
  return typeof text === 'string' ? text : undefined;
}

function optional(parent: Node | undefined, ...names: string[]): string | undefined {
  let cur: unknown = parent;
  for (const name of names) cur = asNode(cur)?.[name];
  const text = textOf(cur);
  return text === undefined || text === '' ? undefined : text;
}

function need(parent: Node | undefined, path: string, ...names: string[]): string {
  const text = optional(parent, ...names);
  if (text === undefined) throw new StandardXmlError(`${path}/${names.join('/')}`, 'required element missing');
  return text;
}

function needNode(parent: Node | undefined, path: string, name: string): Node {
  const node = asNode(parent?.[name]);
  if (!node) throw new StandardXmlError(`${path}/${name}`, 'required element missing');
  return node;
}

function list(value: unknown): Node[] {
  return Array.isArray(value) ? value.map(asNode).filter((n): n is Node => n !== undefined) : [];
}

function party(node: Node, path: string, contactName: string): ParsedParty {
  const out: ParsedParty = { id: need(node, path, 'ID'), name: need(node, path, 'NameText') };
  const subBizno = optional(node, 'SpecifiedOrganization', 'TaxRegistrationID');
  const ceoName = optional(node, 'SpecifiedPerson', 'NameText');
  const email = optional(node, contactName, 'URICommunication');
  if (subBizno !== undefined) out.subBizno = subBizno;
  if (ceoName !== undefined) out.ceoName = ceoName;
  if (email !== undefined) out.email = email;
  return out;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Parse a standard TaxInvoice XML. Throws StandardXmlError on a wrong root/namespace or a missing required element.
 * `wellFormed`: the caller has already parsed the text with a strict XML parser (the NTS simulator's DOM), so the
 * validating pass that refuses what is not well-formed is skipped.
 */
export function parseStandardXml(xml: string, opts: { wellFormed?: boolean } = {}): ParsedStandardInvoice {
  let parsed: Node;
  try {
    parsed = parserFor(false).parse(stripBom(xml), opts.wellFormed !== true) as Node;
  } catch (err) {
    throw new StandardXmlError('/', `not well-formed XML (${(err as Error).message ?? String(err)})`);
  }
  const root = asNode(parsed['TaxInvoice']);
  if (!root) throw new StandardXmlError('/TaxInvoice', 'root element TaxInvoice missing');
  if (root['@_xmlns'] !== TAX_INVOICE_NAMESPACE) throw new StandardXmlError('/TaxInvoice', `namespace must be ${TAX_INVOICE_NAMESPACE}`);

  const exchanged = needNode(root, '/TaxInvoice', 'ExchangedDocument');
  const document = needNode(root, '/TaxInvoice', 'TaxInvoiceDocument');
  const settlement = needNode(root, '/TaxInvoice', 'TaxInvoiceTradeSettlement');
  const sp = '/TaxInvoice/TaxInvoiceTradeSettlement';
  const invoicerNode = needNode(settlement, sp, 'InvoicerParty');
  const invoiceeNode = needNode(settlement, sp, 'InvoiceeParty');
  const brokerNode = asNode(settlement['BrokerParty']);
  const summation = needNode(settlement, sp, 'SpecifiedMonetarySummation');

  const lineNodes = list(root['TaxInvoiceTradeLineItem']);
  if (lineNodes.length === 0) throw new StandardXmlError('/TaxInvoice/TaxInvoiceTradeLineItem', 'at least one line item required');

  const invoicee: ParsedInvoicee = withoutUndefined({
    ...party(invoiceeNode, `${sp}/InvoiceeParty`, 'PrimaryDefinedContact'),
    businessTypeCode: optional(invoiceeNode, 'SpecifiedOrganization', 'BusinessTypeCode'),
    secondaryEmail: optional(invoiceeNode, 'SecondaryDefinedContact', 'URICommunication'),
  });

  const result: ParsedStandardInvoice = withoutUndefined({
    exchangeId: optional(exchanged, 'ID'),
    issueDateTime: need(exchanged, '/TaxInvoice/ExchangedDocument', 'IssueDateTime'),
    issueId: need(document, '/TaxInvoice/TaxInvoiceDocument', 'IssueID'),
    typeCode: need(document, '/TaxInvoice/TaxInvoiceDocument', 'TypeCode'),
    writeDate: need(document, '/TaxInvoice/TaxInvoiceDocument', 'IssueDateTime'),
    purposeCode: optional(document, 'PurposeCode'),
    amendmentStatusCode: optional(document, 'AmendmentStatusCode'),
    originalIssueId: optional(document, 'OriginalIssueID'),
    remarks: (Array.isArray(document['DescriptionText']) ? document['DescriptionText'] : [])
      .map(textOf)
      .filter((t): t is string => t !== undefined && t !== ''),
    invoicer: party(invoicerNode, `${sp}/InvoicerParty`, 'DefinedContact'),
    invoicee,
    broker: brokerNode ? party(brokerNode, `${sp}/BrokerParty`, 'DefinedContact') : undefined,
    payments: list(settlement['SpecifiedPaymentMeans']).map((p, i) => ({
      typeCode: need(p, `${sp}/SpecifiedPaymentMeans[${i + 1}]`, 'TypeCode'),
      amount: need(p, `${sp}/SpecifiedPaymentMeans[${i + 1}]`, 'PaidAmount'),
    })),
    amounts: withoutUndefined({
      supply: need(summation, `${sp}/SpecifiedMonetarySummation`, 'ChargeTotalAmount'),
      tax: optional(summation, 'TaxTotalAmount'),
      total: need(summation, `${sp}/SpecifiedMonetarySummation`, 'GrandTotalAmount'),
    }),
    lines: lineNodes.map((line, i) => {
      const lp = `/TaxInvoice/TaxInvoiceTradeLineItem[${i + 1}]`;
      return withoutUndefined({
        sequence: need(line, lp, 'SequenceNumeric'),
        supply: need(line, lp, 'InvoiceAmount'),
        tax: optional(line, 'TotalTax', 'CalculatedAmount'),
        quantity: optional(line, 'ChargeableUnitQuantity'),
        unitPrice: optional(line, 'UnitPrice', 'UnitAmount'),
        name: optional(line, 'NameText'),
        date: optional(line, 'PurchaseExpiryDateTime'),
      });
    }),
    signed: Object.keys(root).some((k) => k === 'Signature' || k.endsWith(':Signature')),
  });
  return result;
}

type OrderedNode = Record<string, unknown> & { ':@'?: unknown };

function walk(nodes: unknown, prefix: string, out: string[]): void {
  if (!Array.isArray(nodes)) return;
  for (const raw of nodes as OrderedNode[]) {
    for (const key of Object.keys(raw)) {
      if (key === ':@' || key === '#text' || key.startsWith('?')) continue;
      const path = `${prefix}/${key}`;
      out.push(path);
      walk(raw[key], path, out);
    }
  }
}

/**
 * Element paths in document order, qualified names as written (e.g. `ds:Signature`), e.g. ['/TaxInvoice',
 * '/TaxInvoice/ExchangedDocument', '/TaxInvoice/ExchangedDocument/ID', …]. For structure and order checks.
 */
export function listElementPaths(xml: string): string[] {
  const tree = parserFor(true).parse(stripBom(xml), true) as unknown;
  const out: string[] = [];
  walk(tree, '', out);
  return out;
}
