/**
 * The element order of the standard TaxInvoice (NTS.md §1.1; the XSD is sequence-based but not public, so this
 * is the model reconstructed there), and a checker that walks a parsed document's elements against it.
 */
import type { Element } from '@xmldom/xmldom';

export interface ElementModel {
  name: string;
  min: number;
  max: number;
  /** Child sequence; undefined = a leaf (text only); 'any' = content not checked (ds:Signature). */
  children?: ElementModel[] | 'any';
}

const el = (name: string, min: number, max: number, children?: ElementModel[] | 'any'): ElementModel => ({ name, min, max, ...(children ? { children } : {}) });
const leaf = (name: string, min = 0, max = 1) => el(name, min, max);

const contact = (name: string) =>
  el(name, 0, 1, [leaf('DepartmentNameText'), leaf('PersonNameText'), leaf('TelephoneCommunication'), leaf('URICommunication')]);

const businessParty = (name: string, min: number) =>
  el(name, min, 1, [
    leaf('ID', 1),
    leaf('TypeCode'),
    leaf('NameText', 1),
    leaf('ClassificationCode'),
    el('SpecifiedOrganization', 0, 1, [leaf('TaxRegistrationID')]),
    el('SpecifiedPerson', 0, 1, [leaf('NameText', 1)]),
    contact('DefinedContact'),
    el('SpecifiedAddress', 0, 1, [leaf('LineOneText')]),
  ]);

const invoiceeParty = el('InvoiceeParty', 1, 1, [
  leaf('ID', 1),
  leaf('TypeCode'),
  leaf('NameText', 1),
  leaf('ClassificationCode'),
  el('SpecifiedOrganization', 0, 1, [leaf('TaxRegistrationID'), leaf('BusinessTypeCode')]),
  el('SpecifiedPerson', 0, 1, [leaf('NameText', 1)]),
  contact('PrimaryDefinedContact'),
  contact('SecondaryDefinedContact'),
  el('SpecifiedAddress', 0, 1, [leaf('LineOneText')]),
]);

export const TAX_INVOICE_MODEL: ElementModel = el('TaxInvoice', 1, 1, [
  el('ExchangedDocument', 1, 1, [leaf('ID'), leaf('IssueDateTime', 1), el('ReferencedDocument', 0, 1, [leaf('ID')])]),
  el('ds:Signature', 0, 1, 'any'),
  el('TaxInvoiceDocument', 1, 1, [
    leaf('IssueID', 1),
    leaf('TypeCode', 1),
    leaf('DescriptionText', 0, 3),
    leaf('IssueDateTime', 1),
    leaf('AmendmentStatusCode'),
    leaf('PurposeCode'),
    leaf('OriginalIssueID'),
    el('ReferencedImportDocument', 0, 1, [
      leaf('ID'),
      leaf('ItemQuantity'),
      el('AcceptablePeriod', 0, 1, [leaf('StartDateTime'), leaf('EndDateTime')]),
    ]),
  ]),
  el('TaxInvoiceTradeSettlement', 1, 1, [
    businessParty('InvoicerParty', 1),
    invoiceeParty,
    businessParty('BrokerParty', 0),
    el('SpecifiedPaymentMeans', 0, 4, [leaf('TypeCode', 1), leaf('PaidAmount', 1)]),
    el('SpecifiedMonetarySummation', 1, 1, [leaf('ChargeTotalAmount', 1), leaf('TaxTotalAmount'), leaf('GrandTotalAmount', 1)]),
  ]),
  el('TaxInvoiceTradeLineItem', 1, 99, [
    leaf('SequenceNumeric', 1),
    leaf('DescriptionText'),
    leaf('InvoiceAmount', 1),
    leaf('ChargeableUnitQuantity'),
    leaf('InformationText'),
    leaf('NameText'),
    leaf('PurchaseExpiryDateTime'),
    el('TotalTax', 0, 1, [leaf('CalculatedAmount')]),
    el('UnitPrice', 0, 1, [leaf('UnitAmount')]),
  ]),
]);

interface TreeNode {
  name: string;
  path: string;
  children: TreeNode[];
}

/** The element tree under `el` (element children only, qualified names as written, e.g. `ds:Signature`). */
function treeOf(el: Element, parentPath = ''): TreeNode {
  const path = `${parentPath}/${el.nodeName}`;
  const node: TreeNode = { name: el.nodeName, path, children: [] };
  for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) node.children.push(treeOf(c as Element, path));
  return node;
}

/** Match a node's children against a sequence model; returns the first problem, or undefined. */
function checkChildren(node: TreeNode, model: ElementModel[]): string | undefined {
  let i = 0;
  for (const m of model) {
    let count = 0;
    while (i < node.children.length && node.children[i]!.name === m.name) {
      const child = node.children[i]!;
      if (m.children === undefined && child.children.length > 0) return `${child.path}: must hold text only`;
      if (Array.isArray(m.children)) {
        const problem = checkChildren(child, m.children);
        if (problem) return problem;
      }
      count++;
      i++;
    }
    if (count < m.min) {
      const next = node.children[i];
      if (next && !model.some((x) => x.name === next.name)) return `${next.path}: unknown element`;
      return `${node.path}/${m.name}: required element missing or out of order`;
    }
    if (count > m.max) return `${node.path}/${m.name}: at most ${m.max} allowed`;
  }
  if (i < node.children.length) {
    const extra = node.children[i]!;
    return `${extra.path}: unknown or out-of-order element`;
  }
  return undefined;
}

/**
 * Structure/order problem of a standard TaxInvoice XML, given its parsed root element (the one DOM the other checks
 * read too: issue 13, the in-process simulator's checks bound the embedded default's filing), or undefined when it
 * follows the model.
 */
export function checkInvoiceStructure(root: Element): string | undefined {
  const tree = treeOf(root);
  if (tree.name !== TAX_INVOICE_MODEL.name) return '/: the root element must be TaxInvoice';
  return checkChildren(tree, TAX_INVOICE_MODEL.children as ElementModel[]);
}

/** Maximum text length per element path suffix (NTS.md §1.1; lengths counted in characters). */
export const MAX_LENGTHS: [RegExp, number][] = [
  [/\/ExchangedDocument\/ID$/, 24],
  [/\/ReferencedDocument\/ID$/, 24],
  [/\/TaxInvoiceDocument\/DescriptionText$/, 150],
  [/Party\/TypeCode$/, 40],
  [/Party\/NameText$/, 70],
  [/Party\/ClassificationCode$/, 40],
  [/SpecifiedPerson\/NameText$/, 30],
  [/DepartmentNameText$/, 40],
  [/PersonNameText$/, 30],
  [/TelephoneCommunication$/, 20],
  [/URICommunication$/, 40],
  [/LineOneText$/, 150],
  [/TaxInvoiceTradeLineItem\/DescriptionText$/, 100],
  [/TaxInvoiceTradeLineItem\/InformationText$/, 60],
  [/TaxInvoiceTradeLineItem\/NameText$/, 100],
  [/ReferencedImportDocument\/ID$/, 15],
];
