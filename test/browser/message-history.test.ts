// 연동 API 발송내역 and 연동 API 예약목록 in a real browser (Debian Chromium through playwright-core): messages sent
// through the API (POST /v1/messages) and delivered by the in-process carrier simulator, then in the portal —
// filters (type, state, search, period buttons), a batch's details with the Kakao attempt and its SMS fallback,
// an .xlsx download of a selection (the browser's download event; rows read back with exceljs and checked against
// the API), 선택삭제 and 전체삭제 through their confirmation step, a reserved row refused, a reservation cancelled
// and one refused within 10 minutes of its time. Screenshots go to .test-artifacts/message-history/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { addCookies, launchChromium, SKIP_BROWSER as SKIP, type Chromium } from '../support/browser.ts';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { usePrivateDatabase, type PrivateDatabase } from '../support/private-database.ts';
import { waitFor } from '../support/wait-for.ts';
import { silentLogger } from '../../src/platform/context.ts';
import { sender, type Sender } from '../e2e/messaging-send-support.ts';

let sys: TestSystem;
/** the system's error log lines, shown when a send fails */
const errorLog: string[] = [];
let chromium: Chromium | undefined;
// the message job queues are not per channel: on a shared PostgreSQL another file's worker could take our batches
let privateDb: PrivateDatabase | undefined;
before(async () => {
  if (SKIP) return;
  privateDb = await usePrivateDatabase('msghistb');
  sys = await startTestSystem({ HANBILL_CARRIER_SIM_DELAY_MS: '20' }, { logger: { ...silentLogger, error: (o: object | string, m?: string) => void errorLog.push(`${m ?? ''} ${o instanceof Object && 'err' in o ? String((o as { err: unknown }).err) : JSON.stringify(o)}`) } });
  chromium = await launchChromium('message-history');
});
after(async () => {
  await chromium?.close();
  await sys?.close();
  await privateDb?.drop();
});

const snap = (page: Page, name: string) => chromium!.snap(page, name);

async function send(s: Sender, body: Record<string, unknown>): Promise<number> {
  const r = await s.call('POST', '/v1/messages', body);
  assert.equal(r.status, 202, `${r.text}\n${errorLog.join('\n')}`);
  return r.body.id as number;
}

async function done(s: Sender, id: number) {
  return waitFor(async () => (await s.call('GET', `/v1/messages/${id}`)).body, (b) => b.state === 'done', { what: `batch ${id} done`, timeoutMs: 30_000 });
}

/** The batch ids of the history table as shown. */
const shownIds = async (page: Page) => (await page.locator('table.history tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-batch-id'))))) as number[];

test('발송내역 and 예약목록 in Chromium', { skip: SKIP, timeout: 150_000 }, async () => {
  const s = await sender(sys);
  const sms = await send(s, { type: 'sms', from: s.from, text: '배송 시작 안내 문자', recipients: [{ to: '01012340001', clientRef: 'b-1' }, { to: '01088883003', clientRef: 'b-2' }] });
  const alim = await send(s, {
    type: 'alimtalk', channelId: s.channelId, templateCode: s.templateCode, from: s.from, fallback: { type: 'sms' },
    recipients: [{ to: '01099993019', variables: { 고객명: '홍길동', 상품: '우산', 주문번호: 'A-1' } }],
  });
  const lms = await send(s, { type: 'lms', from: s.from, subject: '시스템 점검 공지', text: '점검 안내 '.repeat(20), recipients: [{ to: '01012340002' }] });
  const now = Date.now();
  const later = await send(s, { type: 'sms', from: s.from, text: '내일 예약 문자', reserveAt: new Date(now + 2 * 86_400_000).toISOString(), recipients: [{ to: '01012340003' }, { to: '01012340004' }] });
  const soon = await send(s, { type: 'sms', from: s.from, text: '곧 나갈 예약 문자', reserveAt: new Date(now + 5 * 60_000).toISOString(), recipients: [{ to: '01012340005' }] });
  const results = { sms: await done(s, sms), alim: await done(s, alim), lms: await done(s, lms) };
  assert.deepEqual([results.sms.success, results.sms.failure, results.alim.success, results.lms.success], [1, 1, 1, 1]);

  const ctx = await chromium!.context();
  await addCookies(ctx, sys.url, s.member.cookies);
  const page = await ctx.newPage();
  page.on('dialog', (d) => void d.accept());

  // the list: every batch of the default period (1 month), newest first, with the period's count
  await page.goto(`${sys.url}/portal/api/keys`);
  await page.getByRole('link', { name: '연동 API 발송내역' }).click();
  await page.getByRole('heading', { name: '연동 API 발송내역' }).waitFor();
  assert.deepEqual(await shownIds(page), [soon, later, lms, alim, sms]);
  assert.equal(await page.locator('#history-count').textContent(), '7', '2 + 1 + 1 + 2 + 1 recipients');
  const smsRow = page.locator(`tr[data-batch-id="${sms}"]`);
  assert.deepEqual(await smsRow.locator('td').allTextContents().then((c) => c.slice(1, 9)), ['SMS', '배송 시작 안내 문자', s.from, '2', '1', '1', '0', '완료']);
  assert.match((await page.locator(`tr[data-batch-id="${alim}"] td`).nth(3).textContent()) ?? '', /^@t/, 'the channel ID for AlimTalk');
  await snap(page, 'history');

  // filters: type, state, search, period buttons
  await page.getByLabel('유형').selectOption('lms');
  await page.getByRole('button', { name: '조회' }).click();
  await page.waitForURL(/type=lms/);
  assert.deepEqual(await shownIds(page), [lms]);
  await page.getByRole('link', { name: '필터초기화' }).click();
  await page.getByLabel('상태').selectOption('reserved');
  await page.getByRole('button', { name: '조회' }).click();
  await page.waitForURL(/state=reserved/);
  assert.deepEqual(await shownIds(page), [soon, later]);
  await page.getByRole('link', { name: '필터초기화' }).click();
  await page.getByLabel('검색어').fill('점검');
  await page.getByLabel('검색어').press('Enter');
  await page.waitForURL(/q=/);
  assert.deepEqual(await shownIds(page), [lms], 'search in the subject and text');
  await page.getByRole('link', { name: '필터초기화' }).click();
  await page.getByRole('button', { name: '최근 1시간' }).click();
  await page.waitForURL(/period=1h/);
  assert.equal(await page.getByRole('button', { name: '최근 1시간' }).getAttribute('aria-pressed'), 'true');
  assert.equal((await shownIds(page)).length, 5);
  await page.getByLabel('시작일').fill('2020-01-01');
  await page.getByLabel('종료일').fill('2020-01-31');
  await page.getByRole('button', { name: '직접 입력' }).click();
  await page.waitForURL(/period=custom/);
  assert.deepEqual(await shownIds(page), []);
  await page.getByText('조회된 발송내역이 없습니다.').waitFor();
  await snap(page, 'filtered');

  // a batch's details: the Kakao attempt and its SMS fallback
  await page.getByRole('link', { name: '필터초기화' }).click();
  await page.locator(`tr[data-batch-id="${alim}"]`).getByRole('link').click();
  await page.getByRole('heading', { name: /발송내역 상세/ }).waitFor();
  const attempts = (await page.locator('table.recipients ul.attempts').first().textContent()) ?? '';
  assert.match(attempts, /#1 ALIMTALK · failed · 3019/);
  assert.match(attempts, /#2 SMS 대체발송 · delivered/);
  assert.match((await page.locator('table.recipients tbody tr').first().textContent()) ?? '', /01099993019[\s\S]*성공/);
  await snap(page, 'detail');

  // 엑셀 다운로드 of a selection, with the recipients sheet
  await page.getByRole('link', { name: '발송내역으로' }).click();
  await page.getByRole('checkbox', { name: `${sms}번 선택` }).check();
  await page.getByRole('checkbox', { name: `${alim}번 선택` }).check();
  await page.getByLabel('수신자 포함').check();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '엑셀 다운로드' }).click()]);
  assert.match(download.suggestedFilename(), /^발송내역_\d{8}-\d{8}\.xlsx$/);
  const file = chromium!.artifact('download.xlsx');
  await download.saveAs(file);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const rows = (name: string) => {
    const out: unknown[][] = [];
    wb.getWorksheet(name)!.eachRow((r) => out.push((r.values as unknown[]).slice(1)));
    return out;
  };
  const api = (await s.call('GET', '/v1/message-history')).body.data as any[];
  const sheet = rows('발송내역');
  assert.equal(sheet[0]![0], '번호');
  assert.deepEqual(sheet.slice(1).map((r) => r.slice(0, 10)), [alim, sms].map((id) => {
    const r = api.find((x) => x.id === id);
    return [r.id, r.typeName, r.title, r.sender, r.total, r.success, r.failure, r.pending, r.cancelled, '완료'];
  }));
  const rec = rows('수신자');
  assert.deepEqual(rec.slice(1).map((r) => [r[0], r[2], r[5]]), [[alim, '01099993019', '성공'], [sms, '01012340001', '성공'], [sms, '01088883003', '실패']]);
  assert.match(String(rec[1]![10]), /#1 alimtalk failed 3019; #2 sms \(대체발송\) delivered/);

  // 선택삭제: a reserved row is refused; a finished one goes after the confirmation step
  await page.goto(`${sys.url}/portal/api/history`);
  await page.getByRole('checkbox', { name: `${later}번 선택` }).check();
  await page.getByRole('button', { name: '선택삭제' }).click();
  await page.getByRole('button', { name: '삭제', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: '예약목록에서 먼저 취소' }).waitFor();
  await page.goto(`${sys.url}/portal/api/history`);
  await page.getByRole('checkbox', { name: `${sms}번 선택` }).check();
  await page.getByRole('button', { name: '선택삭제' }).click();
  await page.getByRole('heading', { name: '선택삭제 확인' }).waitFor();
  await page.getByText('삭제 시 복구가 불가능합니다.').first().waitFor();
  await snap(page, 'delete-confirm');
  assert.deepEqual(await shownIds(page), [soon, later, lms, alim, sms], 'nothing deleted before the confirmation');
  await page.getByRole('button', { name: '삭제', exact: true }).click();
  await page.getByText('발송내역을 삭제했습니다').waitFor();
  assert.deepEqual(await shownIds(page), [soon, later, lms, alim]);
  assert.equal((await s.call('GET', `/v1/messages/${sms}`)).status, 404, 'gone for the API too');

  // 전체삭제 of a filtered query: only what the query matches, after the confirmation
  await page.getByLabel('유형').selectOption('lms');
  await page.getByRole('button', { name: '조회' }).click();
  await page.waitForURL(/type=lms/);
  await page.getByRole('button', { name: '전체삭제' }).click();
  await page.getByRole('heading', { name: '전체삭제 확인' }).waitFor();
  await page.getByRole('button', { name: '삭제', exact: true }).click();
  await page.getByText('발송내역을 삭제했습니다').waitFor();
  assert.deepEqual(await shownIds(page), []);
  await page.getByRole('link', { name: '필터초기화' }).click();
  assert.deepEqual(await shownIds(page), [soon, later, alim]);

  // 예약목록: cancel one; the one due in 5 minutes cannot be cancelled any more
  await page.getByRole('link', { name: '연동 API 예약목록' }).click();
  await page.getByRole('heading', { name: '연동 API 예약목록' }).waitFor();
  assert.deepEqual(await page.locator('table.reservations tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-batch-id')))), [soon, later], 'soonest first');
  assert.match((await page.locator(`tr[data-batch-id="${later}"]`).textContent()) ?? '', /내일 예약 문자[\s\S]*0212345678[\s\S]*2/);
  await snap(page, 'reservations');
  await page.locator(`tr[data-batch-id="${later}"]`).getByRole('link').click();
  await page.getByRole('heading', { name: /발송내역 상세/ }).waitFor();
  assert.equal(await page.locator('table.recipients tbody tr').count(), 2, 'its recipients');
  await page.getByRole('link', { name: '예약목록으로' }).click();
  await page.locator(`tr[data-batch-id="${later}"]`).getByRole('button', { name: '예약취소' }).click();
  await page.getByText('예약을 취소했습니다.').waitFor();
  assert.equal(await page.locator(`tr[data-batch-id="${later}"]`).count(), 0);
  assert.equal((await s.call('GET', `/v1/messages/${later}`)).body.state, 'cancelled');
  await page.locator(`tr[data-batch-id="${soon}"]`).getByRole('button', { name: '예약취소' }).click();
  await page.getByRole('alert').filter({ hasText: '10분 전부터는 취소할 수 없습니다' }).waitFor();
  assert.equal((await s.call('GET', `/v1/messages/${soon}`)).body.state, 'reserved');
  await snap(page, 'reservation-refused');
  await ctx.close();
});
