// 청구·입금 관리 in the operator console, in a real browser (Debian Chromium through playwright-core): two partners
// billed by the real monthly run, one paid by a deposit through the in-process bank simulator and a stray deposit
// into an unknown account; the operator logs in, opens 청구·입금 관리 from the menu (both bills, the sums, the deposit
// applied to nothing), filters by partner and state, opens the paid bill (its payment and notice), then the other:
// the 조정 form (not sent without its fields; sent, the bill's new amounts and the adjustment with its amended
// invoice), 정지 of the partner from the bill (파트너 관리 shows its kind and links to its bills), 정지 해제; the list
// in English. Screenshots go to
// .test-artifacts/console-bills/.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { TestSystem } from '../support/test-system.ts';
import { freshLoginId } from '../support/test-system.ts';
import { SKIP_BROWSER as SKIP, type Chromium } from '../support/browser.ts';
import { billingBrowserSuite } from './billing-browser-support.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { createOperator } from '../../src/modules/accounts/create-operator.ts';
import { SYSTEM_ACTOR } from '../../src/modules/access/audit-log.ts';
import { ensureBillingAccount } from '../../src/modules/settlement/bank/billing-account.ts';
import { acknowledged, depositAndWait } from '../e2e/billing-bank-support.ts';
import { billAndFile, billingMonths, billingPartner, billRowOf, contractPrice, usage } from '../e2e/billing-bills-support.ts';

const months = billingMonths();
const clock = new ManualClock(months.usageAt(10));
const suite = billingBrowserSuite('console-bills', 'conbillsb', clock);
let sys: TestSystem;
let chromium: Chromium | undefined;
before(async () => {
  await suite.ready;
  sys = suite.sys;
  chromium = suite.chromium;
});
const { snap, shownOrders } = suite;

test('청구·입금 관리, a bill, its 조정 form and the partner\'s suspension, in Chromium', { skip: SKIP, timeout: 120_000 }, async () => {
  const [a, b] = [await billingPartner(sys), await billingPartner(sys)];
  await contractPrice(sys, a.partnerId, 'message_sms', 1000, months.usageAt(1));
  await contractPrice(sys, b.partnerId, 'message_sms', 700, months.usageAt(1));
  await usage(sys, a, 'message_sms', 2);
  await usage(sys, b, 'message_sms', 1);
  clock.set(months.after(5));
  await billAndFile(sys, months.period);
  const billA = await billRowOf(sys, a.partnerId, months.period);
  const billB = await billRowOf(sys, b.partnerId, months.period);
  const account = await ensureBillingAccount(sys.ctx, sys.bank.gateway, b.partnerId);
  const paidTx = await depositAndWait(sys, account.virtualAccount!.accountNo, 770, '비파트너');
  const strayTx = sys.bank.simulator!.deposit({ accountNo: '99912345678901', amountKrw: 5000, depositor: '모르는입금자' });
  await acknowledged(sys, strayTx);
  const opLogin = freshLoginId('op');
  await createOperator(sys.ctx, SYSTEM_ACTOR, { loginId: opLogin, password: 'Operat0r!pass', name: '운영자' });

  const ctx = await chromium!.context();
  const op = await ctx.newPage();
  op.on('dialog', (d) => void d.accept());
  await op.goto(`${sys.url}/console/login`);
  await op.getByLabel('아이디').fill(opLogin);
  await op.getByLabel('비밀번호').fill('Operat0r!pass');
  await op.getByRole('button', { name: '로그인' }).click();
  await op.getByRole('heading', { name: '운영자 콘솔' }).first().waitFor();

  // the list from the menu: both bills, the sums, the deposit applied to nothing
  await op.getByRole('navigation').getByRole('link', { name: '청구·입금 관리' }).click();
  await op.getByRole('heading', { name: '청구·입금 관리' }).waitFor();
  assert.deepEqual((await shownOrders(op)).sort(), [billA.orderNo, billB.orderNo].sort());
  assert.equal(await op.locator('#cb-count').textContent(), '2');
  assert.equal(await op.locator('#cb-remaining').textContent(), '2,200', 'A\'s 2,000 + VAT 200 left; B paid');
  const stray = op.locator(`table.notices tr[data-transaction-id="${strayTx}"]`);
  assert.match((await stray.textContent()) ?? '', /모르는입금자[\s\S]*5,000/);
  await snap(op, 'bills');

  // filtered by partner and state
  await op.getByLabel('파트너').selectOption(String(b.partnerId));
  await op.getByLabel('결제상태').selectOption('paid');
  await op.getByRole('button', { name: '조회' }).click();
  await op.waitForURL(/state=paid/);
  assert.deepEqual(await shownOrders(op), [billB.orderNo]);
  await snap(op, 'bills-filtered');

  // the paid bill: its payment and the bank's notice
  await op.getByRole('link', { name: billB.orderNo }).click();
  await op.getByRole('heading', { name: `청구서 ${billB.orderNo}` }).waitFor();
  assert.equal(await op.locator('#cbill-state').textContent(), '결제완료');
  assert.match((await op.locator('table.payments').textContent()) ?? '', new RegExp(`비파트너[\\s\\S]*${paidTx}[\\s\\S]*770`));
  assert.match((await op.locator('table.notices').textContent()) ?? '', new RegExp(paidTx));
  assert.match((await op.locator('#cbill-partner-state').textContent()) ?? '', /정상/);
  await snap(op, 'bill-paid');

  // the other bill's 조정 form: the browser does not send it without its fields; sent, the amended invoice
  await op.getByRole('link', { name: '청구·입금 관리로' }).click();
  await op.getByRole('link', { name: billA.orderNo }).click();
  await op.getByRole('heading', { name: `청구서 ${billA.orderNo}` }).waitFor();
  assert.equal(await op.locator('#cbill-amounts').textContent(), '2,000 / 200 / 2,200');
  await op.getByRole('button', { name: '조정', exact: true }).click();
  assert.equal(await op.evaluate(`document.getElementById('adj-delta').validity.valueMissing`), true);
  assert.equal((await sys.database.pool.query('SELECT 1 FROM bill_adjustments WHERE bill_id = $1', [billA.id])).rowCount, 0, 'nothing sent');
  await op.locator('#adj-delta').fill('-500');
  await op.locator('#adj-reason').fill('장애 보상');
  await op.getByRole('button', { name: '조정', exact: true }).click();
  await op.getByText('청구서를 조정했습니다').waitFor();
  assert.equal(new URL(op.url()).search, `?orderNo=${billA.orderNo}&done=adjusted`);
  assert.equal(await op.locator('#cbill-amounts').textContent(), '1,500 / 150 / 1,650');
  const adjusted = (await op.locator('table.adjustments tbody tr').allTextContents()).join('\n');
  assert.match(adjusted, /-500[\s\S]*-50[\s\S]*장애 보상/);
  const amended = await sys.database.pool.query<{ nts_issue_id: string | null; dockey: string }>('SELECT d.nts_issue_id, d.dockey FROM bill_adjustments a JOIN documents d ON d.id = a.invoice_document_id WHERE a.bill_id = $1', [billA.id]);
  assert.equal(amended.rowCount, 1, 'one adjustment, with its amended invoice');
  assert.match(adjusted, new RegExp(amended.rows[0]!.nts_issue_id ?? amended.rows[0]!.dockey));
  await snap(op, 'bill-adjusted');

  // 정지 / 정지 해제 of the partner from the bill
  await op.locator('#cb-sr').fill('계약 위반 조사');
  await op.getByRole('button', { name: '정지', exact: true }).click();
  await op.getByText('파트너를 정지했습니다').waitFor();
  assert.match((await op.locator('#cbill-partner-state').textContent()) ?? '', /정지 \(운영자\)[\s\S]*계약 위반 조사/);
  await snap(op, 'partner-suspended');
  // 파트너 관리 shows the kind, and its 청구서 link lists that partner's bills
  await op.getByRole('navigation').getByRole('link', { name: '파트너 관리' }).click();
  const partnerRow = op.locator(`tr[data-partner-id="${a.partnerId}"]`);
  assert.equal(await partnerRow.locator('[data-suspension-kind]').getAttribute('data-suspension-kind'), 'operator');
  assert.match((await partnerRow.textContent()) ?? '', /운영자[\s\S]*계약 위반 조사/);
  await snap(op, 'partners');
  await partnerRow.getByRole('link', { name: '청구서' }).click();
  await op.waitForURL(new RegExp(`/console/bills\\?partnerId=${a.partnerId}$`));
  assert.deepEqual(await shownOrders(op), [billA.orderNo]);
  await op.getByRole('link', { name: billA.orderNo }).click();
  await op.getByRole('button', { name: '정지 해제' }).click();
  await op.getByText('파트너 정지를 해제했습니다').waitFor();
  assert.match((await op.locator('#cbill-partner-state').textContent()) ?? '', /정상/);
  const partner = await sys.database.pool.query<{ state: string }>('SELECT state FROM partners WHERE id = $1', [a.partnerId]);
  assert.equal(partner.rows[0]!.state, 'active');

  // English
  await op.goto(`${sys.url}/console/bills?lang=en`);
  await op.getByRole('heading', { name: 'Bills and payments' }).waitFor();
  assert.match((await op.locator(`tr[data-order-no="${billB.orderNo}"]`).textContent()) ?? '', /770/);
  await snap(op, 'bills-en');
  await ctx.close();
});
