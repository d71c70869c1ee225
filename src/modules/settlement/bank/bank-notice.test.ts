import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBankNotice } from './bank-notice.ts';
import { signNoticeBody, verifyNoticeSignature } from './bank-notice-signature.ts';
import { bankName, maskAccountNo } from './bank-gateway.ts';
import { debitIdOf } from './apply-debit-result.ts';

const deposit = { type: 'deposit', transactionId: 'D1', bankCode: '088', accountNo: '562-1234-5678901', amountKrw: 55_000, depositor: '홍길동', occurredAt: '2026-12-09T01:00:00Z' };

test('a deposit notice parses; the account number keeps its digits', () => {
  const r = parseBankNotice(deposit);
  assert.ok(r.ok);
  assert.equal(r.notice.type, 'deposit');
  assert.equal(r.ok && r.notice.type === 'deposit' && r.notice.accountNo, '56212345678901');
  assert.equal(r.notice.occurredAt.toISOString(), '2026-12-09T01:00:00.000Z');
});

test('a malformed notice names its field', () => {
  const field = (raw: unknown) => {
    const r = parseBankNotice(raw);
    return r.ok ? undefined : r.field;
  };
  assert.equal(field([]), 'body');
  assert.equal(field({ ...deposit, type: 'refund' }), 'type');
  assert.equal(field({ ...deposit, transactionId: '' }), 'transactionId');
  assert.equal(field({ ...deposit, occurredAt: '2026-13-45' }), 'occurredAt');
  assert.equal(field({ ...deposit, amountKrw: 0 }), 'amountKrw');
  assert.equal(field({ ...deposit, amountKrw: 10.5 }), 'amountKrw');
  assert.equal(field({ ...deposit, bankCode: '88' }), 'bankCode');
  assert.equal(field({ ...deposit, accountNo: undefined }), 'accountNo');
  assert.equal(field({ ...deposit, transactionId: 'D\u00001' }), 'transactionId', 'a control character (NUL: the database cannot store it)');
  assert.equal(field({ ...deposit, depositor: '홍길동\n' }), 'depositor');
  assert.equal(field({ type: 'deposit_cancel', transactionId: 'C1', occurredAt: deposit.occurredAt }), 'cancelsTransactionId');
  assert.equal(field({ type: 'debit_result', transactionId: 'W1', requestId: 'debit:1', occurredAt: deposit.occurredAt, amountKrw: 1 }), 'resultCode');
  assert.equal(parseBankNotice({ type: 'debit_result', transactionId: 'W1', requestId: 'debit:1', resultCode: '0001', occurredAt: deposit.occurredAt, amountKrw: 0 }).ok, true);
});

test('the signature verifies over "<timestamp>.<body>" with the secret, within 5 minutes', () => {
  const body = JSON.stringify(deposit);
  const now = Date.UTC(2026, 11, 9);
  const { timestamp, signature } = signNoticeBody('s'.repeat(32), body, now);
  assert.equal(verifyNoticeSignature('s'.repeat(32), Buffer.from(body), timestamp, signature, now), true);
  assert.equal(verifyNoticeSignature('t'.repeat(32), Buffer.from(body), timestamp, signature, now), false, 'another secret');
  assert.equal(verifyNoticeSignature('s'.repeat(32), Buffer.from(body.replace('55000', '550000')), timestamp, signature, now), false, 'another body');
  assert.equal(verifyNoticeSignature('s'.repeat(32), Buffer.from(body), timestamp, signature, now + 301_000), false, 'too old');
  assert.equal(verifyNoticeSignature('s'.repeat(32), Buffer.from(body), undefined, signature, now), false);
  assert.equal(verifyNoticeSignature('s'.repeat(32), Buffer.from(body), timestamp, 'v1=00', now), false);
});

test('masks, bank names, debit request ids', () => {
  assert.equal(maskAccountNo('110-123-456789'), '110-*****-6789');
  assert.equal(maskAccountNo('1234567890'), '123-***-7890');
  assert.equal(bankName('088'), '신한은행');
  assert.equal(bankName('020'), '우리은행');
  assert.equal(bankName('777'), '777');
  assert.equal(debitIdOf('debit:42'), 42);
  assert.equal(debitIdOf('debit:0'), undefined);
  assert.equal(debitIdOf('42'), undefined);
});
