// Member web 문서 작성 and 대량발행 in a real browser (Debian Chromium through playwright-core): the member logs in at
// /member, saves two buyers in the counterparty book and picks one in the form, writes a tax invoice in the standard-form layout — 수량 × 단가 fills 공급가액, 세액 follows at 10 %, totals
// move live, a line is added by the button — sees the API's error beside a bad line, fixes it and issues (approval
// number, mail in the catcher); then downloads the 대량발행 template, uploads it filled with a good and a bad row,
// sees the preview naming row and column, issues, and watches the progress reach 완료; last, uploads an expiring
// certificate (VID matched, the 30-day warning shown).
// Screenshots go to .test-artifacts/member-web/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import type { TestSystem } from '../support/test-system.ts';
import { launchChromium, SKIP_BROWSER as SKIP, type Chromium } from '../support/browser.ts';
import { memberLogIn } from '../support/member-browser.ts';
import { FIRST_DATA_ROW, TEMPLATE_COLUMNS, TEMPLATE_SHEET } from '../../src/modules/bulk-issue/xlsx-columns.ts';
import { registerMember, startNtsTestSystem, todayKst } from '../e2e/nts-support.ts';
import { makeTestNpkiIdentity } from '../../src/simulators/nts/test-pki.ts';

let sys: TestSystem;
let chromium: Chromium | undefined;
before(async () => {
  if (SKIP) return;
  sys = await startNtsTestSystem();
  chromium = await launchChromium('member-web', { prefix: 'write-' });
});
after(async () => {
  await chromium?.close();
  await sys?.close();
});

const snap = (page: Page, name: string) => chromium!.snap(page, name);

const byName = (page: Page, name: string) => page.locator(`[name="${name}"]`);

test('문서 작성 and 대량발행 in Chromium', { skip: SKIP, timeout: 120_000 }, async () => {
  const m = await registerMember(sys);
  const ctx = await chromium!.context();
  const page = await ctx.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (msg) => {
    // the refused form answers 400 on purpose (the page with the field errors): not a script error
    if (msg.type() === 'error' && !/status of 400/.test(msg.text())) pageErrors.push(msg.text());
  });
  await memberLogIn(page, sys.url, m);

  // ---- the counterparty book: saved on its page, picked in the form (filtered as typed) ----
  const buyerMail = `web-${m.loginId}@buyer.example`;
  await page.goto(`${sys.url}/member/counterparties`);
  await byName(page, 'buyer.id').fill('2048631263');
  await byName(page, 'buyer.name').fill('(주)브라우저상사');
  await byName(page, 'buyer.ceoName').fill('최대표');
  await byName(page, 'buyer.contacts[0].email').fill(buyerMail);
  await Promise.all([page.waitForURL(/done=cp_saved/), page.click('form.stack button[type=submit]')]);
  await byName(page, 'buyer.id').fill('1138621789');
  await byName(page, 'buyer.name').fill('다른상회');
  await Promise.all([page.waitForURL(/done=cp_saved/), page.click('form.stack button[type=submit]')]);
  assert.equal(await page.locator('#counterparties tbody tr').count(), 2);

  // ---- write and issue ----
  await page.goto(`${sys.url}/member/documents/new`);
  assert.equal(await byName(page, 'supplier.bizno').inputValue(), m.bizno, '공급자 from the member');
  await page.fill('#cp-filter', '브라우저');
  assert.equal(await page.locator('#cp-pick option:not([hidden])').count(), 2, 'the placeholder and the one match');
  await page.selectOption('#cp-pick', { label: '(주)브라우저상사 (2048631263)' });
  assert.equal(await byName(page, 'buyer.name').inputValue(), '(주)브라우저상사');
  assert.equal(await byName(page, 'buyer.contacts[0].email').inputValue(), buyerMail);
  await byName(page, 'lines[0].name').fill('설치 용역');
  await byName(page, 'lines[0].quantity').fill('3');
  await byName(page, 'lines[0].unitPrice').fill('10000');
  assert.equal(await byName(page, 'lines[0].supply').inputValue(), '30000', '수량 × 단가 → 공급가액');
  assert.equal(await byName(page, 'lines[0].tax').inputValue(), '3000', '10 % VAT help');
  await byName(page, 'lines[1].name').fill('부품');
  await byName(page, 'lines[1].supply').fill('12345');
  assert.equal(await byName(page, 'lines[1].tax').inputValue(), '1234', 'truncated');
  assert.equal(await page.textContent('#tot-total'), '46,579');
  await page.click('#add-line');
  assert.equal(await page.locator('tr.line').count(), 5, 'a fifth line');
  await byName(page, 'lines[4].name').fill('출장비');
  await byName(page, 'lines[4].supply').fill('abc');
  await snap(page, 'form-filled');
  await Promise.all([page.waitForLoadState('load'), page.click('button[name=do][value=issue]')]);
  await page.waitForSelector('[id="lines[4].supply-error"]');
  assert.match((await page.textContent('[id="lines[4].supply-error"]')) ?? '', /정수/);
  assert.equal(await byName(page, 'lines[4].supply').getAttribute('aria-invalid'), 'true');
  await snap(page, 'field-error');
  // fix the line (the form came back as sent) and issue
  await byName(page, 'lines[4].supply').fill('5000');
  assert.equal(await byName(page, 'lines[4].tax').inputValue(), '500');
  await Promise.all([page.waitForURL(/\/member\/documents\/[^/?]+\?done=issued/), page.click('button[name=do][value=issue]')]);
  const dockey = decodeURIComponent(/documents\/([^/?]+)/.exec(page.url())![1]!);
  const doc = await sys.ctx.db.selectFrom('documents').select(['proc_state', 'nts_issue_id', 'total_amt']).where('dockey', '=', dockey).executeTakeFirstOrThrow();
  assert.equal(doc.proc_state, 'S');
  assert.match(doc.nts_issue_id ?? '', /^\d{24}$/);
  assert.equal(Number(doc.total_amt), 46579 + 5500);
  await sys.mail.catcher!.waitFor((x) => x.to.some((t) => t.address === buyerMail), 20_000);
  await snap(page, 'issued');

  // ---- a draft: saved, opened again from its screen (이어서 쓰기) with its fields and live totals, then issued ----
  await page.goto(`${sys.url}/member/documents/new`);
  await page.selectOption('#cp-pick', { label: '(주)브라우저상사 (2048631263)' });
  await byName(page, 'lines[0].name').fill('초안 품목');
  await byName(page, 'lines[0].supply').fill('70000');
  await Promise.all([page.waitForURL(/\?done=drafted/), page.click('button[name=do][value=draft]')]);
  const draftKey = decodeURIComponent(/documents\/([^/?]+)/.exec(page.url())![1]!);
  await Promise.all([page.waitForURL(/\/member\/documents\/new\?draft=/), page.click('#edit-draft')]);
  assert.match((await page.textContent('h1')) ?? '', /임시저장 문서 수정/);
  assert.equal(await byName(page, 'lines[0].name').inputValue(), '초안 품목');
  assert.equal(await byName(page, 'buyer.contacts[0].email').inputValue(), buyerMail);
  assert.equal(await page.textContent('#tot-total'), '77,000');
  await byName(page, 'lines[0].supply').fill('80000');
  assert.equal(await page.textContent('#tot-total'), '88,000', 'live totals on the reopened draft');
  await snap(page, 'draft-edit');
  await Promise.all([page.waitForURL(/\?done=issued/), page.click('button[name=do][value=issue]')]);
  assert.equal(decodeURIComponent(/documents\/([^/?]+)/.exec(page.url())![1]!), draftKey, 'the draft itself was issued');
  const drafted = await sys.ctx.db.selectFrom('documents').select(['proc_state', 'total_amt']).where('dockey', '=', draftKey).executeTakeFirstOrThrow();
  assert.deepEqual([drafted.proc_state, Number(drafted.total_amt)], ['S', 88000]);
  assert.equal(await page.locator('#edit-draft').count(), 0, 'an issued document is not edited as a draft');

  // ---- 대량발행 ----
  await page.goto(`${sys.url}/member/bulk`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#bulk-template')]);
  const tplPath = chromium!.artifact('template.xlsx');
  await download.saveAs(tplPath);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(tplPath);
  const sheet = wb.getWorksheet(TEMPLATE_SHEET)!;
  assert.equal(sheet.getRow(1).getCell(1).value, '행키');
  const rows: Record<string, string | number>[] = [
    { rowKey: 'B-1', writeDate: todayKst(sys.ctx.clock.now()), kind: '세금계산서', purpose: '영수', buyerId: '2048631263', buyerName: '대량상사', buyerCeoName: '정대표', buyerEmail: `bulk-${m.loginId}@buyer.example`, 'line1.name': '정기 점검', 'line1.supply': 200000 },
    { rowKey: 'B-2', writeDate: todayKst(sys.ctx.clock.now()), kind: '세금계산서', purpose: '영수', buyerId: '2048631263', buyerName: '대량상사', buyerEmail: 'not-an-email', 'line1.name': '틀린 행', 'line1.supply': 1000 },
  ];
  rows.forEach((cells, i) => {
    const row = sheet.getRow(FIRST_DATA_ROW + i);
    TEMPLATE_COLUMNS.forEach((col, j) => {
      if (cells[col.key] !== undefined) row.getCell(j + 1).value = cells[col.key]!;
    });
    row.commit();
  });
  const filledPath = chromium!.artifact('filled.xlsx');
  await wb.xlsx.writeFile(filledPath);
  await page.setInputFiles('#file', filledPath);
  await Promise.all([page.waitForURL(/\/member\/bulk\/\d+$/), page.click('form[enctype="multipart/form-data"] button[type=submit]')]);
  assert.match((await page.textContent('#bulk-summary')) ?? '', /2행 중 1행 정상, 1행 오류/);
  assert.match((await page.textContent('#bulk-errors')) ?? '', /4행 이메일: /);
  await snap(page, 'bulk-preview');
  await Promise.all([page.waitForURL(/done=bulk_started/), page.click('#bulk-issue')]);
  await page.waitForSelector('#bulk-progress');
  await snap(page, 'bulk-progress');
  // the script polls the progress JSON and reloads the page once the job is done
  await page.waitForSelector('#bulk-progress[data-state="done"]', { timeout: 30_000 });
  assert.equal(await page.getAttribute('#bulk-progress-bar', 'value'), '100');
  assert.equal(await page.textContent('#bulk-issued'), '1');
  assert.match((await page.textContent('tr[data-row="3"]')) ?? '', /발행됨/);
  await snap(page, 'bulk-done');
  const bulkDocs = await sys.ctx.db.selectFrom('documents').select(['subkey', 'proc_state']).where('subkey', 'like', 'xl:%').where('subscription_id', '=', m.subscriptionId).execute();
  assert.deepEqual(bulkDocs.map((d) => [d.subkey, d.proc_state]), [['xl:B-1', 'S']]);

  // ---- 인증서: an expiring certificate of the member's number, uploaded as signCert.der + signPri.key ----
  const now = sys.ctx.clock.now().getTime();
  const id = makeTestNpkiIdentity(m.bizno, { notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 20 * 86_400_000) });
  const certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hb-npki-'));
  fs.writeFileSync(path.join(certDir, 'signCert.der'), id.signCert);
  fs.writeFileSync(path.join(certDir, 'signPri.key'), id.signPri);
  await page.goto(`${sys.url}/member/certificate`);
  await page.setInputFiles('#signCert', path.join(certDir, 'signCert.der'));
  await page.setInputFiles('#signPri', path.join(certDir, 'signPri.key'));
  await page.fill('#password', id.password);
  await Promise.all([page.waitForLoadState('load'), page.click('#npki-form button[type=submit]')]);
  await page.waitForSelector('#cert-vid', { timeout: 10_000 }).catch(async () => assert.fail(((await page.content()) ?? '').slice(0, 600)));
  assert.match(page.url(), /done=certificate/);
  assert.match((await page.textContent('#cert-vid')) ?? '', new RegExp(`${m.bizno}와 일치`));
  assert.match((await page.textContent('#cert-warning')) ?? '', /만료됩니다/);
  await snap(page, 'certificate');
  fs.rmSync(certDir, { recursive: true, force: true });
  assert.deepEqual(pageErrors, [], 'no script errors (CSP included)');
  await ctx.close();
});
