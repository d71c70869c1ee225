// The operator's messaging reviews in a real browser (Debian Chromium through playwright-core): the operator logs
// in to the console, opens 발신번호 심사 from the menu, opens a sender number's proof (PNG and PDF, inline, in a new
// tab) and approves it; opens 알림톡 템플릿 검수, sees the template drawn as KakaoTalk with its variables marked,
// cannot reject without a comment, rejects with one, and — after the partner resubmits — approves. The partner
// sees each state through REST. Screenshots go to .test-artifacts/console-messaging-review/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { createOperator } from '../../src/modules/accounts/create-operator.ts';
import { SYSTEM_ACTOR } from '../../src/modules/access/audit-log.ts';
import { freshLoginId, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { launchChromium, SKIP_BROWSER as SKIP, stepsOf, type Chromium } from '../support/browser.ts';
import { messagingPartner, PDF, PNG, proofOf, type MessagingPartner } from '../e2e/messaging-support.ts';

let sys: TestSystem;
let chromium: Chromium | undefined;

before(async () => {
  if (SKIP) return;
  sys = await startTestSystem();
  chromium = await launchChromium('console-messaging-review');
});
after(async () => {
  await chromium?.close();
  await sys?.close();
});

const snap = (page: Page, name: string) => chromium!.snap(page, name);

test('operator reviews a sender number and a template in Chromium; the partner sees the states through REST', { skip: SKIP, timeout: 120_000 }, async (t) => {
  const opLogin = freshLoginId('op');
  await createOperator(sys.ctx, SYSTEM_ACTOR, { loginId: opLogin, password: 'Operat0r!pass', name: '운영자' });
  const partner: MessagingPartner = await messagingPartner(sys);
  const ctx: BrowserContext = await chromium!.context({ viewport: { width: 1280, height: 900 } });
  const op = await ctx.newPage();

  const step = stepsOf(t);

  /** The response of a tab's navigation to `pathname` (not the row's thumbnail, an image request). */
  const documentResponse = (pathname: string) =>
    ctx.waitForEvent('response', (r) => new URL(r.url()).pathname === pathname && r.request().resourceType() === 'document');

  const number = `010${1 + Math.floor(Math.random() * 8)}${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  let senderId = 0;
  let pdfId = 0;
  let templateId = 0;
  const code = `SHIP_${Date.now().toString(36)}`;

  try {
    await step('1. the partner registers a sender number and submits a template (REST)', async () => {
      const r = await partner.call('POST', '/v1/sender-numbers', { number, memo: '고객센터 대표', proof: proofOf(PNG, '이용증명원.png') });
      assert.equal(r.status, 201, r.text);
      senderId = r.body.id;
      const r2 = await partner.call('POST', '/v1/sender-numbers', { number: `0${Number(number) + 1e7}`, proof: proofOf(PDF, '재직증명서.pdf') });
      assert.equal(r2.status, 201, r2.text);
      pdfId = r2.body.id;
      const channelId = await partner.channel();
      const c = await partner.call('POST', '/v1/kakao/templates', {
        channelId,
        code,
        name: '배송 출발 안내',
        emphasisType: 'TEXT',
        title: '#{도착일} 도착 예정',
        subtitle: '배송 출발',
        body: '#{고객명}님, 주문하신 상품이 출발했습니다.\n운송장: #{운송장}',
        buttons: [{ type: 'DS', name: '배송 조회' }],
      });
      assert.equal(c.status, 201, c.text);
      templateId = c.body.id;
      assert.equal((await partner.call('POST', `/v1/kakao/templates/${templateId}/submit`)).status, 200);
    });

    await step('2. the operator logs in and opens 발신번호 심사 from the menu', async () => {
      await op.goto(`${sys.url}/console/login`);
      await op.getByLabel('아이디').fill(opLogin);
      await op.getByLabel('비밀번호').fill('Operat0r!pass');
      await op.getByRole('button', { name: '로그인' }).click();
      await op.getByRole('heading', { name: '운영자 콘솔' }).first().waitFor();
      await op.getByRole('navigation').getByRole('link', { name: '발신번호 심사' }).click();
      await op.getByRole('heading', { name: '발신번호 심사' }).waitFor();
      const row = op.locator(`tr[data-sender-number-id="${senderId}"]`);
      await row.getByText(number).waitFor();
      await row.getByText('고객센터 대표').waitFor();
      await snap(op, 'sender-numbers');
    });

    await step('3. the proofs open inline in a new tab (PNG drawn, PDF served as a PDF)', async () => {
      const row = op.locator(`tr[data-sender-number-id="${senderId}"]`);
      const [tab, res] = await Promise.all([op.waitForEvent('popup'), documentResponse(`/console/sender-numbers/${senderId}/proof`), row.getByRole('link', { name: '이용증명원.png' }).click()]);
      await tab.waitForLoadState();
      assert.equal(res.headers()['content-type'], 'image/png');
      assert.match(res.headers()['content-disposition'] ?? '', /^inline;/);
      const width = (await tab.evaluate('document.images.length ? document.images[0].naturalWidth : 0')) as number;
      assert.equal(width, 1, 'the image is shown in the tab, not downloaded');
      await tab.close();
      // the thumbnail in the row loaded too (same origin, operator session)
      const thumb = (await op.evaluate(`document.querySelector('tr[data-sender-number-id="${senderId}"] img').naturalWidth`)) as number;
      assert.equal(thumb, 1);

      const pdfRow = op.locator(`tr[data-sender-number-id="${pdfId}"]`);
      const [pdfTab, pdfRes] = await Promise.all([op.waitForEvent('popup'), documentResponse(`/console/sender-numbers/${pdfId}/proof`), pdfRow.getByRole('link', { name: '재직증명서.pdf' }).click()]);
      assert.equal(pdfRes.headers()['content-type'], 'application/pdf');
      assert.match(pdfRes.headers()['content-disposition'] ?? '', /^inline;/);
      // Chromium shows it in the tab with its PDF viewer (the document it hands over is the viewer's frame of
      // type application/pdf), not as a download
      assert.match((await pdfRes.body()).toString('utf8'), /type="application\/pdf"/);
      assert.equal(new URL(pdfTab.url()).pathname, `/console/sender-numbers/${pdfId}/proof`);
      await pdfTab.close();
    });

    await step('4. the operator approves the number; the partner sees it approved', async () => {
      await op.locator(`tr[data-sender-number-id="${senderId}"]`).getByRole('button', { name: `${number} 승인` }).click();
      await op.getByText('발신번호를 승인했습니다').waitFor();
      assert.ok(op.url().endsWith('/console/sender-numbers?done=approved'), op.url());
      await snap(op, 'sender-number-approved');
      const list = await partner.call('GET', '/v1/sender-numbers');
      assert.equal(list.body.data.find((s: { id: number }) => s.id === senderId).state, 'approved');
    });

    await step('5. 알림톡 템플릿 검수 shows the template as KakaoTalk would, variables marked', async () => {
      await op.getByRole('navigation').getByRole('link', { name: '알림톡 템플릿 검수' }).click();
      const card = op.locator(`article[data-template-id="${templateId}"]`);
      await card.getByRole('heading', { name: new RegExp(code) }).waitFor();
      await card.getByText('알림톡 도착').waitFor();
      const marked = await card.locator('mark.kt-var').allTextContents();
      assert.deepEqual(marked, ['#{도착일}', '#{고객명}', '#{운송장}']);
      await card.getByText('배송 조회').first().waitFor();
      await snap(op, 'template-review');
    });

    await step('6. rejecting without a comment is not sent; with one it is, and the partner reads it', async () => {
      const card = op.locator(`article[data-template-id="${templateId}"]`);
      await card.getByRole('button', { name: `${code} 반려` }).click();
      // the required field keeps the form from being sent
      assert.equal(await op.evaluate(`document.getElementById('tr-${templateId}').validity.valueMissing`), true);
      assert.equal((await partner.call('GET', `/v1/kakao/templates/${templateId}`)).body.state, 'REQ');
      await card.getByLabel('반려 사유').fill('도착일 변수 대신 날짜 형식을 본문에 안내하세요.');
      await card.getByRole('button', { name: `${code} 반려` }).click();
      await op.getByText('템플릿을 반려했습니다').waitFor();
      await snap(op, 'template-rejected');
      const seen = await partner.call('GET', `/v1/kakao/templates/${templateId}`);
      assert.equal(seen.body.state, 'REJ');
      assert.equal(seen.body.reviewComment, '도착일 변수 대신 날짜 형식을 본문에 안내하세요.');
    });

    await step('7. the partner resubmits; the operator approves; the partner sees APR', async () => {
      assert.equal((await partner.call('POST', `/v1/kakao/templates/${templateId}/submit`)).status, 200);
      await op.goto(`${sys.url}/console/kakao-templates`);
      await op.locator(`article[data-template-id="${templateId}"]`).getByRole('button', { name: `${code} 승인` }).click();
      await op.getByText('템플릿을 승인했습니다').waitFor();
      assert.equal(await op.locator(`article[data-template-id="${templateId}"]`).count(), 0, 'no longer under review');
      await snap(op, 'template-approved');
      const seen = await partner.call('GET', `/v1/kakao/templates/${templateId}`);
      assert.equal(seen.body.state, 'APR');
      // a refresh after the redirect resubmits nothing (Post/Redirect/Get)
      await op.reload();
      await op.getByRole('heading', { name: '알림톡 템플릿 검수' }).waitFor();
    });
  } finally {
    await ctx.close();
  }
});
