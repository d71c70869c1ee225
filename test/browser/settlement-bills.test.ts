// 연동 API 관리 > 정산 > 결제완료/미납내역 in a real browser (Debian Chromium through playwright-core): two bills made by
// the real monthly run over ledger rows, one paid by a deposit through the in-process bank simulator; in the portal —
// the menu entry, the list and its state filter, 결제하기 showing the virtual account and the amount left, 상세내역 with
// the billed usage, the printable 영수증 of the paid bill, a selection downloaded as .xlsx (read back with exceljs),
// then the due date passes: 미납, 안내 with the suspension; and the API-service page's settlement terms.
// Screenshots go to .test-artifacts/settlement-bills/.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import type { TestSystem } from '../support/test-system.ts';
import { addCookies, SKIP_BROWSER as SKIP, type Chromium } from '../support/browser.ts';
import { billingBrowserSuite } from './billing-browser-support.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { ensureBillingAccount } from '../../src/modules/settlement/bank/billing-account.ts';
import { depositAndWait } from '../e2e/billing-bank-support.ts';
import { billAndFile, billingMonths, billingPartner, billRowOf, contractPrice, relogin, usage } from '../e2e/billing-bills-support.ts';

const older = billingMonths(new Date(), 2);
const last = billingMonths(new Date(), 1);
const clock = new ManualClock(older.usageAt(10));
const suite = billingBrowserSuite('settlement-bills', 'billsb', clock);
let sys: TestSystem;
let chromium: Chromium | undefined;
before(async () => {
  await suite.ready;
  sys = suite.sys;
  chromium = suite.chromium;
});
const { snap, shownOrders } = suite;

test('결제완료/미납내역 in Chromium', { skip: SKIP, timeout: 150_000 }, async () => {
  const p = await billingPartner(sys);
  await contractPrice(sys, p.partnerId, 'message_sms', 1000, older.usageAt(1));
  // the older month: 2 SMS, billed on the 5th after it and paid by a deposit
  await usage(sys, p, 'message_sms', 2);
  clock.set(older.after(5));
  await billAndFile(sys, older.period);
  const paidBill = await billRowOf(sys, p.partnerId, older.period);
  const account = await ensureBillingAccount(sys.ctx, sys.bank.gateway, p.partnerId);
  clock.set(older.after(8));
  await depositAndWait(sys, account.virtualAccount!.accountNo, 2200, '파트너상사');
  // last month: 3 SMS and 1 LMS, billed on the 5th of this month, not paid
  clock.set(last.usageAt(12));
  await usage(sys, p, 'message_sms', 3);
  await usage(sys, p, 'message_lms', 1);
  clock.set(last.after(5));
  await billAndFile(sys, last.period);
  const dueBill = await billRowOf(sys, p.partnerId, last.period);
  const api = await p.call('GET', '/v1/partner/bills');
  assert.deepEqual(api.body.data.map((b: any) => [b.orderNo, b.state, b.totalKrw]), [[dueBill.orderNo, 'due', 3342], [paidBill.orderNo, 'paid', 2200]], '3,039 + VAT 303; 2,000 + 200');

  const ctx = await chromium!.context();
  const login = async () => addCookies(ctx, sys.url, await relogin(sys, p));
  await login();
  const page = await ctx.newPage();
  await page.goto(`${sys.url}/portal/api/keys`);
  await page.getByRole('link', { name: '정산 · 결제완료/미납내역' }).click();
  await page.getByRole('heading', { name: '정산 · 결제완료/미납내역' }).waitFor();
  assert.deepEqual(await shownOrders(page), [dueBill.orderNo, paidBill.orderNo]);
  assert.deepEqual([await page.locator('#bills-total').textContent(), await page.locator('#bills-paid').textContent(), await page.locator('#bills-remaining').textContent()], ['5,542', '2,200', '3,342']);
  const dueRow = page.locator(`tr[data-order-no="${dueBill.orderNo}"]`);
  assert.match((await dueRow.textContent()) ?? '', /3,342원[\s\S]*결제예정[\s\S]*가상계좌/);
  assert.match((await page.locator('#billing-terms').textContent()) ?? '', /매월 5일[\s\S]*7일[\s\S]*정지/);
  await snap(page, 'bills');

  // filter by state
  await page.getByLabel('결제상태').selectOption('paid');
  await page.getByRole('button', { name: '조회' }).click();
  await page.waitForURL(/state=paid/);
  assert.deepEqual(await shownOrders(page), [paidBill.orderNo]);
  const receiptHref = await page.locator(`tr[data-order-no="${paidBill.orderNo}"] a[data-action="receipt"]`).getAttribute('href');
  assert.equal(await page.locator(`tr[data-order-no="${paidBill.orderNo}"] a[data-action="pay"]`).count(), 0, 'a paid bill has no 결제하기');
  await page.getByRole('link', { name: '필터초기화' }).click();
  await page.getByLabel('결제상태').selectOption('due');
  await page.getByRole('button', { name: '조회' }).click();
  await page.waitForURL(/state=due/);
  assert.deepEqual(await shownOrders(page), [dueBill.orderNo]);

  // 결제하기: the virtual account and the amount left
  await page.locator(`tr[data-order-no="${dueBill.orderNo}"]`).getByRole('link', { name: '결제하기' }).click();
  await page.getByRole('heading', { name: '정산 · 결제하기' }).waitFor();
  assert.equal(await page.locator('#va-account').textContent(), account.virtualAccount!.accountNo);
  assert.equal(await page.locator('#pay-amount').textContent(), '3,342');
  assert.match((await page.locator('#va-bank').textContent()) ?? '', new RegExp(account.virtualAccount!.bankName));
  await snap(page, 'pay');

  // 상세내역: the bill's usage
  await page.goto(`${sys.url}/portal/api/billing/bills`);
  await page.locator(`tr[data-order-no="${dueBill.orderNo}"]`).getByRole('link', { name: '상세내역' }).click();
  await page.getByRole('heading', { name: '정산 · 청구 상세내역' }).waitFor();
  assert.equal(await page.locator('#bill-order-no').textContent(), dueBill.orderNo);
  assert.equal(await page.locator('#usage-count').textContent(), '4건');
  assert.equal(await page.locator('table.usage tbody tr').count(), 4);
  assert.match((await page.locator('table.lines').textContent()) ?? '', /SMS[\s\S]*3[\s\S]*1,000원[\s\S]*3,000원/);
  await snap(page, 'detail');

  // 영수증 of the paid bill: printable, Korean
  await page.goto(`${sys.url}${receiptHref}`);
  assert.match((await page.locator('h1').textContent()) ?? '', /영 수 증/);
  assert.equal(await page.locator('#receipt-order-no').textContent(), paidBill.orderNo);
  assert.equal(await page.locator('#receipt-total').textContent(), '2,200원');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.screen-only').isVisible(), false, 'the print stylesheet hides the screen notes');
  await snap(page, 'receipt-print');
  await page.emulateMedia({ media: 'screen' });

  // a selection downloaded
  await page.goto(`${sys.url}/portal/api/billing/bills`);
  await page.getByRole('checkbox', { name: `${paidBill.orderNo} 선택` }).check();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '엑셀 다운로드' }).click()]);
  assert.match(download.suggestedFilename(), /^결제완료_미납내역.*\.xlsx$/);
  const file = chromium!.artifact('bills.xlsx');
  await download.saveAs(file);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const rows = wb.worksheets[0]!.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1));
  assert.deepEqual(rows[0]!.slice(0, 5), ['주문번호', '발송기간', '공급가액', '부가세', '결제금액 (VAT 포함)']);
  assert.deepEqual(rows.filter((r) => /^\d{10}$/.test(String(r[0]))).map((r) => [r[0], r[4], r[10], r[11]]), [[paidBill.orderNo, 2200, '결제완료', '가상계좌']]);

  // the due date passes: 미납, the partner suspended, 안내
  clock.set(last.after(13));
  await sys.billing.tick();
  await login();
  await page.goto(`${sys.url}/portal/api/billing/bills`);
  assert.match((await page.locator(`tr[data-order-no="${dueBill.orderNo}"]`).textContent()) ?? '', /미납/);
  assert.equal(await page.locator('#suspended').isVisible(), true);
  await page.locator(`tr[data-order-no="${dueBill.orderNo}"]`).getByRole('link', { name: '안내' }).click();
  await page.getByRole('heading', { name: '정산 · 미납 안내' }).waitFor();
  assert.match((await page.locator('#guide-state').textContent()) ?? '', /3,342원이 미납/);
  assert.equal(await page.locator('#guide-suspended').isVisible(), true);
  await snap(page, 'guide');

  // the API-service page shows the terms
  await page.goto(`${sys.url}/portal/mypage/api-service`);
  assert.match((await page.locator('#billing-terms').textContent()) ?? '', /후불[\s\S]*매월 5일[\s\S]*세금계산서[\s\S]*7일[\s\S]*정지/);

  // English where the portal offers it
  await page.goto(`${sys.url}/portal/api/billing/bills?lang=en`);
  await page.getByRole('heading', { name: 'Settlement · Bills' }).waitFor();
  assert.match((await page.locator(`tr[data-order-no="${dueBill.orderNo}"]`).textContent()) ?? '', /3,342 KRW[\s\S]*Overdue[\s\S]*Virtual account/);
  await ctx.close();
});
