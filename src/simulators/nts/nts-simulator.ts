/**
 * The NTS simulator: an HTTP server that behaves like the NTS e-tax-invoice web service as far as the public
 * record goes (NTS.md §4, §4.7), for tests, demos and the embedded default.
 *
 *   POST …/SubmitEtaxInvoice  TaxInvoiceSubmit → sync TaxInvoiceRecvAck (ReceiptID, TypeCode 01) or a refusal
 *   POST …/RequestResults     ResultsReqSubmit → ResultsReqRecvAck (ProcessStatusCode 01 processing / 02 done)
 *   (push)                    ResultsSubmit to the submission's ReplyTo, retried until ResultsRecvAck
 *   GET  /kmCert.der          the simulator's NTS certificate (ASPs encrypt packages for it)
 *   GET  /_sim/stats          counters and the registry of accepted approval numbers (JSON)
 *   PUT  /_sim/faults         fault injection settings (JSON, see NtsFaults)
 *
 * Each submission is decrypted (CMS EnvelopedData, 3DES + RSA), unpacked and, after a configurable delay,
 * every invoice is validated (invoice-rules.ts) and answered SUC001 or an error code. Submissions are idempotent
 * by SubmitID (same content → same receipt), and an approval number is registered at most once: resubmitting
 * an accepted one answers SYN003 (success, nothing registered again).
 *
 * Fault injection (probabilities per incoming call, or counted "next N" faults) covers what a real network and
 * a real NTS do to a client: HTTP 5xx before or after the submission was stored, time-outs (the request hangs)
 * before or after storing, result pushes dropped or duplicated.
 */
import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Logger } from '../../platform/context.ts';
import { silentLogger } from '../../platform/context.ts';
import {
  buildFault,
  buildResultsPush,
  buildResultsRequestAck,
  buildSubmitAck,
  isPayload,
  payloadText,
  readMessage,
  type BuiltMessage,
  type Endpoint,
  type ReadMessage,
} from '../../modules/nts/transport/kec-messages.ts';
import { ACTION, NTS_PARTY, type Party } from '../../modules/nts/transport/soap-message.ts';
import { MAX_PACKAGE_INVOICES, type PackagedInvoice } from '../../modules/nts/transport/tax-invoice-package.ts';
import {
  PROCESS_DONE,
  PROCESS_RECEIVED,
  PROCESS_REFUSED,
  TYPE_ACCEPTED,
  TYPE_REFUSED,
  type InvoiceResult,
  type TaxInvoiceResponse,
} from '../../modules/nts/transport/tax-invoice-response.ts';
import { isSuccessCode, resultMessage } from '../../modules/nts/result-codes.ts';
import { finishInvoiceCheck, type RegisteredInvoice } from './invoice-rules.ts';
import { InvoiceCheckPool } from './invoice-check-pool.ts';
import type { OpenedPackage } from './open-package.ts';
import { bufferView } from '../../platform/worker-threads.ts';
import { issueSelfSignedCertificate } from '../../modules/signing/self-signed-certificate.ts';
import { closeServer, listenOn, parseJsonObject, readBody, sendJson } from '../shared/sim-http.ts';

export interface NtsFaults {
  /** Probability that a submit/poll call answers HTTP 503 without doing anything. */
  failRate: number;
  /** Probability that a submit call is stored but answered HTTP 500 (the ack is lost). */
  failAfterRate: number;
  /** Probability that a submit/poll call hangs without doing anything (the client times out). */
  timeoutRate: number;
  /** Probability that a submit call is stored and then hangs (the ack is lost). */
  timeoutAfterRate: number;
  /** Probability that a submission's results are never pushed (polling still works). */
  dropResultRate: number;
  /** Probability that a submission's results are pushed twice. */
  duplicateResultRate: number;
  /** The next N submit/poll calls answer 503. */
  failNext: number;
  /** The next N submit/poll calls hang. */
  timeoutNext: number;
  /** The next N submit calls are stored, then answered 500. */
  failAfterNext: number;
  /** The next N submit calls are stored, then hang. */
  timeoutAfterNext: number;
  /** The next N submissions' results are not pushed. */
  dropNextResults: number;
  /** The next N submissions' results are pushed twice. */
  duplicateNextResults: number;
  /** How long a hanging call is held before its socket is destroyed. */
  hangMs: number;
}

const NO_FAULTS: NtsFaults = {
  failRate: 0,
  failAfterRate: 0,
  timeoutRate: 0,
  timeoutAfterRate: 0,
  dropResultRate: 0,
  duplicateResultRate: 0,
  failNext: 0,
  timeoutNext: 0,
  failAfterNext: 0,
  timeoutAfterNext: 0,
  dropNextResults: 0,
  duplicateNextResults: 0,
  hangMs: 30_000,
};

export interface NtsSimulatorOptions {
  port?: number;
  host?: string;
  /** 등록번호 of the ASPs this NTS knows (SubmitID prefix, IssueID middle part); any 8 digits when absent. */
  registrationIds?: readonly string[];
  /** Delay between receipt and results. */
  resultDelayMs?: number;
  /** First retry delay of a result push that was not acknowledged (doubles each time). */
  pushRetryMs?: number;
  pushAttempts?: number;
  /** Keeps the simulator's NTS certificate and key here (stable across restarts); generated in memory otherwise. */
  stateDir?: string;
  /** The NTS key pair and certificate to use (overrides stateDir). */
  certificate?: { certDer: Buffer; privateKey: KeyObject };
  faults?: Partial<NtsFaults>;
  clock?: () => Date;
  log?: Logger;
  /** Timeout of a result push request. */
  pushTimeoutMs?: number;
  /**
   * Run the costly first stage of the invoice checks (syntax, signature) on a worker thread, not on the event loop
   * (the in-process simulator of the embedded default shares that loop with the server). Same answers. Default off.
   */
  checkOnWorker?: boolean;
}

export interface RegistryEntry extends RegisteredInvoice {
  submitId: string;
  acceptedAt: Date;
  flags: string[];
  /** How many times this approval number was registered (must stay 1). */
  registrations: number;
}

interface Submission {
  submitId: string;
  receiptId: string;
  packageHash: string;
  replyTo: string | undefined;
  registrationId: string;
  totalCount: number;
  receivedAt: Date;
  invoices: PackagedInvoice[];
  state: 'processing' | 'done' | 'refused';
  failReason?: string;
  results: InvoiceResult[];
  resultId: string;
  pushed: boolean;
  timer?: NodeJS.Timeout;
}

export interface NtsSimulatorStats {
  submitCalls: number;
  pollCalls: number;
  submissions: number;
  refusedSubmissions: number;
  invoicesChecked: number;
  accepted: number;
  resultsByCode: Record<string, number>;
  pushes: number;
  pushFailures: number;
  pushesAcknowledged: number;
  injected: Record<'fail' | 'failAfter' | 'timeout' | 'timeoutAfter' | 'dropResults' | 'duplicateResults', number>;
  /** Per approval number: in how many distinct submissions (SubmitIDs) it arrived. */
  submissionsPerIssueId: Record<string, number>;
}

type FaultMode = 'none' | 'fail' | 'failAfter' | 'timeout' | 'timeoutAfter';

export const SIM_PARTY: Party = NTS_PARTY;

export class NtsSimulator {
  url = '';
  /** Test hook: change an invoice after decryption, before validation (tampering at the boundary). */
  tamper: ((invoice: PackagedInvoice) => PackagedInvoice) | undefined;

  private server: http.Server;
  private faults: NtsFaults;
  private readonly submissions = new Map<string, Submission>();
  private readonly registry = new Map<string, RegistryEntry>();
  private readonly issueSubmissions = new Map<string, Set<string>>();
  private readonly hanging = new Set<http.ServerResponse>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private resultDelayMs: number;
  private closed = false;
  private readonly statsData: NtsSimulatorStats = {
    submitCalls: 0,
    pollCalls: 0,
    submissions: 0,
    refusedSubmissions: 0,
    invoicesChecked: 0,
    accepted: 0,
    resultsByCode: {},
    pushes: 0,
    pushFailures: 0,
    pushesAcknowledged: 0,
    injected: { fail: 0, failAfter: 0, timeout: 0, timeoutAfter: 0, dropResults: 0, duplicateResults: 0 },
    submissionsPerIssueId: {},
  };
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly checks: InvoiceCheckPool;
  /** SubmitIDs whose package is being opened (the answer to a resend waits for the first copy's). */
  private readonly opening = new Map<string, Promise<void>>();

  constructor(private readonly opts: NtsSimulatorOptions = {}) {
    this.checks = new InvoiceCheckPool(opts.checkOnWorker === true);
    this.faults = { ...NO_FAULTS, ...opts.faults };
    this.resultDelayMs = opts.resultDelayMs ?? 1000;
    this.log = opts.log ?? silentLogger;
    this.now = opts.clock ?? (() => new Date());
    this.server = http.createServer((req, res) => {
      void this.handle(req, res).catch((err) => {
        this.log.error({ err: String(err) }, 'nts simulator: request failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('simulator error');
      });
    });
    this.server.keepAliveTimeout = 5000;
  }

  async listen(port = this.opts.port ?? 0, host = this.opts.host ?? '127.0.0.1'): Promise<string> {
    this.url = await listenOn(this.server, port, host);
    return this.url;
  }

  private keyPair: { certDer: Buffer; privateKey: KeyObject } | undefined;

  /** The NTS certificate (created on first use: key generation is not free). */
  get certDer(): Buffer {
    return this.key().certDer;
  }

  get privateKey(): KeyObject {
    return this.key().privateKey;
  }

  private key(): { certDer: Buffer; privateKey: KeyObject } {
    this.keyPair ??= this.opts.certificate ?? loadOrCreateCertificate(this.opts.stateDir);
    return this.keyPair;
  }

  /** SubmitEtaxInvoice endpoint URL. */
  get submitUrl(): string {
    return `${this.url}/services/SubmitEtaxInvoice`;
  }

  setFaults(faults: Partial<NtsFaults>): void {
    this.faults = { ...this.faults, ...faults };
  }

  getFaults(): NtsFaults {
    return { ...this.faults };
  }

  setResultDelay(ms: number): void {
    this.resultDelayMs = ms;
  }

  stats(): NtsSimulatorStats {
    const perIssue: Record<string, number> = {};
    for (const [id, set] of this.issueSubmissions) perIssue[id] = set.size;
    return { ...structuredClone({ ...this.statsData, submissionsPerIssueId: {} }), submissionsPerIssueId: perIssue };
  }

  /** Accepted approval numbers with where/when they were registered. */
  registered(): Map<string, RegistryEntry> {
    return new Map([...this.registry].map(([k, v]) => [k, { ...v, flags: [...v.flags] }]));
  }

  /** Results of one submission (undefined while processing / unknown). */
  resultsOf(submitId: string): InvoiceResult[] | undefined {
    const s = this.submissions.get(submitId);
    return s?.state === 'done' ? [...s.results] : undefined;
  }

  /** Packages whose invoices were checked on the worker thread (checkOnWorker). */
  get packagesCheckedOnWorker(): number {
    return this.checks.answeredOnWorker;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.submissions.values()) if (s.timer) clearTimeout(s.timer);
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    await this.checks.close();
    await closeServer(this.server);
  }

  // -------------------------------------------------------------------------------------------

  private endpoint(to: string): Endpoint {
    return { to, from: NTS_PARTY, toParty: { partyId: '0000000000', partyName: 'ASP' }, signer: { certDer: this.certDer, privateKey: this.privateKey }, at: this.now() };
  }

  private send(res: http.ServerResponse, status: number, m: BuiltMessage | { contentType: string; body: Buffer | string }): void {
    res.writeHead(status, { 'content-type': m.contentType, ...('action' in m ? { soapaction: `"${m.action}"` } : {}) });
    res.end(m.body);
  }

  private pickFault(kind: 'submit' | 'poll'): FaultMode {
    const f = this.faults;
    if (f.failNext > 0) {
      f.failNext--;
      return 'fail';
    }
    if (f.timeoutNext > 0) {
      f.timeoutNext--;
      return 'timeout';
    }
    if (kind === 'submit' && f.failAfterNext > 0) {
      f.failAfterNext--;
      return 'failAfter';
    }
    if (kind === 'submit' && f.timeoutAfterNext > 0) {
      f.timeoutAfterNext--;
      return 'timeoutAfter';
    }
    const r = Math.random();
    let acc = f.failRate;
    if (r < acc) return 'fail';
    if (r < (acc += f.timeoutRate)) return 'timeout';
    if (r < (acc += f.failAfterRate)) return kind === 'submit' ? 'failAfter' : 'fail';
    if (r < (acc += f.timeoutAfterRate)) return kind === 'submit' ? 'timeoutAfter' : 'timeout';
    return 'none';
  }

  private hang(res: http.ServerResponse): void {
    this.hanging.add(res);
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.hanging.delete(res);
      res.destroy();
    }, this.faults.hangMs);
    this.timers.add(t);
    res.on('close', () => {
      clearTimeout(t);
      this.timers.delete(t);
      this.hanging.delete(res);
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    if (req.method === 'GET' && /\/kmCert\.der$/i.test(url.pathname)) {
      res.writeHead(200, { 'content-type': 'application/pkix-cert' }).end(this.certDer);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/_sim/stats') {
      const stats = this.stats();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...stats, faults: this.faults, resultDelayMs: this.resultDelayMs }));
      return;
    }
    const body = await readBody(req, 64 * 1024 * 1024);
    if ((req.method === 'PUT' || req.method === 'POST') && url.pathname === '/_sim/faults') {
      const patch = parseJsonObject(body) as (Partial<NtsFaults> & { resultDelayMs?: number }) | undefined;
      if (!patch) return sendJson(res, 400, { error: 'body is not a JSON object' });
      if (typeof patch.resultDelayMs === 'number') this.setResultDelay(patch.resultDelayMs);
      delete patch.resultDelayMs;
      this.setFaults(patch);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.faults));
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (/SubmitEtaxInvoice/i.test(url.pathname)) return this.onSubmit(req, res, body);
    if (/RequestResults/i.test(url.pathname)) return this.onResultsRequest(req, res, body);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  private readSigned(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, action: string): ReadMessage | undefined {
    const to = `${this.url}${req.url ?? ''}`;
    let m: ReadMessage;
    try {
      m = readMessage(req.headers['content-type'], body);
    } catch (err) {
      this.send(res, 500, buildFault(this.endpoint(to), 'Client', `${resultMessage('MSG001')}: ${(err as Error).message}`, 'MSG001'));
      return undefined;
    }
    if (m.soap.header.action !== action) {
      this.send(res, 500, buildFault(this.endpoint(to), 'Client', `${resultMessage('MSG001')}: wsa:Action must be ${action}`, 'MSG001', m.soap.header.messageId));
      return undefined;
    }
    if (!m.soap.signature.valid) {
      this.send(res, 500, buildFault(this.endpoint(to), 'Client', `${resultMessage('MSG002')}: ${m.soap.signature.reason}`, 'MSG002', m.soap.header.messageId));
      return undefined;
    }
    return m;
  }

  private response(s: Submission, overrides: Partial<TaxInvoiceResponse> = {}): TaxInvoiceResponse {
    const success = s.results.filter((r) => isSuccessCode(r.code)).length;
    return {
      refSubmitId: s.submitId,
      receiptId: s.receiptId,
      typeCode: s.state === 'refused' ? TYPE_REFUSED : TYPE_ACCEPTED,
      responseDateTime: kstStamp(this.now()),
      processStatusCode: s.state === 'done' ? PROCESS_DONE : s.state === 'refused' ? PROCESS_REFUSED : PROCESS_RECEIVED,
      ...(s.failReason ? { failReasonStatusCode: s.failReason } : {}),
      totalCount: s.totalCount,
      successCount: success,
      failCount: s.state === 'done' ? s.results.length - success : 0,
      results: s.state === 'done' ? s.results : [],
      ...overrides,
    };
  }

  private async onSubmit(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    this.statsData.submitCalls++;
    const fault = this.pickFault('submit');
    if (fault === 'fail') {
      this.statsData.injected.fail++;
      res.writeHead(503, { 'content-type': 'text/plain' }).end('service unavailable (injected)');
      return;
    }
    if (fault === 'timeout') {
      this.statsData.injected.timeout++;
      this.hang(res);
      return;
    }
    const m = this.readSigned(req, res, body, ACTION.submit);
    if (!m) return;
    const to = m.soap.header.from?.partyId ?? '';
    const submitId = payloadText(m, 'SubmitID') ?? '';
    const referenceId = payloadText(m, 'ReferenceID') ?? '';
    const totalCount = Number(payloadText(m, 'TotalCount') ?? 'NaN');
    const ep = this.endpoint(m.soap.header.replyTo ?? to);
    const refuse = (code: string, detail: string) => {
      this.statsData.refusedSubmissions++;
      const refused: Submission = {
        submitId,
        receiptId: '',
        packageHash: '',
        replyTo: undefined,
        registrationId: submitId.slice(0, 8),
        totalCount: Number.isFinite(totalCount) ? totalCount : 0,
        receivedAt: this.now(),
        invoices: [],
        state: 'refused',
        failReason: code,
        results: [],
        resultId: '',
        pushed: true,
      };
      if (/^\d{8}-\d{8}-[0-9a-f]{32}$/.test(submitId) && !this.submissions.has(submitId)) this.submissions.set(submitId, refused);
      this.log.info({ submitId, code, detail }, 'nts simulator: submission refused');
      this.send(res, 200, buildSubmitAck(ep, m.soap.header.messageId, this.response(refused)));
    };
    if (!isPayload(m, 'RequestMessage') || !/^\d{8}-\d{8}-[0-9a-f]{32}$/.test(submitId)) {
      this.send(res, 500, buildFault(ep, 'Client', `${resultMessage('MSG001')}: SubmitID must be <등록번호 8>-<yyyyMMdd>-<32 hex>`, 'MSG001', m.soap.header.messageId));
      return;
    }
    const registrationId = submitId.slice(0, 8);
    const attachment = m.attachments.get(referenceId);
    if (!attachment) {
      this.send(res, 500, buildFault(ep, 'Client', `${resultMessage('MSG001')}: no attachment with Content-ID <${referenceId}>`, 'MSG001', m.soap.header.messageId));
      return;
    }
    const packageHash = crypto.createHash('sha256').update(attachment).digest('hex');
    // a resend that arrives while the first copy is being opened (off this thread) waits for it: then it is a repeat
    for (let first = this.opening.get(submitId); first; first = this.opening.get(submitId)) await first;
    const existing = this.submissions.get(submitId);
    if (existing) {
      // idempotent by SubmitID: the same content gets the same receipt; different content is refused
      if (existing.packageHash !== packageHash) return refuse('DUP002', 'SubmitID reused with different content');
      return this.answerStoredSubmit(res, fault, ep, m, existing);
    }
    if (this.opts.registrationIds && !this.opts.registrationIds.includes(registrationId)) return refuse('MSG003', `registration number ${registrationId}`);
    // decrypted and decoded on the check worker thread (in-process default), like the checks
    let opened: OpenedPackage;
    let done = () => {};
    this.opening.set(submitId, new Promise<void>((resolve) => (done = resolve)));
    try {
      opened = await this.checks.openPackage({ cms: attachment, privateKey: this.privateKey, certDer: this.certDer });
    } finally {
      this.opening.delete(submitId);
      done();
    }
    if ('refused' in opened) {
      if (opened.refused === 'envelope') return refuse('PKG001', opened.message);
      return refuse(Number(/got (\d+)/.exec(opened.message)?.[1] ?? 0) > MAX_PACKAGE_INVOICES ? 'PKG003' : 'PKG002', opened.message);
    }
    const invoices: PackagedInvoice[] = opened.invoices.map((i) => ({ rValue: bufferView(i.rValue), signedXml: bufferView(i.signedXml) }));
    if (invoices.length > MAX_PACKAGE_INVOICES) return refuse('PKG003', `${invoices.length} invoices`);
    if (invoices.length !== totalCount) return refuse('PKG002', `TotalCount ${totalCount} ≠ ${invoices.length} invoices in the package`);

    const s: Submission = {
      submitId,
      receiptId: `${kstStamp(this.now()).slice(0, 8)}${crypto.randomBytes(8).toString('hex').toUpperCase()}`,
      packageHash,
      replyTo: m.soap.header.replyTo,
      registrationId,
      totalCount,
      receivedAt: this.now(),
      invoices,
      state: 'processing',
      results: [],
      resultId: crypto.randomUUID(),
      pushed: false,
    };
    this.submissions.set(submitId, s);
    this.statsData.submissions++;
    s.timer = setTimeout(() => void this.process(s), this.resultDelayMs);
    this.answerStoredSubmit(res, fault, ep, m, s);
  }

  private answerStoredSubmit(res: http.ServerResponse, fault: FaultMode, ep: Endpoint, m: ReadMessage, s: Submission): void {
    if (fault === 'failAfter') {
      this.statsData.injected.failAfter++;
      this.send(res, 500, buildFault(ep, 'Server', 'internal error after receipt (injected)', undefined, m.soap.header.messageId));
      return;
    }
    if (fault === 'timeoutAfter') {
      this.statsData.injected.timeoutAfter++;
      this.hang(res);
      return;
    }
    this.send(res, 200, buildSubmitAck(ep, m.soap.header.messageId, this.response(s, { processStatusCode: s.state === 'refused' ? PROCESS_REFUSED : PROCESS_RECEIVED, results: [], failCount: 0, successCount: 0 })));
  }

  /** Validate a submission's invoices (yielding now and then, so other calls are answered meanwhile). */
  private async process(s: Submission): Promise<void> {
    s.timer = undefined;
    if (this.closed || s.state !== 'processing') return;
    const items = s.invoices.map((inv) => (this.tamper ? this.tamper(inv) : inv));
    const checks = items.map((inv) => ({ inv, amended: /<TypeCode>0[24]\d\d<\/TypeCode>/.test(inv.signedXml.toString('utf8')) }));
    // originals before amendments, so an amendment may refer to an original in the same package
    checks.sort((a, b) => Number(a.amended) - Number(b.amended));
    // the costly stage (syntax, signature) on the worker thread when there is one; the registry stage here, in order
    const prechecks = await this.checks.precheck(checks.map((c) => c.inv));
    if (this.closed || s.state !== 'processing') return;
    const results: InvoiceResult[] = [];
    for (const [i, pre] of prechecks.entries()) {
      if (i > 0 && i % 10 === 0) {
        await new Promise((r) => setImmediate(r));
        if (this.closed) return;
      }
      const check = finishInvoiceCheck(pre, {
        registrationId: s.registrationId,
        receivedAt: s.receivedAt,
        registered: (id) => this.registry.get(id),
      });
      this.statsData.invoicesChecked++;
      this.statsData.resultsByCode[check.code] = (this.statsData.resultsByCode[check.code] ?? 0) + 1;
      if (check.issueId) {
        let set = this.issueSubmissions.get(check.issueId);
        if (!set) this.issueSubmissions.set(check.issueId, (set = new Set()));
        set.add(s.submitId);
      }
      if (check.code === 'SUC001' && check.accepted) {
        const prior = this.registry.get(check.issueId);
        this.registry.set(check.issueId, {
          ...check.accepted,
          submitId: s.submitId,
          acceptedAt: this.now(),
          flags: check.flags,
          registrations: (prior?.registrations ?? 0) + 1,
        });
        this.statsData.accepted++;
      }
      if (check.detail) this.log.debug({ submitId: s.submitId, issueId: check.issueId, code: check.code, detail: check.detail }, 'nts simulator: invoice refused');
      results.push({ issueId: check.issueId, code: check.code });
    }
    s.results = results;
    s.state = 'done';
    s.invoices = [];
    const f = this.faults;
    let drop = false;
    if (f.dropNextResults > 0) {
      f.dropNextResults--;
      drop = true;
    } else if (Math.random() < f.dropResultRate) {
      drop = true;
    }
    if (drop || !s.replyTo) {
      if (drop) this.statsData.injected.dropResults++;
      return;
    }
    void this.push(s, 0);
    let duplicate = false;
    if (f.duplicateNextResults > 0) {
      f.duplicateNextResults--;
      duplicate = true;
    } else if (Math.random() < f.duplicateResultRate) {
      duplicate = true;
    }
    if (duplicate) {
      this.statsData.injected.duplicateResults++;
      void this.push(s, 0, true);
    }
  }

  private async push(s: Submission, attempt: number, duplicate = false): Promise<void> {
    if (this.closed || !s.replyTo) return;
    if (s.pushed && !duplicate) return;
    this.statsData.pushes++;
    const message = buildResultsPush(this.endpoint(s.replyTo), { resultId: s.resultId, response: this.response(s) });
    let ok = false;
    try {
      const res = await fetch(s.replyTo, {
        method: 'POST',
        headers: { 'content-type': message.contentType, soapaction: `"${message.action}"` },
        body: message.body,
        signal: AbortSignal.timeout(this.opts.pushTimeoutMs ?? 10_000),
      });
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status === 200) {
        const ack = readMessage(res.headers.get('content-type') ?? undefined, body);
        ok =
          ack.soap.header.action === ACTION.resultsAck &&
          ack.soap.header.relatesTo === message.messageId &&
          payloadText(ack, 'RefResultID') === s.resultId;
      }
    } catch {
      ok = false;
    }
    if (ok) {
      this.statsData.pushesAcknowledged++;
      s.pushed = true;
      return;
    }
    this.statsData.pushFailures++;
    if (duplicate || attempt + 1 >= (this.opts.pushAttempts ?? 8) || this.closed) return;
    const delay = (this.opts.pushRetryMs ?? 1000) * 2 ** attempt;
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.push(s, attempt + 1);
    }, delay);
    this.timers.add(t);
  }

  private async onResultsRequest(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    this.statsData.pollCalls++;
    const fault = this.pickFault('poll');
    if (fault === 'fail' || fault === 'failAfter') {
      this.statsData.injected.fail++;
      res.writeHead(503, { 'content-type': 'text/plain' }).end('service unavailable (injected)');
      return;
    }
    if (fault === 'timeout' || fault === 'timeoutAfter') {
      this.statsData.injected.timeout++;
      this.hang(res);
      return;
    }
    const m = this.readSigned(req, res, body, ACTION.resultsRequest);
    if (!m) return;
    const submitId = payloadText(m, 'RefSubmitID') ?? '';
    const ep = this.endpoint(`${this.url}${req.url ?? ''}`);
    const s = this.submissions.get(submitId);
    if (!s) {
      const unknown: TaxInvoiceResponse = {
        refSubmitId: submitId,
        receiptId: '',
        typeCode: TYPE_REFUSED,
        responseDateTime: kstStamp(this.now()),
        processStatusCode: PROCESS_REFUSED,
        failReasonStatusCode: 'MSG404',
        totalCount: 0,
        successCount: 0,
        failCount: 0,
        results: [],
      };
      this.send(res, 200, buildResultsRequestAck(ep, m.soap.header.messageId, unknown));
      return;
    }
    this.send(res, 200, buildResultsRequestAck(ep, m.soap.header.messageId, this.response(s)));
  }
}

function kstStamp(at: Date): string {
  return new Date(at.getTime() + 9 * 3600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** The simulator's NTS certificate: from stateDir (created there once), or a fresh one in memory. */
function loadOrCreateCertificate(stateDir: string | undefined): { certDer: Buffer; privateKey: KeyObject } {
  const make = () => issueSelfSignedCertificate({ commonName: 'www.esero.go.kr (Hanbill NTS simulator)', organization: 'Hanbill TEST', organizationalUnit: 'NTS', keyUsage: 'both', notAfter: new Date(Date.now() + 10 * 365 * 86_400_000) });
  if (!stateDir) {
    const c = make();
    return { certDer: c.certDer, privateKey: c.privateKey };
  }
  const certFile = path.join(stateDir, 'nts-sim-cert.der');
  const keyFile = path.join(stateDir, 'nts-sim-key.pem');
  if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
    return { certDer: fs.readFileSync(certFile), privateKey: crypto.createPrivateKey(fs.readFileSync(keyFile)) };
  }
  const c = make();
  fs.mkdirSync(stateDir, { recursive: true });
  fs.writeFileSync(keyFile, c.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  fs.writeFileSync(certFile, c.certDer);
  return { certDer: c.certDer, privateKey: c.privateKey };
}

/** Start a simulator listening on `opts.port` (0 = any free port). */
export async function startNtsSimulator(opts: NtsSimulatorOptions = {}): Promise<NtsSimulator> {
  const sim = new NtsSimulator(opts);
  await sim.listen();
  return sim;
}
