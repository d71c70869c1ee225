/**
 * Our bank relay protocol over HTTP/JSON (docs/settlement.md "Bank"); the shipped bank simulator serves it, and a
 * bank or PG adapter implements the same BankGateway interface.
 *
 *   POST <base>/v1/virtual-accounts  {partnerRef, holder, noticeUrl?}                          → 200 {bankCode, accountNo, holder}
 *   POST <base>/v1/payers            {payerRef, bankCode, accountNo, holder, consentEvidence, noticeUrl?} → 200 {payerId, accountMasked}
 *   POST <base>/v1/debits            {requestId, payerId, amountKrw, noticeUrl?}                → 200 {requestId, status: 'accepted'}
 *   (push) POST <noticeUrl>          one notice (bank-notice.ts), signed (bank-notice-signature.ts) → 2xx once applied
 *
 * `noticeUrl` tells the bank where to push the notices of that account, payer or debit (a bank configures it once;
 * the simulator takes it from each call). Network errors, time-outs and HTTP 5xx/429 are BankTransientError (the
 * same call may be repeated: the bank answers the same partnerRef, payerRef and requestId once); HTTP 4xx with
 * {code, message} is BankRefusedError; anything else off-protocol too (code 'protocol').
 */
import { BankRefusedError, BankTransientError, type BankGateway, type RegisteredPayer, type VirtualAccount } from './bank-gateway.ts';

export interface HttpBankGatewayOptions {
  baseUrl: string;
  timeoutMs: number;
  /** Where the bank pushes notices (default <api URL>/bank/notices), once known. */
  noticeUrl?: () => string | undefined;
}

export class HttpBankGateway implements BankGateway {
  constructor(private readonly opts: HttpBankGatewayOptions) {}

  async issueVirtualAccount(input: { partnerRef: string; holder: string }): Promise<VirtualAccount> {
    const o = await this.call('/v1/virtual-accounts', input);
    if (typeof o['bankCode'] !== 'string' || typeof o['accountNo'] !== 'string') throw new BankRefusedError('bank gateway: malformed virtual account', 'protocol');
    return { bankCode: o['bankCode'], accountNo: o['accountNo'], holder: typeof o['holder'] === 'string' ? o['holder'] : input.holder };
  }

  async registerPayer(input: { payerRef: string; bankCode: string; accountNo: string; holder: string; consentEvidence: string }): Promise<RegisteredPayer> {
    const o = await this.call('/v1/payers', input);
    if (typeof o['payerId'] !== 'string' || typeof o['accountMasked'] !== 'string') throw new BankRefusedError('bank gateway: malformed payer', 'protocol');
    return { payerId: o['payerId'], accountMasked: o['accountMasked'] };
  }

  async requestDebit(input: { requestId: string; payerId: string; amountKrw: number }): Promise<{ requestId: string; status: 'accepted' }> {
    const o = await this.call('/v1/debits', input);
    if (o['status'] !== 'accepted') throw new BankRefusedError('bank gateway: debit not accepted', 'protocol');
    return { requestId: input.requestId, status: 'accepted' };
  }

  private async call(path: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const noticeUrl = this.opts.noticeUrl?.();
    let res: Response;
    try {
      res = await fetch(`${this.opts.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...payload, ...(noticeUrl ? { noticeUrl } : {}) }),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (err) {
      throw new BankTransientError(`bank gateway ${path}: ${(err as Error).name === 'TimeoutError' ? 'timed out' : String((err as Error).message ?? err)}`);
    }
    const text = await res.text().catch(() => '');
    if (res.status >= 500 || res.status === 429) throw new BankTransientError(`bank gateway ${path}: HTTP ${res.status}`, res.status);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new BankRefusedError(`bank gateway ${path}: HTTP ${res.status}, answer is not JSON`, 'protocol');
    }
    if (body === null || typeof body !== 'object') throw new BankRefusedError(`bank gateway ${path}: answer is not an object`, 'protocol');
    if (res.status !== 200) throw new BankRefusedError(typeof body['message'] === 'string' ? body['message'] : `bank gateway ${path}: HTTP ${res.status}`, typeof body['code'] === 'string' ? body['code'] : 'protocol');
    return body;
  }
}
