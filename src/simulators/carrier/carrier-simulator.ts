/**
 * The carrier simulator: an HTTP server speaking our carrier relay protocol (http-carrier-gateway.ts) like a
 * Kakao/SMS dealer would, for tests, demos and the embedded default (in-process; `hanbill carrier-sim` alone).
 *
 *   POST /v1/messages        accept Kakao and SMS/LMS/MMS sends; de-duplicated by messageId (a repeat answers the
 *                            first answer and is not sent again)
 *   POST /v1/reports/query   results by messageId (polling): reported | pending | unknown
 *   (push)                   after `resultDelayMs`, each result is POSTed to the send's reportUrl, signed with the
 *                            shared secret (carrier-report-signature.ts), retried while our endpoint fails
 *   GET  /_sim/stats         counters (JSON)
 *   PUT  /_sim/faults        fault injection settings (JSON, see CarrierFaults)
 *
 * Outcomes are chosen by recipient number (outcome-patterns.ts). Faults: a fraction of calls answer 503 or hang
 * (the client times out) before anything is stored, or are stored and then answered 500 (the answer is lost);
 * reports pushed twice, pushed late (after `lateMs`), or never pushed (found by polling only).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { Logger } from '../../platform/context.ts';
import { silentLogger } from '../../platform/context.ts';
import type { CarrierMessage, CarrierReport, ReportLookup, SendOutcome } from '../../modules/messaging/delivery/carrier-gateway.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../modules/messaging/delivery/carrier-report-signature.ts';
import { closeServer, listenOn, parseJsonObject, readBody, sendJson as json } from '../shared/sim-http.ts';
import { postSigned, retryDelayMs } from '../shared/signed-push.ts';
import { outcomeFor } from './outcome-patterns.ts';

export interface CarrierFaults {
  /** Probability that a send/query call answers 503 without doing anything. */
  failRate: number;
  /** Probability that a send call is stored and then answered 500 (the answer is lost). */
  failAfterRate: number;
  /** Probability that a send/query call hangs (for `hangMs`) without doing anything. */
  timeoutRate: number;
  /** Probability that a report is pushed twice. */
  duplicateRate: number;
  /** Probability that a report is made `lateMs` after its normal time. */
  lateRate: number;
  lateMs: number;
  /** Probability that a report is never pushed (polling still finds it). */
  dropPushRate: number;
  /** No report is pushed at all (poll only). */
  pushDisabled: boolean;
  hangMs: number;
}

const NO_FAULTS: CarrierFaults = { failRate: 0, failAfterRate: 0, timeoutRate: 0, duplicateRate: 0, lateRate: 0, lateMs: 0, dropPushRate: 0, pushDisabled: false, hangMs: 30_000 };

export interface CarrierSimulatorOptions {
  port?: number;
  host?: string;
  /** Delay between acceptance and the result. */
  resultDelayMs?: number;
  /** HMAC secret of pushed reports. */
  reportSecret: string;
  faults?: Partial<CarrierFaults>;
  /** First retry delay of a push our endpoint did not take (doubles); attempts at most `pushAttempts`. */
  pushRetryMs?: number;
  pushAttempts?: number;
  /** Reports per push request (default 1,000: one recorder transaction each). */
  pushChunk?: number;
  clock?: () => Date;
  log?: Logger;
}

interface Held {
  message: CarrierMessage;
  carrierRef: string;
  reportUrl: string | undefined;
  report?: CarrierReport;
  silent: boolean;
  answer: SendOutcome;
}

export interface CarrierSimulatorStats {
  sendCalls: number;
  queryCalls: number;
  accepted: number;
  duplicateSends: number;
  refused: number;
  reports: number;
  reportsByCode: Record<string, number>;
  pushes: number;
  pushFailures: number;
  reportsPushed: number;
  injected: { fail: number; failAfter: number; timeout: number; duplicate: number; late: number; dropPush: number };
}

export class CarrierSimulator {
  url = '';
  private readonly server: http.Server;
  private faults: CarrierFaults;
  private readonly messages = new Map<string, Held>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly hanging = new Set<http.ServerResponse>();
  private resultDelayMs: number;
  private closed = false;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly statsData: CarrierSimulatorStats = {
    sendCalls: 0,
    queryCalls: 0,
    accepted: 0,
    duplicateSends: 0,
    refused: 0,
    reports: 0,
    reportsByCode: {},
    pushes: 0,
    pushFailures: 0,
    reportsPushed: 0,
    injected: { fail: 0, failAfter: 0, timeout: 0, duplicate: 0, late: 0, dropPush: 0 },
  };

  constructor(private readonly opts: CarrierSimulatorOptions) {
    this.faults = { ...NO_FAULTS, ...opts.faults };
    this.resultDelayMs = opts.resultDelayMs ?? 100;
    this.log = opts.log ?? silentLogger;
    this.now = opts.clock ?? (() => new Date());
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.log.error({ err: String(err) }, 'carrier simulator: request failed');
        if (!res.headersSent) json(res, 500, { error: 'internal' });
      });
    });
    this.server.keepAliveTimeout = 5_000;
  }

  async listen(port = this.opts.port ?? 0, host = this.opts.host ?? '127.0.0.1'): Promise<string> {
    this.url = await listenOn(this.server, port, host);
    return this.url;
  }

  setFaults(faults: Partial<CarrierFaults>): void {
    this.faults = { ...this.faults, ...faults };
  }

  setResultDelayMs(ms: number): void {
    this.resultDelayMs = ms;
  }

  stats(): CarrierSimulatorStats {
    return structuredClone(this.statsData);
  }

  /** The simulator's record of a message (tests). */
  messageOf(messageId: string): { message: CarrierMessage; report: CarrierReport | undefined } | undefined {
    const h = this.messages.get(messageId);
    return h && { message: h.message, report: h.report };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    await closeServer(this.server);
  }

  private roll(p: number): boolean {
    return p > 0 && Math.random() < p;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const body = await readBody(req);
    if (req.method === 'GET' && url.pathname === '/_sim/stats') return json(res, 200, this.stats());
    const payload = parseJsonObject(body);
    const isFaults = req.method === 'PUT' && url.pathname === '/_sim/faults';
    if (!isFaults && (req.method !== 'POST' || (url.pathname !== '/v1/messages' && url.pathname !== '/v1/reports/query'))) return json(res, 404, { error: 'not found' });
    if (!payload) return json(res, 400, { error: 'body is not a JSON object' });
    if (isFaults) {
      this.setFaults(payload as Partial<CarrierFaults>);
      return json(res, 200, this.faults);
    }
    const send = url.pathname === '/v1/messages';
    if (send) this.statsData.sendCalls++;
    else this.statsData.queryCalls++;
    if (this.roll(this.faults.failRate)) {
      this.statsData.injected.fail++;
      return json(res, 503, { error: 'injected: service unavailable' });
    }
    if (this.roll(this.faults.timeoutRate)) {
      this.statsData.injected.timeout++;
      return this.hang(res);
    }
    if (!send) {
      const ids = payload['messageIds'];
      if (!Array.isArray(ids) || ids.length > 1000 || !ids.every((i) => typeof i === 'string')) return json(res, 400, { error: 'messageIds: 1 to 1000 strings' });
      return json(res, 200, { results: (ids as string[]).map((id) => this.lookup(id)) });
    }
    const messages = payload['messages'];
    const reportUrl = typeof payload['reportUrl'] === 'string' ? payload['reportUrl'] : undefined;
    if (!Array.isArray(messages) || messages.length > 10_000) return json(res, 400, { error: 'messages: an array of at most 10,000' });
    for (const m of messages as CarrierMessage[]) {
      if (typeof m?.messageId !== 'string' || typeof m.to !== 'string' || typeof m.kind !== 'string' || typeof m.text !== 'string' || typeof m.from !== 'string') {
        return json(res, 400, { error: 'each message needs messageId, kind, from, to, text' });
      }
    }
    const results = (messages as CarrierMessage[]).map((m) => this.accept(m, reportUrl));
    if (this.roll(this.faults.failAfterRate)) {
      this.statsData.injected.failAfter++;
      return json(res, 500, { error: 'injected: stored, answer lost' });
    }
    return json(res, 200, { results });
  }

  private hang(res: http.ServerResponse): void {
    this.hanging.add(res);
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.hanging.delete(res);
      res.destroy();
    }, this.faults.hangMs);
    this.timers.add(t);
  }

  private accept(m: CarrierMessage, reportUrl: string | undefined): SendOutcome {
    const known = this.messages.get(m.messageId);
    if (known) {
      this.statsData.duplicateSends++;
      return known.answer;
    }
    const outcome = outcomeFor(m.kind, m.to);
    const carrierRef = `SIM${crypto.randomBytes(9).toString('hex')}`;
    if (outcome.kind === 'refuse') {
      this.statsData.refused++;
      const answer: SendOutcome = { messageId: m.messageId, status: 'refused', code: outcome.code, message: outcome.message };
      this.messages.set(m.messageId, { message: m, carrierRef, reportUrl, silent: true, answer });
      return answer;
    }
    this.statsData.accepted++;
    const answer: SendOutcome = { messageId: m.messageId, status: 'accepted', carrierRef };
    const held: Held = { message: m, carrierRef, reportUrl, silent: outcome.kind === 'silent', answer };
    this.messages.set(m.messageId, held);
    if (outcome.kind === 'report') {
      let delay = this.resultDelayMs;
      if (this.roll(this.faults.lateRate)) {
        this.statsData.injected.late++;
        delay += this.faults.lateMs;
      }
      this.later(delay, () => {
        held.report = { messageId: m.messageId, carrierRef, code: outcome.code, message: outcome.message, delivered: outcome.delivered, reportedAt: this.now().toISOString() };
        this.statsData.reports++;
        this.statsData.reportsByCode[outcome.code] = (this.statsData.reportsByCode[outcome.code] ?? 0) + 1;
        this.queuePush(held);
      });
    }
    return answer;
  }

  private lookup(id: string): ReportLookup {
    const h = this.messages.get(id);
    if (!h || h.answer.status === 'refused') return { messageId: id, status: 'unknown' };
    if (!h.report) return { messageId: id, status: 'pending' };
    return { messageId: id, status: 'reported', report: h.report };
  }

  private later(ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
  }

  // reports due in the same tick are pushed together, per report URL, in chunks
  private pending = new Map<string, CarrierReport[]>();
  private flushScheduled = false;

  private queuePush(h: Held): void {
    if (!h.report || !h.reportUrl || this.faults.pushDisabled) return;
    if (this.roll(this.faults.dropPushRate)) {
      this.statsData.injected.dropPush++;
      return;
    }
    const copies = this.roll(this.faults.duplicateRate) ? 2 : 1;
    if (copies === 2) this.statsData.injected.duplicate++;
    const list = this.pending.get(h.reportUrl) ?? [];
    for (let i = 0; i < copies; i++) list.push(h.report);
    this.pending.set(h.reportUrl, list);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        const all = this.pending;
        this.pending = new Map();
        const chunk = this.opts.pushChunk ?? 1000;
        for (const [reportUrl, reports] of all) {
          for (let i = 0; i < reports.length; i += chunk) void this.push(reportUrl, reports.slice(i, i + chunk), 1);
        }
      });
    }
  }

  private async push(reportUrl: string, reports: CarrierReport[], attempt: number): Promise<void> {
    if (this.closed) return;
    this.statsData.pushes++;
    const ok = await postSigned(reportUrl, JSON.stringify({ reports }), this.opts.reportSecret, { timestamp: TIMESTAMP_HEADER, signature: SIGNATURE_HEADER });
    if (ok) {
      this.statsData.reportsPushed += reports.length;
      return;
    }
    this.statsData.pushFailures++;
    if (attempt >= (this.opts.pushAttempts ?? 8)) {
      this.log.warn({ reportUrl, reports: reports.length }, 'carrier simulator: push given up (polling still finds the reports)');
      return;
    }
    this.later(retryDelayMs(this.opts.pushRetryMs ?? 1_000, attempt), () => void this.push(reportUrl, reports, attempt + 1));
  }
}

export async function startCarrierSimulator(opts: CarrierSimulatorOptions): Promise<CarrierSimulator> {
  const sim = new CarrierSimulator(opts);
  await sim.listen();
  return sim;
}
