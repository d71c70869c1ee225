// 연동 API 관리 > 웹훅 in a real browser (Debian Chromium through playwright-core): register an endpoint with event
// types, its secret shown once (gone after 확인 and on reload), an event delivered to a local receiver and verified
// with that secret, the delivery and its attempt in the endpoint's 전송 내역, 다시 보내기 → the same delivery id again;
// then disable / enable and delete. Screenshots go to .test-artifacts/webhooks/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { addCookies, launchChromium, SKIP_BROWSER as SKIP, type Chromium } from '../support/browser.ts';
import type { TestSystem } from '../support/test-system.ts';
import { waitFor } from '../support/wait-for.ts';
import { verifyWebhookSignature } from '../../src/modules/webhooks/webhook-signature.ts';
import { emit, startReceiver, startWebhookSystem, webhookPartner, type Receiver } from '../e2e/webhooks-support.ts';

let sys: TestSystem;
let rcv: Receiver;
let chromium: Chromium | undefined;
before(async () => {
  if (SKIP) return;
  sys = await startWebhookSystem();
  rcv = await startReceiver(() => ({ status: 200, body: 'received' }));
  chromium = await launchChromium('webhooks');
});
after(async () => {
  await chromium?.close();
  await rcv?.close();
  await sys?.close();
});

const snap = (page: Page, name: string) => chromium!.snap(page, name);

test('웹훅: create → secret shown once → a delivery appears → redeliver', { skip: SKIP, timeout: 120_000 }, async () => {
  const p = await webhookPartner(sys);
  const ctx = await chromium!.context();
  await addCookies(ctx, sys.url, p.member.cookies);
  const page = await ctx.newPage();
  page.on('dialog', (d) => void d.accept());

  await page.goto(`${sys.url}/portal/api/webhooks`);
  await assert.doesNotReject(page.getByRole('link', { name: '웹훅' }).first().waitFor(), 'in the 연동 API 관리 menu');
  assert.equal(await page.getByText('등록된 엔드포인트가 없습니다.').count(), 1);
  await snap(page, 'empty');

  // a refused URL (not https / http) re-renders the form with the error, naming url, and keeps what was typed
  await page.fill('#new-url', 'ftp://example.com/hooks');
  await page.check('#new-ev-document\\.issued');
  await page.getByRole('button', { name: '등록', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'url' }).first().waitFor();
  assert.equal(await page.inputValue('#new-url'), 'ftp://example.com/hooks', 'what was typed is kept');
  assert.equal(await page.isChecked('#new-ev-document\\.issued'), true, 'and what was chosen');
  assert.equal(await page.locator('[data-endpoint-id]').count(), 0, 'nothing was registered');
  await snap(page, 'refused');

  await page.goto(`${sys.url}/portal/api/webhooks`);
  await page.fill('#new-url', rcv.url);
  await page.fill('#new-description', 'ERP 수신기');
  await page.check('#new-ev-document\\.issued');
  await page.check('#new-ev-nts_filing\\.succeeded');
  await page.getByRole('button', { name: '등록', exact: true }).click();
  const secret = (await page.locator('#webhook-secret').textContent())!.trim();
  assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
  await snap(page, 'secret-once');
  const endpointId = (await page.locator('[data-endpoint-id]').first().getAttribute('data-endpoint-id'))!;
  assert.match(endpointId, /^we_/);
  await page.getByRole('link', { name: '확인' }).click();
  await page.waitForLoadState();
  assert.equal(await page.locator('#webhook-secret').count(), 0, 'the secret is gone after 확인');
  await page.reload();
  assert.equal(await page.locator('#webhook-secret').count(), 0, 'and on reload');
  assert.equal((await page.content()).includes(secret), false, 'nowhere on the page');
  const section = page.locator(`[data-endpoint-id="${endpointId}"]`);
  assert.match((await section.textContent())!, /document\.issued/);
  assert.match((await section.textContent())!, /nts_filing\.succeeded/);

  // an event → a signed delivery → shown with its attempt
  await emit(sys, p.partnerId, [{ type: 'document.issued', objectId: 'BROWSER-1' }]);
  await waitFor(() => rcv.requests.length, (n) => n === 1, { what: 'the delivery' });
  const first = rcv.requests[0]!;
  assert.equal(verifyWebhookSignature({ body: first.body, header: first.headers['hanbill-signature'] as string, secrets: [secret] }).ok, true, 'signed with the secret shown');
  const deliveryId = first.headers['hanbill-delivery'] as string;
  await waitFor(async () => (await p.call('GET', `/v1/webhook-endpoints/${endpointId}/deliveries`)).body.data[0]?.state, (s) => s === 'succeeded', { what: 'the delivery recorded' });
  await section.getByRole('link', { name: '전송 내역 보기' }).click();
  const row = page.locator(`tr[data-delivery-id="${deliveryId}"]`);
  await row.waitFor();
  assert.match((await row.textContent())!, /document\.issued.*BROWSER-1.*성공/s);
  await row.locator('summary').click();
  assert.match((await row.textContent())!, /HTTP 200/);
  assert.match((await row.textContent())!, /received/);
  await snap(page, 'delivery');

  await row.getByRole('button', { name: '다시 보내기' }).click();
  await page.getByText('다시 보내기를 요청했습니다.').waitFor();
  await waitFor(() => rcv.requests.length, (n) => n === 2, { what: 'the redelivery' });
  assert.equal(rcv.requests[1]!.headers['hanbill-delivery'], deliveryId, 'the same delivery id');
  await waitFor(async () => (await p.call('GET', `/v1/webhook-endpoints/${endpointId}/deliveries`)).body.data[0]?.attempts, (n) => n === 2, { what: 'two attempts' });
  await page.reload();
  await row.locator('summary').click();
  assert.match((await row.locator('summary').textContent())!, /시도 기록 2건/);
  await snap(page, 'redelivered');

  // edit: the event types and the description
  await page.goto(`${sys.url}/portal/api/webhooks`);
  const editing = page.locator(`[data-endpoint-id="${endpointId}"]`);
  await editing.locator('summary', { hasText: '수정' }).click();
  await editing.locator(`#ev-${endpointId}-nts_filing\\.succeeded`).uncheck();
  await editing.locator(`#ev-${endpointId}-document\\.mailed`).check();
  await editing.locator(`#description-${endpointId}`).fill('ERP 수신기 (운영)');
  await editing.getByRole('button', { name: '저장' }).click();
  await page.getByText('웹훅 엔드포인트를 저장했습니다.').waitFor();
  const edited = (await p.call('GET', `/v1/webhook-endpoints/${endpointId}`)).body;
  assert.deepEqual(edited.events, ['document.issued', 'document.mailed']);
  assert.equal(edited.description, 'ERP 수신기 (운영)');

  // disable, enable, delete
  await page.locator(`[data-endpoint-id="${endpointId}"]`).getByRole('button', { name: '사용 중지' }).click();
  await page.getByText('웹훅 엔드포인트를 사용 중지했습니다.').waitFor();
  assert.equal((await p.call('GET', `/v1/webhook-endpoints/${endpointId}`)).body.state, 'disabled');
  await page.locator(`[data-endpoint-id="${endpointId}"]`).getByRole('button', { name: '다시 사용' }).click();
  await page.getByText('웹훅 엔드포인트를 다시 사용합니다.', { exact: false }).waitFor();
  assert.equal((await p.call('GET', `/v1/webhook-endpoints/${endpointId}`)).body.state, 'enabled');
  await page.locator(`[data-endpoint-id="${endpointId}"]`).getByRole('button', { name: '삭제' }).click();
  await page.getByText('웹훅 엔드포인트를 삭제했습니다.').waitFor();
  assert.equal((await p.call('GET', `/v1/webhook-endpoints/${endpointId}`)).status, 404);
  await snap(page, 'deleted');
});
