/**
 * The bank gateway: whoever issues our partners' fixed virtual accounts (가상계좌), registers CMS payers and
 * requests their direct debits (추심) — a bank or PG relay speaking our bank relay protocol, or the shipped bank
 * simulator. Settlement only sees this interface; which gateway it is, is chosen by src/composition/bank.ts.
 *
 *  - `issueVirtualAccount` answers the partner's fixed account; the same partnerRef always answers the same account.
 *  - `registerPayer` registers a CMS payer (after the partner's withdrawal consent, 전자금융거래법 §15); the full
 *    account number stays with the bank, we keep the masked one.
 *  - `requestDebit` is only accepted: the result comes later as a signed `debit_result` notice. The bank answers a
 *    requestId once (a repeat answers the first answer and debits nothing more).
 *  - deposits, deposit cancellations and debit results are pushed to our notice URL (bank-notice-signature.ts).
 * Trouble of the whole call (network, time-out, HTTP 5xx) is BankTransientError: call again with the same ids.
 */

export interface VirtualAccount {
  bankCode: string;
  accountNo: string;
  holder: string;
}

export interface RegisteredPayer {
  /** The bank's id of the payer (kept as billing_accounts.cms_payer_ref). */
  payerId: string;
  /** e.g. 110-***-**5678 */
  accountMasked: string;
}

export interface BankGateway {
  issueVirtualAccount(input: { partnerRef: string; holder: string }): Promise<VirtualAccount>;
  registerPayer(input: { payerRef: string; bankCode: string; accountNo: string; holder: string; consentEvidence: string }): Promise<RegisteredPayer>;
  requestDebit(input: { requestId: string; payerId: string; amountKrw: number }): Promise<{ requestId: string; status: 'accepted' }>;
}

/** The call failed as a whole and may be repeated with the same ids (network, time-out, HTTP 5xx/429). */
export class BankTransientError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'BankTransientError';
  }
}

/** The bank refused the request (HTTP 4xx with a reason: e.g. an account that does not exist), or answered off-protocol. */
export class BankRefusedError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'BankRefusedError';
  }
}

/** 금융결제원 bank codes of the banks the simulator and the screens know (a code not here is shown as the code). */
export const BANK_NAMES: Readonly<Record<string, string>> = {
  '002': 'KDB산업은행',
  '003': 'IBK기업은행',
  '004': 'KB국민은행',
  '007': '수협은행',
  '011': 'NH농협은행',
  '020': '우리은행',
  '023': 'SC제일은행',
  '027': '한국씨티은행',
  '031': '대구은행',
  '032': '부산은행',
  '034': '광주은행',
  '035': '제주은행',
  '037': '전북은행',
  '039': '경남은행',
  '045': '새마을금고',
  '048': '신협',
  '071': '우체국',
  '081': '하나은행',
  '088': '신한은행',
  '089': '케이뱅크',
  '090': '카카오뱅크',
  '092': '토스뱅크',
};

export function bankName(code: string | null | undefined): string {
  if (!code) return '';
  return BANK_NAMES[code] ?? code;
}

/** Digits of an account number, masked but for the first 3 and last 4: 110123455678 → 110-*****-5678. */
export function maskAccountNo(accountNo: string): string {
  const d = accountNo.replace(/\D/g, '');
  if (d.length <= 7) return '*'.repeat(Math.max(0, d.length - 2)) + d.slice(-2);
  return `${d.slice(0, 3)}-${'*'.repeat(d.length - 7)}-${d.slice(-4)}`;
}
