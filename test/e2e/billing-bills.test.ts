// 결제완료/미납내역 over real HTTP (issue 11 items 6 and 10): bills made by the real monthly run over ledger rows
// written by the ledger's writer, at contract prices; GET /v1/partner/bills (sums, filters, paging), the detail with
// lines, invoice and paged usage, the .xlsx read back with exceljs; another partner's order number is 404 and its
// list is its own; bad input answers 400 naming the field; the operator sees every partner's bills.
// Own database on PostgreSQL (the run bills every partner with usage in the month).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import type { TestSystem } from '../support/test-system.ts';
import { usePrivateDatabase, type PrivateDatabase } from '../support/private-database.ts';
import { rest } from '../support/http.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { startNtsTestSystem } from './nts-support.ts';
import { billAndFile, billingMonths, billingPartner, billRowOf, contractPrice, opAuth, relogin, usage, closeFetchSockets, type BillingPartner } from './billing-bills-support.ts';

const months = billingMonths();
const clock = new ManualClock(months.usageAt(10));
let sys: TestSystem;
let privateDb: PrivateDatabase;
let a: BillingPartner;
let b: BillingPartner;

before(async () => {
  privateDb = await usePrivateDatabase('bills');
  sys = await startNtsTestSystem({}, { clock });
  a = await billingPartner(sys);
  b = await billingPartner(sys);
  const from = months.usageAt(1);
  await contractPrice(sys, a.partnerId, 'message_sms', 1000, from);
  await contractPrice(sys, b.partnerId, 'message_sms', 500, from);
  clock.set(months.usageAt(10));
  await usage(sys, a, 'message_sms', 3); // 3,000
  await usage(sys, a, 'message_lms', 2); // 2 × 39 = 78 (list price)
  await usage(sys, b, 'message_sms', 1); // 500
  clock.set(months.after(5));
  const run = await billAndFile(sys, months.period);
  assert.equal(run.billsTotal, 2);
});
after(async () => {
  await closeFetchSockets();
  await sys?.close();
  await privateDb?.drop();
});

async function xlsxRows(res: Response): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
  const sheet = wb.worksheets[0]!;
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

test('a partner lists its bills with sums and filters; the detail carries lines, invoice and paged usage; the .xlsx reads back', async () => {
  const list = await a.call('GET', '/v1/partner/bills');
  assert.equal(list.status, 200, list.text);
  assert.equal(list.body.data.length, 1);
  const bill = list.body.data[0];
  assert.match(bill.orderNo, /^\d{10}$/);
  assert.equal(bill.orderNo.slice(0, 4), months.period.slice(2, 4) + months.period.slice(5, 7), 'YYMM of the period');
  assert.deepEqual(
    [bill.period, bill.supplyKrw, bill.vatKrw, bill.totalKrw, bill.paidKrw, bill.remainingKrw, bill.state, bill.stateName, bill.method, bill.methodName],
    [months.period, 3078, 307, 3385, 0, 3385, 'due', '결제예정', 'virtual_account', '가상계좌'],
    'VAT floor(307.8); 결제예정 via 가상계좌',
  );
  assert.equal(bill.usageFromDate, `${months.period}-01`);
  assert.match(bill.usageToDate, new RegExp(`^${months.period}-(28|29|30|31)$`));
  const billedDay = months.after(5).toISOString().slice(0, 10);
  assert.equal(bill.billedDate, billedDay);
  assert.equal(bill.dueDate, months.after(12).toISOString().slice(0, 10), 'billed on the 5th, payable through the 12th');
  assert.equal(bill.paidAt, null);
  assert.match(bill.invoice.ntsIssueId, /^\d{24}$/);
  assert.equal(bill.invoice.ntsState, '3', 'the invoice was filed');
  assert.deepEqual(list.body.total, { count: 1, totalKrw: 3385, paidKrw: 0, remainingKrw: 3385 });

  const q = async (qs: string) => {
    const r = await a.call('GET', `/v1/partner/bills?${qs}`);
    assert.equal(r.status, 200, r.text);
    return r.body.total.count as number;
  };
  assert.equal(await q('state=due'), 1);
  assert.equal(await q('state=paid'), 0);
  assert.equal(await q('state=overdue'), 0);
  assert.equal(await q('method=cms'), 0);
  assert.equal(await q('method=virtual_account&state=all'), 1);
  assert.equal(await q(`from=${months.period}&to=${months.period}`), 1);
  const next = billedDay.slice(0, 7);
  assert.equal(await q(`from=${next}`), 0);
  assert.equal(await q(`to=2001-01`), 0);

  const detail = await a.call('GET', `/v1/partner/bills/${bill.orderNo}?usagePageSize=2`);
  assert.equal(detail.status, 200, detail.text);
  const d = detail.body;
  assert.equal(d.orderNo, bill.orderNo);
  assert.deepEqual(d.lines.map((l: any) => [l.meteredItem, l.quantity, l.unitPriceKrw, l.supplyKrw]).sort(), [['message_lms', 2, 39, 78], ['message_sms', 3, 1000, 3000]]);
  assert.deepEqual([d.usage.count, d.usage.data.length, d.usage.nextPage], [5, 2, 2], 'the bill\'s usage, paged');
  assert.ok(d.usage.data.every((r: any) => ['sms', 'lms'].includes(r.type)));
  const page3 = await a.call('GET', `/v1/partner/bills/${bill.orderNo}?usagePage=3&usagePageSize=2`);
  assert.deepEqual([page3.body.usage.data.length, page3.body.usage.nextPage], [1, null]);
  assert.deepEqual(d.payments, []);
  assert.deepEqual(d.adjustments, []);

  // .xlsx: the list's query, read back
  const res = await fetch(`${sys.url}/v1/partner/bills.xlsx?state=due`, { headers: { authorization: `Bearer ${a.accessKey}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /spreadsheetml/);
  assert.match(res.headers.get('content-disposition') ?? '', /attachment/);
  const rows = await xlsxRows(res);
  assert.deepEqual(rows[0]!.slice(0, 5), ['주문번호', '발송기간', '공급가액', '부가세', '결제금액 (VAT 포함)']);
  assert.equal(rows[1]![0], bill.orderNo);
  assert.deepEqual(rows[1]!.slice(2, 7), [3078, 307, 3385, 0, 3385]);
  assert.equal(rows[1]![10], '결제예정');
  assert.equal(rows[1]![11], '가상계좌');
  assert.equal(rows[1]![12], bill.invoice.ntsIssueId);
  const sums = rows.find((r) => r[0] === '합계')!;
  assert.deepEqual(sums.slice(4, 7), [3385, 0, 3385]);
  const none = await xlsxRows(await fetch(`${sys.url}/v1/partner/bills.xlsx?state=paid`, { headers: { authorization: `Bearer ${a.accessKey}` } }));
  assert.equal(none.filter((r) => /^\d{10}$/.test(String(r[0]))).length, 0, 'a filter that matches nothing: headers and sums only');
});

test('tenant isolation: another partner\'s order number is 404; each list is its own; the operator sees both', async () => {
  const billA = await billRowOf(sys, a.partnerId, months.period);
  const billB = await billRowOf(sys, b.partnerId, months.period);
  const cross = await b.call('GET', `/v1/partner/bills/${billA.orderNo}`);
  assert.equal(cross.status, 404, cross.text);
  assert.equal(cross.body.error.code, 'bill_not_found');
  const unknown = await b.call('GET', '/v1/partner/bills/0000000000');
  assert.equal(unknown.status, 404);
  const own = await b.call('GET', '/v1/partner/bills');
  assert.deepEqual(own.body.data.map((x: any) => [x.orderNo, x.totalKrw]), [[billB.orderNo, 550]]);
  // the .xlsx of a selection cannot reach another partner's bill either
  const rows = await xlsxRows(await fetch(`${sys.url}/v1/partner/bills.xlsx?orderNos=${billA.orderNo},${billB.orderNo}`, { headers: { authorization: `Bearer ${b.accessKey}` } }));
  assert.deepEqual(rows.filter((r) => /^\d{10}$/.test(String(r[0]))).map((r) => r[0]), [billB.orderNo]);
  // a key is needed
  assert.equal((await rest(sys.url, 'GET', '/v1/partner/bills')).status, 401);

  const all = await rest(sys.url, 'GET', `/v1/operator/bills?from=${months.period}&to=${months.period}`, undefined, opAuth(sys));
  assert.equal(all.status, 200, JSON.stringify(all.body));
  assert.deepEqual(all.body.data.map((x: any) => x.orderNo).sort(), [billA.orderNo, billB.orderNo].sort());
  const onlyB = await rest(sys.url, 'GET', `/v1/operator/bills?partnerId=${b.partnerId}`, undefined, opAuth(sys));
  assert.deepEqual(onlyB.body.data.map((x: any) => x.orderNo), [billB.orderNo]);
  const opDetail = await rest(sys.url, 'GET', `/v1/operator/bills/${billA.orderNo}`, undefined, opAuth(sys));
  assert.equal(opDetail.status, 200, JSON.stringify(opDetail.body));
  assert.equal(opDetail.body.partnerId, a.partnerId);
  assert.deepEqual(opDetail.body.notices, []);
  assert.equal((await rest(sys.url, 'GET', '/v1/operator/bills')).status, 401, 'operator only');
});

test('bad input answers 400 naming the field and reads nothing', async () => {
  const cases: [string, string][] = [
    ['state=unpaid', 'state'],
    ['method=card', 'method'],
    ['from=2026-13', 'from'],
    ['to=202611', 'to'],
    ['from=2026-11&to=2026-10', 'to'],
    ['page=0', 'page'],
    ['pageSize=101', 'pageSize'],
  ];
  for (const [qs, field] of cases) {
    const r = await a.call('GET', `/v1/partner/bills?${qs}`);
    assert.equal(r.status, 400, `${qs}: ${r.text}`);
    assert.match(JSON.stringify(r.body.error), new RegExp(field), `${qs} names ${field}: ${r.text}`);
  }
  const badOrder = await a.call('GET', '/v1/partner/bills/12345');
  assert.equal(badOrder.status, 400, badOrder.text);
  assert.match(JSON.stringify(badOrder.body.error), /orderNo/);
  const badSel = await fetch(`${sys.url}/v1/partner/bills.xlsx?orderNos=abc`, { headers: { authorization: `Bearer ${a.accessKey}` } });
  assert.equal(badSel.status, 400);
  assert.match(await badSel.text(), /orderNos/);
  const billA = await billRowOf(sys, a.partnerId, months.period);
  const badUsage = await a.call('GET', `/v1/partner/bills/${billA.orderNo}?usagePageSize=1000`);
  assert.equal(badUsage.status, 400, badUsage.text);
  assert.match(JSON.stringify(badUsage.body.error), /usagePageSize/);
});

test('the portal pages of a bill are the partner\'s own: another partner\'s order number is 404 on 상세내역, 결제하기, 안내, 영수증', async () => {
  const billA = await billRowOf(sys, a.partnerId, months.period);
  await relogin(sys, a);
  await relogin(sys, b);
  const own = await a.member.call('GET', `/portal/api/billing/bill?orderNo=${billA.orderNo}`);
  assert.equal(own.status, 200);
  assert.match(own.text, new RegExp(`id="bill-order-no">${billA.orderNo}<`));
  const pay = await a.member.call('GET', `/portal/api/billing/pay?orderNo=${billA.orderNo}`);
  assert.equal(pay.status, 200);
  assert.match(pay.text, /가상계좌 발급받기/, 'no virtual account yet: the page offers to issue it');
  const receipt = await a.member.call('GET', `/portal/api/billing/receipt?orderNo=${billA.orderNo}`);
  assert.equal(receipt.status, 409, 'a bill not paid has no receipt');
  for (const path of ['bill', 'pay', 'guide', 'receipt']) {
    const r = await b.member.call('GET', `/portal/api/billing/${path}?orderNo=${billA.orderNo}`);
    assert.equal(r.status, 404, `${path}: ${r.status}`);
    assert.doesNotMatch(r.text, new RegExp(billA.orderNo + '</'), `${path} shows nothing of the bill`);
  }
  const bad = await a.member.call('GET', '/portal/api/billing/bill?orderNo=x');
  assert.equal(bad.status, 400);
  // 가상계좌 발급받기: the account is issued once through the bank, and 결제하기 shows it
  const issue = await a.member.call('POST', '/portal/api/billing/pay/account', { form: { _csrf: a.member.csrf, orderNo: billA.orderNo } });
  assert.equal(issue.status, 303, issue.text);
  const after = await a.member.call('GET', `/portal/api/billing/pay?orderNo=${billA.orderNo}`);
  const acct = await sys.database.pool.query<{ va_account_no: string }>('SELECT va_account_no FROM billing_accounts WHERE partner_id = $1', [a.partnerId]);
  assert.match(after.text, new RegExp(`id="va-account">${acct.rows[0]!.va_account_no}<`));
  assert.match(after.text, /id="pay-amount">3,385</);
});
