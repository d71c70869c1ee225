import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBankSimulator, type BankSimulator } from './bank-simulator.ts';
import { HttpBankGateway } from '../../modules/settlement/bank/http-bank-gateway.ts';
import { BankRefusedError, BankTransientError } from '../../modules/settlement/bank/bank-gateway.ts';
import { BANK_SIGNATURE_HEADER, BANK_TIMESTAMP_HEADER, verifyNoticeSignature } from '../../modules/settlement/bank/bank-notice-signature.ts';

const SECRET = 'a-shared-secret-of-the-test-1234';
const received: Record<string, unknown>[] = [];
let receiver: http.Server;
let sim: BankSimulator;
let gateway: HttpBankGateway;

before(async () => {
  // our notice endpoint: verifies the signature, records the notice
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const ok = verifyNoticeSignature(SECRET, body, String(req.headers[BANK_TIMESTAMP_HEADER]), String(req.headers[BANK_SIGNATURE_HEADER]));
      if (ok) received.push(JSON.parse(body.toString('utf8')) as Record<string, unknown>);
      res.writeHead(ok ? 200 : 401).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const noticeUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/bank/notices`;
  sim = await startBankSimulator({ noticeSecret: SECRET, noticeUrl, noticeDelayMs: 5, pushRetryMs: 10 });
  gateway = new HttpBankGateway({ baseUrl: sim.url, timeoutMs: 5_000 });
});
after(async () => {
  await sim?.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

const noticeOf = async (transactionId: string) => {
  for (let i = 0; i < 200; i++) {
    const n = received.find((r) => r['transactionId'] === transactionId);
    if (n) return n;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`notice ${transactionId} not received`);
};

test('a fixed virtual account per partnerRef, the same after a restart', async () => {
  const a = await gateway.issueVirtualAccount({ partnerRef: 'partner:1', holder: '(주)가나' });
  assert.deepEqual(await gateway.issueVirtualAccount({ partnerRef: 'partner:1', holder: '(주)가나' }), a);
  assert.equal(a.bankCode, '088');
  assert.notEqual((await gateway.issueVirtualAccount({ partnerRef: 'partner:2', holder: '(주)다라' })).accountNo, a.accountNo);
  const restarted = await startBankSimulator({ noticeSecret: SECRET, bankCode: '020' });
  try {
    const b = await new HttpBankGateway({ baseUrl: restarted.url, timeoutMs: 5_000 }).issueVirtualAccount({ partnerRef: 'partner:1', holder: '(주)가나' });
    assert.equal(b.accountNo, a.accountNo);
    assert.equal(b.bankCode, '020');
  } finally {
    await restarted.close();
  }
});

test('deposits and their cancellations are pushed signed', async () => {
  const a = await gateway.issueVirtualAccount({ partnerRef: 'partner:3', holder: '(주)마바' });
  const tx = sim.deposit({ accountNo: a.accountNo, amountKrw: 11_000, depositor: '홍길동' });
  const n = await noticeOf(tx);
  assert.deepEqual({ ...n, occurredAt: undefined }, { type: 'deposit', transactionId: tx, bankCode: '088', accountNo: a.accountNo, amountKrw: 11_000, depositor: '홍길동', occurredAt: undefined });
  const cancel = sim.cancelDeposit(tx)!;
  assert.equal(sim.cancelDeposit(tx), cancel, 'cancelled once');
  assert.equal((await noticeOf(cancel))['cancelsTransactionId'], tx);
  assert.equal(sim.cancelDeposit('nope'), undefined);
});

test('payers: refusals by code; debits answered once per requestId; failures by pattern and on demand', async () => {
  await assert.rejects(gateway.registerPayer({ payerRef: 'p:1', bankCode: '999', accountNo: '1101234567', holder: '가', consentEvidence: 'e' }), (e: unknown) => e instanceof BankRefusedError && e.code === 'unknown_bank');
  await assert.rejects(gateway.registerPayer({ payerRef: 'p:1', bankCode: '004', accountNo: '1111111111', holder: '가', consentEvidence: 'e' }), (e: unknown) => e instanceof BankRefusedError && e.code === 'no_such_account');
  const payer = await gateway.registerPayer({ payerRef: 'p:1', bankCode: '004', accountNo: '110-123-456789', holder: '가', consentEvidence: 'e' });
  assert.equal(payer.accountMasked, '110-*****-6789');
  const before = sim.stats();
  await gateway.requestDebit({ requestId: 'debit:1', payerId: payer.payerId, amountKrw: 5_000 });
  await gateway.requestDebit({ requestId: 'debit:1', payerId: payer.payerId, amountKrw: 5_000 });
  assert.equal(sim.stats().debits - before.debits, 1);
  assert.equal(sim.stats().duplicateDebits - before.duplicateDebits, 1);
  const ok = await noticeOf(await waitResult('debit:1'));
  assert.deepEqual([ok['resultCode'], ok['amountKrw']], ['0000', 5_000]);

  assert.ok(sim.failNextDebits(payer.payerId, 1, '0002'));
  await gateway.requestDebit({ requestId: 'debit:2', payerId: payer.payerId, amountKrw: 5_000 });
  assert.equal((await noticeOf(await waitResult('debit:2')))['resultCode'], '0002');
  await gateway.requestDebit({ requestId: 'debit:3', payerId: payer.payerId, amountKrw: 5_000 });
  assert.equal((await noticeOf(await waitResult('debit:3')))['resultCode'], '0000', 'only the next one failed');

  const short = await gateway.registerPayer({ payerRef: 'p:2', bankCode: '088', accountNo: '56012340001', holder: '나', consentEvidence: 'e' });
  await gateway.requestDebit({ requestId: 'debit:4', payerId: short.payerId, amountKrw: 5_000 });
  const failed = await noticeOf(await waitResult('debit:4'));
  assert.deepEqual([failed['resultCode'], failed['resultMessage'], failed['amountKrw']], ['0001', '잔액부족', 0]);

  await assert.rejects(gateway.requestDebit({ requestId: 'debit:5', payerId: 'someone', amountKrw: 1 }), (e: unknown) => e instanceof BankRefusedError && e.code === 'unknown_payer');
  sim.setFaults({ failRate: 1 });
  try {
    await assert.rejects(gateway.requestDebit({ requestId: 'debit:6', payerId: payer.payerId, amountKrw: 1 }), BankTransientError);
  } finally {
    sim.setFaults({ failRate: 0 });
  }
});

/** The transactionId of the debit_result of `requestId`, once received. */
async function waitResult(requestId: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const n = received.find((r) => r['type'] === 'debit_result' && r['requestId'] === requestId);
    if (n) return String(n['transactionId']);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no result for ${requestId}`);
}
