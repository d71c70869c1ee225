/**
 * The NTS gateway adapter: what the filing pipeline needs from the NTS, behind one interface.
 *
 *   submit(…)          transmit one prepared package (≤ 100 signed invoices) under its SubmitID
 *   requestResults(…)  poll the per-invoice results of a SubmitID
 *
 * `SoapNtsGateway` is the real transport (KEC SOAP 1.1 + WS-Security + SwA multipart over HTTP, NTS.md §4);
 * the shipped simulator (src/simulators/nts) speaks the same protocol, so the same class talks to both.
 * Transient trouble (network, time-out, HTTP 5xx, SOAP Server fault, unverifiable answer) is thrown as
 * NtsTransientError: the caller retries later with the same SubmitID and package. A refusal (SOAP Client
 * fault, TypeCode ≠ 01) is final for that package.
 */
import type { InvoiceResult } from './transport/tax-invoice-response.ts';
import { PROCESS_DONE, TYPE_ACCEPTED } from './transport/tax-invoice-response.ts';
import { buildResultsRequest, buildSubmit, readMessage, responseDocument, type BuiltMessage, type Endpoint, type ReadMessage } from './transport/kec-messages.ts';
import { ACTION, NTS_PARTY, type Party, type SoapSigner } from './transport/soap-message.ts';

export interface SubmitRequest {
  submitId: string;
  referenceId: string;
  totalCount: number;
  /** CMS EnvelopedData of the TaxInvoicePackage. */
  cms: Buffer;
  /** Where the NTS pushes the results (kec:ReplyTo). */
  replyTo: string;
}

export type SubmitOutcome = { kind: 'accepted'; receiptId: string } | { kind: 'refused'; code: string; detail: string };

export type ResultsOutcome =
  | { kind: 'processing' }
  | { kind: 'done'; results: InvoiceResult[] }
  /** NTS does not know the SubmitID (never received, or lost): transmit it again. */
  | { kind: 'unknown' }
  | { kind: 'refused'; code: string; detail: string };

export interface NtsGateway {
  /** The NTS encryption certificate (kmCert) packages are encrypted for. */
  encryptionCertificate(): Promise<Buffer>;
  /** Certificates whose signatures on NTS messages (acks, result pushes) are trusted. */
  trustedSignerCertificates(): Promise<Buffer[]>;
  submit(req: SubmitRequest): Promise<SubmitOutcome>;
  requestResults(submitId: string): Promise<ResultsOutcome>;
}

export class NtsTransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NtsTransientError';
  }
}

export interface SoapNtsGatewayOptions {
  /** Base URL of the NTS web services (…/services/SubmitEtaxInvoice and …/services/RequestResults are appended). */
  baseUrl: string;
  /** The NTS certificate: DER bytes, or a loader (e.g. fetch from the simulator's /kmCert.der). */
  ntsCertificate: Buffer | (() => Promise<Buffer>);
  /** Our (the ASP's) WS-Security signing key and certificate, created lazily. */
  aspSigner: () => Promise<SoapSigner>;
  aspParty: Party;
  timeoutMs: number;
}

export class SoapNtsGateway implements NtsGateway {
  private cert: Promise<Buffer> | undefined;

  constructor(private readonly opts: SoapNtsGatewayOptions) {}

  get submitUrl(): string {
    return `${this.opts.baseUrl.replace(/\/+$/, '')}/services/SubmitEtaxInvoice`;
  }

  get resultsUrl(): string {
    return `${this.opts.baseUrl.replace(/\/+$/, '')}/services/RequestResults`;
  }

  encryptionCertificate(): Promise<Buffer> {
    const source = this.opts.ntsCertificate;
    if (Buffer.isBuffer(source)) return Promise.resolve(source);
    this.cert ??= source().catch((err) => {
      this.cert = undefined;
      throw new NtsTransientError(`cannot load the NTS certificate: ${(err as Error).message}`, { cause: err });
    });
    return this.cert;
  }

  async trustedSignerCertificates(): Promise<Buffer[]> {
    return [await this.encryptionCertificate()];
  }

  private async endpoint(to: string): Promise<Endpoint> {
    return { to, from: this.opts.aspParty, toParty: NTS_PARTY, signer: await this.opts.aspSigner() };
  }

  /** POST a message; returns the parsed, signature-checked answer or throws NtsTransientError. */
  private async exchange(url: string, message: BuiltMessage): Promise<{ status: number; answer: ReadMessage }> {
    let res: Response;
    let body: Buffer;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': message.contentType, soapaction: `"${message.action}"`, accept: 'multipart/related, text/xml' },
        body: message.body,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      body = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      throw new NtsTransientError(`NTS ${url}: ${(err as Error).name === 'TimeoutError' ? `no answer within ${this.opts.timeoutMs} ms` : (err as Error).message}`, { cause: err });
    }
    const type = res.headers.get('content-type') ?? '';
    if (!/^(multipart\/related|text\/xml|application\/soap\+xml)/i.test(type)) throw new NtsTransientError(`NTS ${url}: HTTP ${res.status} (${type || 'no content type'})`);
    let answer: ReadMessage;
    try {
      answer = readMessage(type, body);
    } catch (err) {
      throw new NtsTransientError(`NTS ${url}: unreadable answer (HTTP ${res.status}): ${(err as Error).message}`, { cause: err });
    }
    const signer = answer.soap.signature;
    const trusted = await this.trustedSignerCertificates();
    if (!signer.valid || !signer.certDer || !trusted.some((c) => c.equals(signer.certDer!))) {
      throw new NtsTransientError(`NTS ${url}: answer signature not trusted (${signer.valid ? 'unknown signer' : signer.reason})`);
    }
    if (answer.soap.header.relatesTo !== undefined && answer.soap.header.relatesTo !== message.messageId) {
      throw new NtsTransientError(`NTS ${url}: answer relates to another message`);
    }
    return { status: res.status, answer };
  }

  private faultOutcome(answer: ReadMessage, status: number): { kind: 'refused'; code: string; detail: string } {
    const fault = answer.soap.fault!;
    if (!/Client$/.test(fault.code)) throw new NtsTransientError(`NTS fault ${fault.code} (HTTP ${status}): ${fault.message}`);
    return { kind: 'refused', code: fault.detailCode ?? 'MSG001', detail: fault.message };
  }

  async submit(req: SubmitRequest): Promise<SubmitOutcome> {
    const message = buildSubmit(await this.endpoint(this.submitUrl), {
      replyTo: req.replyTo,
      submitId: req.submitId,
      totalCount: req.totalCount,
      referenceId: req.referenceId,
      cms: req.cms,
    });
    const { status, answer } = await this.exchange(this.submitUrl, message);
    if (answer.soap.fault) return this.faultOutcome(answer, status);
    if (status !== 200 || answer.soap.header.action !== ACTION.submitAck) throw new NtsTransientError(`NTS submit: HTTP ${status}, action ${answer.soap.header.action ?? '(none)'}`);
    const doc = responseDocument(answer);
    if (doc.refSubmitId !== req.submitId) throw new NtsTransientError(`NTS submit: ack for ${doc.refSubmitId}, expected ${req.submitId}`);
    if (doc.typeCode === TYPE_ACCEPTED) return { kind: 'accepted', receiptId: doc.receiptId };
    return { kind: 'refused', code: doc.failReasonStatusCode ?? 'PKG002', detail: `TypeCode ${doc.typeCode}` };
  }

  async requestResults(submitId: string): Promise<ResultsOutcome> {
    const message = buildResultsRequest(await this.endpoint(this.resultsUrl), { submitId });
    const { status, answer } = await this.exchange(this.resultsUrl, message);
    if (answer.soap.fault) return this.faultOutcome(answer, status);
    if (status !== 200 || answer.soap.header.action !== ACTION.resultsRequestAck) throw new NtsTransientError(`NTS results: HTTP ${status}, action ${answer.soap.header.action ?? '(none)'}`);
    const doc = responseDocument(answer);
    if (doc.refSubmitId !== submitId) throw new NtsTransientError(`NTS results: answer for ${doc.refSubmitId}, expected ${submitId}`);
    if (doc.typeCode !== TYPE_ACCEPTED) {
      if (doc.failReasonStatusCode === 'MSG404') return { kind: 'unknown' };
      return { kind: 'refused', code: doc.failReasonStatusCode ?? 'PKG002', detail: `TypeCode ${doc.typeCode}` };
    }
    if (doc.processStatusCode !== PROCESS_DONE) return { kind: 'processing' };
    return { kind: 'done', results: doc.results };
  }
}
