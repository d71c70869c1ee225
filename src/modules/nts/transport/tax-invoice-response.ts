/**
 * `TaxInvoiceResponse` — part 2 of the NTS acks and results (NTS.md §4.4; OpenETaxBill `URespHelper.cs`):
 *
 *   TaxInvoiceResponse/ResultDocument/
 *     RefSubmitID, ReceiptID, TypeCode, ResponseDateTime (yyyyMMddHHmmss), ProcessStatusCode,
 *     FailReasonStatusCode, TotalCountQuantity, SuccessCountQuantity, FailCountQuantity,
 *     ValidationDocument* { IssueID, ResultStatusCode }
 *
 * Values other than TypeCode "01" are not public; ours (docs/nts.md):
 *   TypeCode           01 accepted, 02 refused (FailReasonStatusCode says why)
 *   ProcessStatusCode  01 received / being validated, 02 validated (ValidationDocument per invoice), 99 refused
 */
import { XMLParser } from 'fast-xml-parser';
import { escapeXml } from './soap-message.ts';

export const RESPONSE_NS = 'urn:kr:or:kec:standard:Tax:ReusableAggregateBusinessInformationEntitySchemaModule:1:0';

export const TYPE_ACCEPTED = '01';
export const TYPE_REFUSED = '02';
export const PROCESS_RECEIVED = '01';
export const PROCESS_DONE = '02';
export const PROCESS_REFUSED = '99';

export interface InvoiceResult {
  issueId: string;
  code: string;
}

export interface TaxInvoiceResponse {
  refSubmitId: string;
  receiptId: string;
  typeCode: string;
  responseDateTime: string;
  processStatusCode: string;
  failReasonStatusCode?: string;
  totalCount: number;
  successCount: number;
  failCount: number;
  results: InvoiceResult[];
}

export function buildTaxInvoiceResponse(r: TaxInvoiceResponse): string {
  const el = (name: string, value: string | number | undefined) => (value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`);
  return (
    `<?xml version="1.0" encoding="UTF-8"?><TaxInvoiceResponse xmlns="${RESPONSE_NS}"><ResultDocument>` +
    el('RefSubmitID', r.refSubmitId) +
    el('ReceiptID', r.receiptId) +
    el('TypeCode', r.typeCode) +
    el('ResponseDateTime', r.responseDateTime) +
    el('ProcessStatusCode', r.processStatusCode) +
    el('FailReasonStatusCode', r.failReasonStatusCode) +
    el('TotalCountQuantity', r.totalCount) +
    el('SuccessCountQuantity', r.successCount) +
    el('FailCountQuantity', r.failCount) +
    r.results.map((v) => `<ValidationDocument>${el('IssueID', v.issueId)}${el('ResultStatusCode', v.code)}</ValidationDocument>`).join('') +
    `</ResultDocument></TaxInvoiceResponse>`
  );
}

const parser = new XMLParser({
  parseTagValue: false,
  ignoreAttributes: true,
  removeNSPrefix: true,
  trimValues: true,
  isArray: (name) => name === 'ValidationDocument',
});

export class ResponseFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResponseFormatError';
  }
}

export function parseTaxInvoiceResponse(xml: string | Buffer): TaxInvoiceResponse {
  let doc: Record<string, any>;
  try {
    doc = parser.parse(typeof xml === 'string' ? xml : xml.toString('utf8'), true) as Record<string, any>;
  } catch (err) {
    throw new ResponseFormatError(`TaxInvoiceResponse is not well-formed XML: ${(err as Error).message}`);
  }
  const rd = doc['TaxInvoiceResponse']?.['ResultDocument'];
  if (!rd || typeof rd !== 'object') throw new ResponseFormatError('TaxInvoiceResponse/ResultDocument missing');
  const str = (name: string): string | undefined => (typeof rd[name] === 'string' ? rd[name] : undefined);
  const num = (name: string): number => {
    const v = str(name);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : 0;
  };
  const need = (name: string): string => {
    const v = str(name);
    if (v === undefined) throw new ResponseFormatError(`TaxInvoiceResponse/ResultDocument/${name} missing`);
    return v;
  };
  const results: InvoiceResult[] = (Array.isArray(rd['ValidationDocument']) ? rd['ValidationDocument'] : []).map((v: Record<string, unknown>) => {
    if (typeof v['IssueID'] !== 'string' || typeof v['ResultStatusCode'] !== 'string') throw new ResponseFormatError('ValidationDocument without IssueID/ResultStatusCode');
    return { issueId: v['IssueID'], code: v['ResultStatusCode'] };
  });
  const failReason = str('FailReasonStatusCode');
  return {
    refSubmitId: need('RefSubmitID'),
    receiptId: str('ReceiptID') ?? '',
    typeCode: need('TypeCode'),
    responseDateTime: str('ResponseDateTime') ?? '',
    processStatusCode: str('ProcessStatusCode') ?? '',
    ...(failReason ? { failReasonStatusCode: failReason } : {}),
    totalCount: num('TotalCountQuantity'),
    successCount: num('SuccessCountQuantity'),
    failCount: num('FailCountQuantity'),
    results,
  };
}
