/**
 * The notices a bank pushes to POST /bank/notices (our bank relay protocol, docs/settlement.md "Bank"), one per
 * request, and their parser: a malformed notice names its field (400) and nothing is stored.
 *
 *   deposit         {type, transactionId, bankCode, accountNo, amountKrw, depositor, occurredAt}
 *   deposit_cancel  {type, transactionId, cancelsTransactionId, bankCode?, accountNo?, amountKrw?, occurredAt}
 *   debit_result    {type, transactionId, requestId ("debit:<cms_debits.id>"), resultCode ('0000' ok), resultMessage?, amountKrw, occurredAt}
 *
 * transactionId is the bank's and unique over all notices (bank_notices.transaction_id): a notice is applied once.
 * Text fields follow the character rule of every text reader (platform/input.ts): a control character (a NUL the
 * database cannot store) is refused naming the field, not retried as a failure to apply.
 */
import { textCharacterProblem } from '../../../platform/input.ts';

export interface DepositNotice {
  type: 'deposit';
  transactionId: string;
  bankCode: string;
  accountNo: string;
  amountKrw: number;
  depositor: string;
  occurredAt: Date;
}

export interface DepositCancelNotice {
  type: 'deposit_cancel';
  transactionId: string;
  cancelsTransactionId: string;
  bankCode: string;
  accountNo: string;
  amountKrw: number;
  occurredAt: Date;
}

export interface DebitResultNotice {
  type: 'debit_result';
  transactionId: string;
  requestId: string;
  resultCode: string;
  resultMessage: string;
  amountKrw: number;
  occurredAt: Date;
}

export type BankNotice = DepositNotice | DepositCancelNotice | DebitResultNotice;

/** The result codes the simulator answers (금융결제원 CMS style): '0000' succeeded, anything else failed. */
export const DEBIT_RESULT_OK = '0000';
export const DEBIT_FAILURE_CODES: Readonly<Record<string, string>> = {
  '0001': '잔액부족',
  '0002': '출금계좌 해지',
  '0003': '출금동의 없음',
  '0004': '예금주 불일치',
};

export type ParsedNotice = { ok: true; notice: BankNotice } | { ok: false; field: string; error: string };

export function parseBankNotice(raw: unknown): ParsedNotice {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, field: 'body', error: 'expected a JSON object' };
  const o = raw as Record<string, unknown>;
  const bad = (field: string, error: string): ParsedNotice => ({ ok: false, field, error });
  const text = (field: string, max: number, required = true): string | undefined | ParsedNotice => {
    const v = o[field];
    if (v === undefined || v === null || v === '') return required ? bad(field, 'required') : '';
    if (typeof v !== 'string' || v.length > max) return bad(field, `expected a string of at most ${max} characters`);
    const chars = textCharacterProblem(v, false);
    return chars ? bad(field, chars) : v;
  };
  const type = o['type'];
  if (type !== 'deposit' && type !== 'deposit_cancel' && type !== 'debit_result') return bad('type', 'expected deposit, deposit_cancel or debit_result');
  const transactionId = text('transactionId', 100);
  if (typeof transactionId !== 'string') return transactionId as ParsedNotice;
  const occurred = o['occurredAt'];
  const occurredAt = typeof occurred === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(occurred) ? new Date(occurred) : undefined;
  if (!occurredAt || Number.isNaN(occurredAt.getTime())) return bad('occurredAt', 'expected an ISO 8601 date-time');
  const amount = o['amountKrw'];
  const amountOk = typeof amount === 'number' && Number.isSafeInteger(amount) && amount >= 0;
  if (type === 'deposit') {
    const bankCode = text('bankCode', 3);
    if (typeof bankCode !== 'string') return bankCode as ParsedNotice;
    if (!/^\d{3}$/.test(bankCode)) return bad('bankCode', 'expected a 3-digit bank code');
    const accountNo = text('accountNo', 30);
    if (typeof accountNo !== 'string') return accountNo as ParsedNotice;
    if (!amountOk || amount === 0) return bad('amountKrw', 'expected a positive integer (won)');
    const depositor = text('depositor', 100, false);
    if (typeof depositor !== 'string') return depositor as ParsedNotice;
    return { ok: true, notice: { type, transactionId, bankCode, accountNo: accountNo.replace(/\D/g, ''), amountKrw: amount, depositor, occurredAt } };
  }
  if (type === 'deposit_cancel') {
    const cancels = text('cancelsTransactionId', 100);
    if (typeof cancels !== 'string') return cancels as ParsedNotice;
    const bankCode = text('bankCode', 3, false);
    if (typeof bankCode !== 'string') return bankCode as ParsedNotice;
    const accountNo = text('accountNo', 30, false);
    if (typeof accountNo !== 'string') return accountNo as ParsedNotice;
    if (amount !== undefined && !amountOk) return bad('amountKrw', 'expected a non-negative integer (won)');
    return { ok: true, notice: { type, transactionId, cancelsTransactionId: cancels, bankCode, accountNo: accountNo.replace(/\D/g, ''), amountKrw: amountOk ? amount : 0, occurredAt } };
  }
  const requestId = text('requestId', 100);
  if (typeof requestId !== 'string') return requestId as ParsedNotice;
  const resultCode = text('resultCode', 20);
  if (typeof resultCode !== 'string') return resultCode as ParsedNotice;
  const resultMessage = text('resultMessage', 200, false);
  if (typeof resultMessage !== 'string') return resultMessage as ParsedNotice;
  if (!amountOk) return bad('amountKrw', 'expected a non-negative integer (won)');
  return { ok: true, notice: { type, transactionId, requestId, resultCode, resultMessage, amountKrw: amount, occurredAt } };
}
