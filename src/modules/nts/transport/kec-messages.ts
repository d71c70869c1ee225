/**
 * The six KEC messages of NTS.md §4.1 as HTTP bodies, for both ends (our gateway and the shipped simulator):
 *
 *   ASP → NTS  TaxInvoiceSubmit   (01/01)  kec:RequestMessage{SubmitID, TotalCount, ReferenceID} + CMS package
 *   NTS → ASP  TaxInvoiceRecvAck  (01/02)  kec:ResponseMessage{RefSubmitID} + TaxInvoiceResponse (sync)
 *   NTS → ASP  ResultsSubmit      (02/01)  kec:RequestMessage{ResultID, ReferenceID} + TaxInvoiceResponse (push to ReplyTo)
 *   ASP → NTS  ResultsRecvAck     (02/02)  kec:ResponseMessage{RefResultID}, wsa:RelatesTo = the push's MessageID
 *   ASP → NTS  ResultsReqSubmit   (03/01)  kec:RequestMessage{RefSubmitID}                (poll)
 *   NTS → ASP  ResultsReqRecvAck  (03/02)  kec:ResponseMessage{RefSubmitID} + TaxInvoiceResponse
 *
 * Every message is WS-Security-signed by its sender; attachments travel as multipart/related parts.
 */
import { buildMultipartRelated, readSoapBody, type MultipartMessage } from './mime-multipart.ts';
import {
  ACTION,
  NS,
  buildSoapEnvelope,
  faultBody,
  findChild,
  kecElements,
  kecText,
  kecTimeStamp,
  newMessageId,
  parseSoapEnvelope,
  type Party,
  type ParsedSoap,
  type SoapSigner,
} from './soap-message.ts';
import { buildTaxInvoiceResponse, parseTaxInvoiceResponse, type TaxInvoiceResponse } from './tax-invoice-response.ts';

export const RESPONSE_PART_ID = 'TaxInvoiceResponse';

export interface Endpoint {
  /** wsa:To */
  to: string;
  from: Party;
  toParty: Party;
  signer: SoapSigner;
  at?: Date;
}

function header(e: Endpoint, action: string, operationType: string, messageType: string, extra: { replyTo?: string; relatesTo?: string } = {}) {
  const at = e.at ?? new Date();
  return {
    messageId: newMessageId(at),
    to: e.to,
    action,
    from: e.from,
    toParty: e.toParty,
    operationType,
    messageType,
    timeStamp: kecTimeStamp(at),
    ...(extra.replyTo !== undefined ? { replyTo: extra.replyTo } : {}),
    ...(extra.relatesTo !== undefined ? { relatesTo: extra.relatesTo } : {}),
  };
}

export interface BuiltMessage extends MultipartMessage {
  messageId: string;
  action: string;
}

function withAttachment(h: ReturnType<typeof header>, body: string, signer: SoapSigner, contentId: string, bytes: Buffer): BuiltMessage {
  const soap = buildSoapEnvelope({ header: h, body, signer, attachment: { contentId, bytes } });
  return { ...buildMultipartRelated(soap, [{ contentId, body: bytes }]), messageId: h.messageId, action: h.action };
}

function bare(h: ReturnType<typeof header>, body: string, signer: SoapSigner): BuiltMessage {
  const soap = buildSoapEnvelope({ header: h, body, signer });
  return { contentType: 'text/xml; charset=UTF-8', body: Buffer.from(soap, 'utf8'), messageId: h.messageId, action: h.action };
}

// ---------------------------------------------------------------------------------------------
// Builders

export function buildSubmit(e: Endpoint, m: { replyTo: string; submitId: string; totalCount: number; referenceId: string; cms: Buffer }): BuiltMessage {
  const body = `<kec:RequestMessage>${kecElements([
    ['SubmitID', m.submitId],
    ['TotalCount', m.totalCount],
    ['ReferenceID', m.referenceId],
  ])}</kec:RequestMessage>`;
  return withAttachment(header(e, ACTION.submit, '01', '01', { replyTo: m.replyTo }), body, e.signer, m.referenceId, m.cms);
}

export function buildSubmitAck(e: Endpoint, relatesTo: string | undefined, response: TaxInvoiceResponse): BuiltMessage {
  const body = `<kec:ResponseMessage>${kecElements([['RefSubmitID', response.refSubmitId]])}</kec:ResponseMessage>`;
  return withAttachment(header(e, ACTION.submitAck, '01', '02', relatesTo ? { relatesTo } : {}), body, e.signer, RESPONSE_PART_ID, Buffer.from(buildTaxInvoiceResponse(response), 'utf8'));
}

export function buildResultsPush(e: Endpoint, m: { resultId: string; response: TaxInvoiceResponse }): BuiltMessage {
  const body = `<kec:RequestMessage>${kecElements([
    ['ResultID', m.resultId],
    ['ReferenceID', RESPONSE_PART_ID],
  ])}</kec:RequestMessage>`;
  return withAttachment(header(e, ACTION.results, '02', '01'), body, e.signer, RESPONSE_PART_ID, Buffer.from(buildTaxInvoiceResponse(m.response), 'utf8'));
}

export function buildResultsRecvAck(e: Endpoint, m: { relatesTo: string | undefined; refResultId: string }): BuiltMessage {
  const body = `<kec:ResponseMessage>${kecElements([['RefResultID', m.refResultId]])}</kec:ResponseMessage>`;
  return bare(header(e, ACTION.resultsAck, '02', '02', m.relatesTo ? { relatesTo: m.relatesTo } : {}), body, e.signer);
}

export function buildResultsRequest(e: Endpoint, m: { submitId: string }): BuiltMessage {
  const body = `<kec:RequestMessage>${kecElements([['RefSubmitID', m.submitId]])}</kec:RequestMessage>`;
  return bare(header(e, ACTION.resultsRequest, '03', '01'), body, e.signer);
}

export function buildResultsRequestAck(e: Endpoint, relatesTo: string | undefined, response: TaxInvoiceResponse): BuiltMessage {
  const body = `<kec:ResponseMessage>${kecElements([['RefSubmitID', response.refSubmitId]])}</kec:ResponseMessage>`;
  return withAttachment(header(e, ACTION.resultsRequestAck, '03', '02', relatesTo ? { relatesTo } : {}), body, e.signer, RESPONSE_PART_ID, Buffer.from(buildTaxInvoiceResponse(response), 'utf8'));
}

/** A SOAP Fault answer (HTTP 500). `Client`: the request is wrong and will stay wrong; `Server`: try again. */
export function buildFault(e: Endpoint, kind: 'Client' | 'Server', message: string, reasonCode?: string, relatesTo?: string): BuiltMessage {
  return bare(header(e, 'http://schemas.xmlsoap.org/soap/envelope/Fault', '00', '00', relatesTo ? { relatesTo } : {}), faultBody(kind, message, reasonCode), e.signer);
}

// ---------------------------------------------------------------------------------------------
// Readers

export interface ReadMessage {
  soap: ParsedSoap;
  attachments: Map<string, Buffer>;
}

/** Parse a SOAP message (multipart/related or bare text/xml). Throws MimeFormatError / SoapFormatError. */
export function readMessage(contentType: string | undefined, body: Buffer): ReadMessage {
  const { soapXml, attachments } = readSoapBody(contentType, body);
  return { soap: parseSoapEnvelope(soapXml, attachments), attachments };
}

/** kec:<name> text inside the Body's first element (RequestMessage / ResponseMessage). */
export function payloadText(m: ReadMessage, name: string): string | undefined {
  return m.soap.payload ? kecText(m.soap.payload, name) : undefined;
}

/** The TaxInvoiceResponse attachment of an ack, push or poll answer. */
export function responseDocument(m: ReadMessage): TaxInvoiceResponse {
  const ref = payloadText(m, 'ReferenceID') ?? RESPONSE_PART_ID;
  const part = m.attachments.get(ref) ?? m.attachments.get(RESPONSE_PART_ID) ?? [...m.attachments.values()][0];
  if (!part) throw new Error('the message carries no TaxInvoiceResponse part');
  return parseTaxInvoiceResponse(part);
}

export function isPayload(m: ReadMessage, local: string): boolean {
  return m.soap.payload?.namespaceURI === NS.kec && m.soap.payload.localName === local;
}

export { findChild };
