// 연동 API 관리 > 정산 > 결제예정내역 in a real browser (Debian Chromium through playwright-core): AlimTalk and SMS sent
// through the API and delivered by the in-process carrier simulator, a document issued by the partner's member, at
// the partner's contract prices; then in the portal — the menu entry, the totals (공급가액, 부가세, 합계), the type
// filter and the search, a selection downloaded as .xlsx (the browser's download event; rows read back with
// exceljs and checked against the REST answer). Screenshots go to .test-artifacts/settlement-expected/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { addCookies, launchChromium, SKIP_BROWSER as SKIP, type Chromium } from '../support/browser.ts';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { usePrivateDatabase, type PrivateDatabase } from '../support/private-database.ts';
import { waitFor } from '../support/wait-for.ts';
import { rest } from '../support/http.ts';
import { kstDate } from '../../src/platform/clock.ts';
import { sender, type Sender } from '../e2e/messaging-send-support.ts';
import { issueDocuments, registerMember, sampleDocument } from '../e2e/nts-support.ts';

let sys: TestSystem;
let chromium: Chromium | undefined;
// the message job queues are not per channel: on a shared PostgreSQL another file's worker could take our batches
let privateDb: PrivateDatabase | undefined;
before(async () => {
  if (SKIP) return;
  privateDb = await usePrivateDatabase('settleb');
  sys = await startTestSystem({ HANBILL_CARRIER_SIM_DELAY_MS: '20' });
  chromium = await launchChromium('settlement-expected');
});
after(async () => {
  await chromium?.close();
  await sys?.close();
  await privateDb?.drop();
});

const snap = (page: Page, name: string) => chromium!.snap(page, name);

async function sendDone(s: Sender, body: Record<string, unknown>): Promise<number> {
  const r = await s.call('POST', '/v1/messages', body);
  assert.equal(r.status, 202, r.text);
  const id = r.body.id as number;
  await waitFor(async () => (await s.call('GET', `/v1/messages/${id}`)).body, (b) => b.state === 'done', { what: `batch ${id} done`, timeoutMs: 30_000 });
  return id;
}

const shownIds = async (page: Page) => (await page.locator('table.charges tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-row-id'))))) as number[];

test('결제예정내역 in Chromium', { skip: SKIP, timeout: 150_000 }, async () => {
  const s = await sender(sys);
  const op = { authorization: `Bearer ${sys.operatorToken}` };
  const unit = async (item: string) => Number((await sys.ctx.db.selectFrom('service_units').select('id').where('metered_item', '=', item).where('retired_at', 'is', null).orderBy('id').executeTakeFirstOrThrow()).id);
  const validFrom = new Date(Date.now() - 60_000).toISOString();
  assert.equal((await rest(sys.url, 'PUT', `/v1/operator/partners/${s.partnerId}/unit-prices/${await unit('message_alimtalk')}`, { unitPriceKrw: 8, validFrom }, op)).status, 200);
  assert.equal((await rest(sys.url, 'PUT', `/v1/operator/partners/${s.partnerId}/unit-prices/${await unit('tax_invoice_issued')}`, { unitPriceKrw: 100, validFrom }, op)).status, 200);
  await sendDone(s, { type: 'alimtalk', channelId: s.channelId, templateCode: s.templateCode, recipients: ['01012345001', '01012345002'].map((to) => ({ to, variables: { 고객명: '홍길동', 상품: '우산', 주문번호: 'A-1' } })) });
  await sendDone(s, { type: 'sms', from: s.from, text: '배송 시작 안내 문자', recipients: [{ to: '01012345003' }] });
  const m = await registerMember(sys);
  await sys.database.pool.query('UPDATE members SET partner_id = $1 WHERE id = $2', [s.partnerId, m.memberId]);
  const [doc] = await issueDocuments(sys.ctx, m, [sampleDocument('0101', m.bizno, kstDate(new Date()))]);
  const api = await s.call('GET', '/v1/partner/billing/expected');
  assert.deepEqual(api.body.total, { count: 4, supplyKrw: 128, vatKrw: 12, totalKrw: 140 }, '8 + 8 + 12 + 100; VAT floor(12.8)');

  const ctx = await chromium!.context();
  await addCookies(ctx, sys.url, s.member.cookies);
  const page = await ctx.newPage();
  await page.goto(`${sys.url}/portal/api/keys`);
  await page.getByRole('link', { name: '정산 · 결제예정내역' }).click();
  await page.getByRole('heading', { name: '정산 · 결제예정내역' }).waitFor();
  assert.deepEqual(await shownIds(page), api.body.data.map((r: { id: number }) => r.id));
  assert.deepEqual(
    [await page.locator('#charges-supply').textContent(), await page.locator('#charges-vat').textContent(), await page.locator('#charges-total').textContent()],
    ['128', '12', '140'],
  );
  const docRow = page.locator('table.charges tbody tr').filter({ hasText: '세금계산서 발행' });
  assert.match((await docRow.textContent()) ?? '', new RegExp(`${doc!.issueId}[\\s\\S]*100원`));
  await snap(page, 'expected');

  await page.getByLabel('유형').selectOption('alimtalk');
  await page.getByRole('button', { name: '조회' }).click();
  await page.waitForURL(/type=alimtalk/);
  assert.equal((await shownIds(page)).length, 2);
  assert.equal(await page.locator('#charges-supply').textContent(), '16');
  await page.getByRole('link', { name: '필터초기화' }).click();
  await page.getByLabel('검색어').fill('배송 시작');
  await page.getByLabel('검색어').press('Enter');
  await page.waitForURL(/q=/);
  assert.equal((await shownIds(page)).length, 1);
  await page.getByRole('link', { name: '필터초기화' }).click();
  await snap(page, 'filtered');

  // a selection downloaded
  const [first, second] = api.body.data as { id: number; amountKrw: number }[];
  await page.getByRole('checkbox', { name: `${first!.id}번 선택` }).check();
  await page.getByRole('checkbox', { name: `${second!.id}번 선택` }).check();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '엑셀 다운로드' }).click()]);
  assert.match(download.suggestedFilename(), /^결제예정내역_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.xlsx$/);
  const file = chromium!.artifact('expected.xlsx');
  await download.saveAs(file);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const rows = wb.getWorksheet('결제예정내역')!.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1));
  assert.deepEqual(rows.slice(1, 3).map((r) => [r[0], r[10]]), [[first!.id, first!.amountKrw], [second!.id, second!.amountKrw]]);
  const supply = first!.amountKrw + second!.amountKrw;
  assert.deepEqual(rows.slice(3).map((r) => r[10]), [supply, Math.floor(supply / 10), supply + Math.floor(supply / 10)], 'the totals of the selection');
  await ctx.close();
});
