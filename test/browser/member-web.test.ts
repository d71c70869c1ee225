// The member web in a real browser (Debian Chromium through playwright-core): a member logs in at /member with its
// business number, ID and password (a wrong password first: the error beside the field), searches its 매출 문서함
// (counterparty, totals of the selection), sorts, opens a document (the standard form, its history), prints it
// (print media: only the form, A4) and downloads its PDF; the .xlsx of the selection; English with the switch.
// Screenshots go to .test-artifacts/member-web/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { launchChromium, SKIP_BROWSER as SKIP, type Chromium } from '../support/browser.ts';
import { kstDate } from '../../src/platform/clock.ts';
import type { DocumentInput } from '../../src/modules/documents/model.ts';
import type { TestSystem } from '../support/test-system.ts';
import { issueDocuments, memberWithCertificate, sampleDocument, startNtsTestSystem, type TestMember } from '../e2e/nts-support.ts';

let sys: TestSystem;
let chromium: Chromium | undefined;
let seller: TestMember;

function doc(writeDate: string, n: number, buyerName: string, item: string): DocumentInput {
  const d = sampleDocument('0101', seller.bizno, writeDate);
  const supply = n * 10_000;
  d.buyer = { ...d.buyer, name: buyerName };
  d.amounts = { supply, tax: supply / 10, total: supply + supply / 10 };
  d.payments = { cash: 0, check: 0, note: 0, credit: supply + supply / 10 };
  d.lines = [{ ...d.lines[0]!, name: item, quantity: '1', unitPrice: String(supply), supply, tax: supply / 10 }];
  return d;
}

before(async () => {
  if (SKIP) return;
  sys = await startNtsTestSystem();
  seller = (await memberWithCertificate(sys)).member;
  const today = kstDate(sys.ctx.clock.now());
  const list: DocumentInput[] = [];
  for (let n = 1; n <= 8; n++) list.push(doc(today, n, '(주)한빌서비스', `유지보수 ${n}차`));
  for (let n = 1; n <= 4; n++) list.push(doc(today, 20 + n, '(주)브라우저상사', '노트북'));
  await issueDocuments(sys.ctx, seller, list);
  chromium = await launchChromium('member-web', { prefix: 'ledger-' });
});
after(async () => {
  await chromium?.close();
  await sys?.close();
});

const snap = (page: Page, name: string) => chromium!.snap(page, name);

test('login → 매출 문서함 search → document → print and PDF, in Chromium', { skip: SKIP, timeout: 120_000 }, async () => {
  const ctx = await chromium!.context();
  const page = await ctx.newPage();
  await page.goto(`${sys.url}/member`);
  assert.equal(await page.locator('h1').textContent(), '회원 로그인');
  await page.getByLabel('사업자등록번호').fill(seller.bizno);
  await page.getByLabel('아이디').fill(seller.loginId);
  await page.getByLabel('비밀번호').fill('not-the-password');
  await page.getByRole('button', { name: '로그인' }).click();
  assert.match((await page.locator('#password-error').textContent()) ?? '', /일치하지 않습니다/);
  assert.equal(await page.getByLabel('사업자등록번호').inputValue(), seller.bizno, 'the form keeps what was typed (not the password)');
  await snap(page, 'login-refused');
  await page.getByLabel('비밀번호').fill(seller.password);
  await page.getByRole('button', { name: '로그인' }).click();
  await page.waitForURL(/\/member\/sales/);
  assert.equal(await page.locator('main h1').textContent(), '매출 문서함');
  assert.equal(await page.locator('nav.side a[aria-current=page]').textContent(), '매출 문서함');
  assert.equal(await page.locator('table.ledger tbody tr').count(), 12);
  await snap(page, 'sales-ledger');

  // search by the counterparty: the selection and its totals
  await page.getByLabel('공급받는자 (상호 또는 번호)').fill('브라우저');
  await page.getByRole('button', { name: '검색' }).click();
  await page.waitForURL(/counterparty=/);
  assert.equal(await page.locator('table.ledger tbody tr').count(), 4);
  assert.equal(await page.locator('[data-total=total]').textContent(), (11_000 * (21 + 22 + 23 + 24)).toLocaleString('ko-KR'));
  // sort by 합계, largest first
  await page.getByRole('link', { name: /^합계/ }).click();
  await page.waitForURL(/sort=total/);
  const firstTotal = await page.locator('table.ledger tbody tr').first().locator('td.num').last().textContent();
  assert.equal(firstTotal, (24 * 11_000).toLocaleString('ko-KR'));
  await snap(page, 'sales-search');

  // the selection as .xlsx
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '엑셀 다운로드 (.xlsx)' }).click()]);
  assert.match(xlsx.suggestedFilename(), /^매출문서함.*\.xlsx$/);
  const file = chromium!.artifact('sales-selection.xlsx');
  await xlsx.saveAs(file);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const sheet = wb.getWorksheet('매출 문서함')!;
  assert.equal(sheet.getRow(2).getCell(7).value, '(주)브라우저상사');
  assert.equal(sheet.getRow(2).getCell(11).value, 24 * 11_000);

  // the document: the standard form, its history, print and PDF
  await page.locator('table.ledger tbody tr').first().locator('td a').first().click();
  await page.waitForURL(/\/member\/documents\//);
  assert.equal(await page.locator('.invoice-sheet .form').first().isVisible(), true);
  assert.match((await page.locator('#history').textContent()) ?? '', /발행 · 승인번호/);
  await snap(page, 'document');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('header.top').isVisible(), false, 'print: no header');
  assert.equal(await page.locator('#document-actions').isVisible(), false, 'print: no buttons');
  assert.equal(await page.locator('#history').isVisible(), false, 'print: no history');
  assert.equal(await page.locator('.invoice-sheet .form').first().isVisible(), true, 'print: the form');
  await snap(page, 'document-print');
  const pdfBytes = await page.pdf({ format: 'A4' });
  fs.writeFileSync(chromium!.artifact('document-printed-a4.pdf'), pdfBytes);
  await page.emulateMedia({ media: 'screen' });
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.locator('#pdf').click()]);
  assert.match(pdf.suggestedFilename(), /^세금계산서_.*\.pdf$/);
  const pdfFile = chromium!.artifact('document.pdf');
  await pdf.saveAs(pdfFile);
  assert.equal(fs.readFileSync(pdfFile).subarray(0, 4).toString(), '%PDF');

  // English
  await page.getByRole('link', { name: 'English' }).click();
  await page.waitForURL(/lang=en/);
  assert.equal(await page.locator('#history-title').textContent(), 'History');
  await snap(page, 'document-en');
  await page.goto(`${sys.url}/member/sales`);
  assert.equal(await page.locator('main h1').textContent(), 'Sales ledger');
  await ctx.close();
});
