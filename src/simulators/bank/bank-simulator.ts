/**
 * The bank simulator: an HTTP server speaking our bank relay protocol (http-bank-gateway.ts) like a bank or PG
 * would, for tests, demos and the embedded default (in-process; `hanbill bank-sim` alone).
 *
 *   POST /v1/virtual-accounts   a fixed virtual account per partnerRef (the same ref → the same account, also after
 *                               a restart: the number is derived from the ref)
 *   POST /v1/payers             register a CMS payer (추심): payerId derived from payerRef, the account masked
 *   POST /v1/debits             accept a debit by requestId (a repeat answers the first answer and debits nothing);
 *                               after `noticeDelayMs` its debit_result notice is pushed
 *   (push)                      every notice is POSTed to the notice URL of its account / payer / debit (else the
 *                               default notice URL), signed with the shared secret (bank-notice-signature.ts) and
 *                               retried with backoff until answered 2xx
 *   control (tests, the dev route, a demo):
 *   POST /_sim/deposits         {account, amount, depositor, bankCode?} → {transactionId}: a deposit notice
 *   POST /_sim/deposits/cancel  {transactionId} → {transactionId}: the bank cancels a deposit (입금 취소)
 *   POST /_sim/payers/fail      {payerId, times?, resultCode?}: the payer's next debits fail (default 0001 잔액부족)
 *   GET  /_sim/stats            counters;  PUT /_sim/faults  fault injection (BankFaults)
 *
 * A payer whose account number ends in 0001 always fails with 0001 잔액부족 (a fixed pattern for demos).
 * Faults: calls answered 503 before anything is done; notices pushed twice; pushes lost before they reach us
 * (retried); acknowledgements lost after we applied the notice (retried: a duplicate for us); notices late.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { Logger } from '../../platform/context.ts';
import { silentLogger } from '../../platform/context.ts';
import { BANK_NAMES, maskAccountNo } from '../../modules/settlement/bank/bank-gateway.ts';
import { BANK_SIGNATURE_HEADER, BANK_TIMESTAMP_HEADER } from '../../modules/settlement/bank/bank-notice-signature.ts';
import { DEBIT_FAILURE_CODES, DEBIT_RESULT_OK } from '../../modules/settlement/bank/bank-notice.ts';
import { closeServer, listenOn, parseJsonObject, readBody, sendJson as json } from '../shared/sim-http.ts';
import { postSigned, retryDelayMs } from '../shared/signed-push.ts';

export interface BankFaults {
  /** Probability that a protocol call (/v1/…) answers 503 without doing anything. */
  failRate: number;
  /** Probability that a notice is pushed twice. */
  duplicateRate: number;
  /** Probability that a push attempt is lost before it reaches the receiver (retried). */
  pushFailRate: number;
  /** Probability that a push reaches the receiver but its answer is lost (retried: the receiver sees it again). */
  lostAckRate: number;
  /** Probability that a notice is sent `lateMs` after its normal time. */
  lateRate: number;
  lateMs: number;
}

const NO_FAULTS: BankFaults = { failRate: 0, duplicateRate: 0, pushFailRate: 0, lostAckRate: 0, lateRate: 0, lateMs: 0 };

export interface BankSimulatorOptions {
  port?: number;
  host?: string;
  /** HMAC secret of pushed notices. */
  noticeSecret: string;
  /** Where notices go when their account / payer / debit did not name a notice URL. */
  noticeUrl?: string | undefined;
  /** Delay between an event (deposit, cancellation, debit) and its notice. */
  noticeDelayMs?: number;
  /** The virtual accounts' bank (default 088 신한은행). */
  bankCode?: string;
  faults?: Partial<BankFaults>;
  /** First retry delay of a push not acknowledged (doubles, at most 60 s); attempts at most `pushAttempts`. */
  pushRetryMs?: number;
  pushAttempts?: number;
  /** The bank's clock (occurredAt of the notices); the in-process simulator shares the system's clock. */
  clock?: () => Date;
  log?: Logger;
}

export interface SimNotice {
  body: Record<string, unknown>;
  url: string | undefined;
  attempts: number;
  acknowledged: boolean;
  gaveUp: boolean;
}

export interface BankSimulatorStats {
  accountsIssued: number;
  payers: number;
  debits: number;
  duplicateDebits: number;
  notices: number;
  pushes: number;
  pushFailures: number;
  acknowledged: number;
  injected: { fail: number; duplicate: number; pushFail: number; lostAck: number; late: number };
}

interface Account {
  bankCode: string;
  accountNo: string;
  holder: string;
  noticeUrl: string | undefined;
}

interface Payer {
  payerId: string;
  bankCode: string;
  accountNo: string;
  holder: string;
  noticeUrl: string | undefined;
  failNext: { times: number; code: string };
}

interface Debit {
  requestId: string;
  payerId: string;
  amountKrw: number;
  noticeUrl: string | undefined;
}

export class BankSimulator {
  url = '';
  private readonly server: http.Server;
  private faults: BankFaults;
  private noticeUrl: string | undefined;
  private noticeDelayMs: number;
  private pushRetryMs: number;
  private pushRetryMaxMs = 60_000;
  private readonly bankCode: string;
  private readonly accounts = new Map<string, Account>(); // by accountNo
  private readonly payers = new Map<string, Payer>(); // by payerId
  private readonly debits = new Map<string, Debit>(); // by requestId
  private readonly deposits = new Map<string, { accountNo: string; bankCode: string; amountKrw: number; cancelledBy?: string }>();
  private readonly noticeLog = new Map<string, SimNotice>(); // by transactionId
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  private seq = 0;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly statsData: BankSimulatorStats = {
    accountsIssued: 0,
    payers: 0,
    debits: 0,
    duplicateDebits: 0,
    notices: 0,
    pushes: 0,
    pushFailures: 0,
    acknowledged: 0,
    injected: { fail: 0, duplicate: 0, pushFail: 0, lostAck: 0, late: 0 },
  };

  constructor(private readonly opts: BankSimulatorOptions) {
    this.faults = { ...NO_FAULTS, ...opts.faults };
    this.noticeUrl = opts.noticeUrl;
    this.noticeDelayMs = opts.noticeDelayMs ?? 100;
    this.pushRetryMs = opts.pushRetryMs ?? 1_000;
    this.bankCode = opts.bankCode ?? '088';
    this.log = opts.log ?? silentLogger;
    this.now = opts.clock ?? (() => new Date());
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.log.error({ err: String(err) }, 'bank simulator: request failed');
        if (!res.headersSent) json(res, 500, { code: 'internal', message: 'internal' });
      });
    });
    this.server.keepAliveTimeout = 5_000;
  }

  async listen(port = this.opts.port ?? 0, host = this.opts.host ?? '127.0.0.1'): Promise<string> {
    this.url = await listenOn(this.server, port, host);
    return this.url;
  }

  setNoticeUrl(url: string | undefined): void {
    this.noticeUrl = url;
  }

  setFaults(faults: Partial<BankFaults>): void {
    this.faults = { ...this.faults, ...faults };
  }

  setNoticeDelayMs(ms: number): void {
    this.noticeDelayMs = ms;
  }

  /** First retry delay (doubling) and its cap. */
  setPushRetryMs(ms: number, maxMs = 60_000): void {
    this.pushRetryMs = ms;
    this.pushRetryMaxMs = maxMs;
  }

  stats(): BankSimulatorStats {
    return structuredClone(this.statsData);
  }

  /** A notice the simulator made, by its transactionId (tests): its body and whether it was acknowledged. */
  notice(transactionId: string): SimNotice | undefined {
    const n = this.noticeLog.get(transactionId);
    return n && structuredClone(n);
  }

  /** The fixed virtual account of a partnerRef (derived from it: the same after a restart). */
  accountFor(partnerRef: string, holder: string, noticeUrl?: string): Account {
    const accountNo = `562${digitsOf(`va:${partnerRef}`, 11)}`;
    const known = this.accounts.get(accountNo);
    if (known) {
      if (noticeUrl) known.noticeUrl = noticeUrl;
      return known;
    }
    const account: Account = { bankCode: this.bankCode, accountNo, holder, noticeUrl };
    this.accounts.set(accountNo, account);
    this.statsData.accountsIssued++;
    return account;
  }

  /** A deposit into a virtual account of this bank (any number: an unknown one is notified to the default URL). */
  deposit(input: { accountNo: string; amountKrw: number; depositor: string; bankCode?: string }): string {
    const accountNo = input.accountNo.replace(/\D/g, '');
    const account = this.accounts.get(accountNo);
    const bankCode = input.bankCode ?? account?.bankCode ?? this.bankCode;
    const transactionId = this.newTransactionId('D');
    this.deposits.set(transactionId, { accountNo, bankCode, amountKrw: input.amountKrw });
    this.queueNotice(account?.noticeUrl, {
      type: 'deposit',
      transactionId,
      bankCode,
      accountNo,
      amountKrw: input.amountKrw,
      depositor: input.depositor,
      occurredAt: this.now().toISOString(),
    });
    return transactionId;
  }

  /** The bank cancels a deposit (입금 취소, e.g. a deposit error): a deposit_cancel notice; undefined if unknown. */
  cancelDeposit(depositTransactionId: string): string | undefined {
    const d = this.deposits.get(depositTransactionId);
    if (!d) return undefined;
    if (d.cancelledBy) return d.cancelledBy;
    const transactionId = this.newTransactionId('C');
    d.cancelledBy = transactionId;
    this.queueNotice(this.accounts.get(d.accountNo)?.noticeUrl, {
      type: 'deposit_cancel',
      transactionId,
      cancelsTransactionId: depositTransactionId,
      bankCode: d.bankCode,
      accountNo: d.accountNo,
      amountKrw: d.amountKrw,
      occurredAt: this.now().toISOString(),
    });
    return transactionId;
  }

  /** The payer's next `times` debits fail with `resultCode` (default 0001 잔액부족); false for an unknown payer. */
  failNextDebits(payerId: string, times = 1, resultCode = '0001'): boolean {
    const p = this.payers.get(payerId);
    if (!p) return false;
    p.failNext = { times, code: resultCode };
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await closeServer(this.server);
  }

  private newTransactionId(kind: string): string {
    this.seq++;
    return `${kind}${this.now().toISOString().slice(0, 10).replace(/-/g, '')}${String(this.seq).padStart(6, '0')}${crypto.randomBytes(4).toString('hex').toUpperCase()}`;
  }

  private roll(p: number): boolean {
    return p > 0 && Math.random() < p;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const raw = await readBody(req);
    if (req.method === 'GET' && url.pathname === '/_sim/stats') return json(res, 200, this.stats());
    const body = parseJsonObject(raw);
    if (!body) return json(res, 400, { code: 'bad_request', message: 'body is not a JSON object' });
    if (req.method === 'PUT' && url.pathname === '/_sim/faults') {
      this.setFaults(body as Partial<BankFaults>);
      return json(res, 200, this.faults);
    }
    if (req.method !== 'POST') return json(res, 404, { code: 'not_found', message: 'not found' });
    switch (url.pathname) {
      case '/_sim/deposits': {
        const account = String(body['account'] ?? body['accountNo'] ?? '').replace(/\D/g, '');
        const amount = body['amount'] ?? body['amountKrw'];
        if (!/^\d{6,20}$/.test(account)) return json(res, 400, { code: 'bad_request', message: 'account: expected the virtual account number' });
        if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) return json(res, 400, { code: 'bad_request', message: 'amount: expected a positive integer (won)' });
        const bankCode = typeof body['bankCode'] === 'string' ? body['bankCode'] : undefined;
        return json(res, 200, { transactionId: this.deposit({ accountNo: account, amountKrw: amount, depositor: String(body['depositor'] ?? '').slice(0, 100), ...(bankCode ? { bankCode } : {}) }) });
      }
      case '/_sim/deposits/cancel': {
        const id = this.cancelDeposit(String(body['transactionId'] ?? ''));
        return id ? json(res, 200, { transactionId: id }) : json(res, 404, { code: 'not_found', message: 'transactionId: no such deposit' });
      }
      case '/_sim/payers/fail': {
        const times = typeof body['times'] === 'number' ? body['times'] : 1;
        const code = typeof body['resultCode'] === 'string' ? body['resultCode'] : '0001';
        return this.failNextDebits(String(body['payerId'] ?? ''), times, code) ? json(res, 200, { ok: true }) : json(res, 404, { code: 'not_found', message: 'payerId: no such payer' });
      }
    }
    if (!url.pathname.startsWith('/v1/')) return json(res, 404, { code: 'not_found', message: 'not found' });
    if (this.roll(this.faults.failRate)) {
      this.statsData.injected.fail++;
      return json(res, 503, { code: 'unavailable', message: 'injected: service unavailable' });
    }
    const noticeUrl = typeof body['noticeUrl'] === 'string' && /^https?:\/\//.test(body['noticeUrl']) ? body['noticeUrl'] : undefined;
    switch (url.pathname) {
      case '/v1/virtual-accounts': {
        const partnerRef = body['partnerRef'];
        if (typeof partnerRef !== 'string' || !partnerRef) return json(res, 400, { code: 'bad_request', message: 'partnerRef: required' });
        const holder = typeof body['holder'] === 'string' && body['holder'] ? body['holder'].slice(0, 60) : partnerRef;
        const a = this.accountFor(partnerRef, holder, noticeUrl);
        return json(res, 200, { bankCode: a.bankCode, accountNo: a.accountNo, holder: a.holder });
      }
      case '/v1/payers': {
        const { payerRef, bankCode, accountNo, holder } = body;
        if (typeof payerRef !== 'string' || !payerRef) return json(res, 400, { code: 'bad_request', message: 'payerRef: required' });
        if (typeof bankCode !== 'string' || !BANK_NAMES[bankCode]) return json(res, 422, { code: 'unknown_bank', message: '등록할 수 없는 은행 코드입니다 (unknown bank code)' });
        const digits = typeof accountNo === 'string' ? accountNo.replace(/\D/g, '') : '';
        if (digits.length < 10 || digits.length > 16 || /^(\d)\1+$/.test(digits)) return json(res, 422, { code: 'no_such_account', message: '출금 계좌를 확인할 수 없습니다 (no such account)' });
        if (typeof holder !== 'string' || !holder.trim()) return json(res, 422, { code: 'holder_mismatch', message: '예금주가 일치하지 않습니다 (holder mismatch)' });
        const payerId = `PYR${crypto.createHash('sha256').update(`payer:${payerRef}`).digest('hex').slice(0, 16)}`;
        const known = this.payers.get(payerId);
        this.payers.set(payerId, { payerId, bankCode, accountNo: digits, holder, noticeUrl: noticeUrl ?? known?.noticeUrl, failNext: known?.failNext ?? { times: 0, code: '0001' } });
        if (!known) this.statsData.payers++;
        return json(res, 200, { payerId, accountMasked: maskAccountNo(digits) });
      }
      case '/v1/debits': {
        const { requestId, payerId, amountKrw } = body;
        if (typeof requestId !== 'string' || !requestId) return json(res, 400, { code: 'bad_request', message: 'requestId: required' });
        if (typeof payerId !== 'string' || !/^PYR[0-9a-f]{16}$/.test(payerId)) return json(res, 422, { code: 'unknown_payer', message: '등록되지 않은 납부자입니다 (unknown payer)' });
        if (typeof amountKrw !== 'number' || !Number.isSafeInteger(amountKrw) || amountKrw <= 0) return json(res, 400, { code: 'bad_request', message: 'amountKrw: expected a positive integer' });
        if (this.debits.has(requestId)) {
          this.statsData.duplicateDebits++;
          return json(res, 200, { requestId, status: 'accepted' });
        }
        const debit: Debit = { requestId, payerId, amountKrw, noticeUrl };
        this.debits.set(requestId, debit);
        this.statsData.debits++;
        // decided now (the payer's failNext is used up by this debit), notified after the delay
        const payer = this.payers.get(payerId);
        let code = DEBIT_RESULT_OK;
        if (payer && payer.failNext.times > 0) {
          payer.failNext.times--;
          code = payer.failNext.code;
        } else if (payer?.accountNo.endsWith('0001')) code = '0001';
        this.queueNotice(noticeUrl ?? payer?.noticeUrl, {
          type: 'debit_result',
          transactionId: this.newTransactionId('W'),
          requestId,
          resultCode: code,
          resultMessage: code === DEBIT_RESULT_OK ? '정상 출금' : (DEBIT_FAILURE_CODES[code] ?? '출금 실패'),
          amountKrw: code === DEBIT_RESULT_OK ? amountKrw : 0,
          occurredAtPending: true,
        });
        return json(res, 200, { requestId, status: 'accepted' });
      }
    }
    return json(res, 404, { code: 'not_found', message: 'not found' });
  }

  private later(ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
  }

  private queueNotice(url: string | undefined, body: Record<string, unknown>): void {
    let delay = this.noticeDelayMs;
    if (this.roll(this.faults.lateRate)) {
      this.statsData.injected.late++;
      delay += this.faults.lateMs;
    }
    const entry: SimNotice = { body, url, attempts: 0, acknowledged: false, gaveUp: false };
    this.noticeLog.set(String(body['transactionId']), entry);
    this.statsData.notices++;
    this.later(delay, () => {
      // a debit's result happens when it is notified (the bank's clock then)
      if (body['occurredAtPending']) {
        delete body['occurredAtPending'];
        body['occurredAt'] = this.now().toISOString();
      }
      void this.push(entry, 1);
      if (this.roll(this.faults.duplicateRate)) {
        this.statsData.injected.duplicate++;
        this.later(Math.max(10, Math.floor(this.noticeDelayMs / 2)), () => void this.push({ ...entry, acknowledged: false }, 1, false));
      }
    });
  }

  private async push(entry: SimNotice, attempt: number, tracked = true): Promise<void> {
    if (this.closed) return;
    const url = entry.url ?? this.noticeUrl;
    entry.attempts++;
    this.statsData.pushes++;
    let ok = false;
    if (!url) {
      ok = false;
    } else if (this.roll(this.faults.pushFailRate)) {
      this.statsData.injected.pushFail++;
    } else {
      ok = await postSigned(url, JSON.stringify(entry.body), this.opts.noticeSecret, { timestamp: BANK_TIMESTAMP_HEADER, signature: BANK_SIGNATURE_HEADER });
      if (ok && this.roll(this.faults.lostAckRate)) {
        this.statsData.injected.lostAck++;
        ok = false;
      }
    }
    if (ok) {
      if (tracked && !entry.acknowledged) {
        entry.acknowledged = true;
        this.statsData.acknowledged++;
      }
      return;
    }
    this.statsData.pushFailures++;
    if (attempt >= (this.opts.pushAttempts ?? 30)) {
      entry.gaveUp = true;
      this.log.warn({ transactionId: entry.body['transactionId'], url }, 'bank simulator: notice given up');
      return;
    }
    this.later(retryDelayMs(this.pushRetryMs, attempt, this.pushRetryMaxMs), () => void this.push(entry, attempt + 1, tracked));
  }
}

export async function startBankSimulator(opts: BankSimulatorOptions): Promise<BankSimulator> {
  const sim = new BankSimulator(opts);
  await sim.listen();
  return sim;
}

/** `n` decimal digits derived from `text` (stable). */
function digitsOf(text: string, n: number): string {
  const h = crypto.createHash('sha256').update(text).digest();
  let out = '';
  for (let i = 0; out.length < n; i++) out += String(h[i % h.length]! % 10);
  return out;
}
