// The member web's account pages in a real browser (Debian Chromium through playwright-core): 비밀번호 재설정 from the
// login page (the mail's one-time link, a too-short password refused beside its field, then the new one); the
// choice of subscription of a member with two; 설정 with 보안로그인 (TOTP) set up (a wrong code refused beside the
// field); the next login asks for the code (보안로그인 page, a wrong code refused); logout. Screenshots go to
// .test-artifacts/member-web/account-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { TestSystem } from '../support/test-system.ts';
import { legacyPost } from '../support/http.ts';
import { launchChromium, SKIP_BROWSER as SKIP, type Chromium } from '../support/browser.ts';
import { base32Decode, totpCode } from '../../src/modules/accounts/totp.ts';
import { registerMember, startNtsTestSystem } from '../e2e/nts-support.ts';

let sys: TestSystem;
let chromium: Chromium | undefined;
before(async () => {
  if (SKIP) return;
  sys = await startNtsTestSystem();
  chromium = await launchChromium('member-web', { prefix: 'account-' });
});
after(async () => {
  await chromium?.close();
  await sys?.close();
});

const snap = (page: Page, name: string) => chromium!.snap(page, name);

/** Fill the login form and send it (the caller waits for where it lands). */
async function sendLogin(page: Page, m: { bizno: string; loginId: string }, password: string): Promise<void> {
  await page.goto(`${sys.url}/member`);
  await page.getByLabel('사업자등록번호').fill(m.bizno);
  await page.getByLabel('아이디').fill(m.loginId);
  await page.getByLabel('비밀번호').fill(password);
  await page.getByRole('button', { name: '로그인' }).click();
}

test('비밀번호 재설정, 서비스 선택, 설정 and 보안로그인, in Chromium', { skip: SKIP, timeout: 120_000 }, async () => {
  const m = await registerMember(sys);
  const second = await legacyPost(sys.url, '_service.aspx', { cmd: 'SINCHSERVICE', bizno: m.bizno, id: m.loginId, pwd: m.password, pack_code: 1, svcunit_code: 1, amount: 0, vat: 0, total_amount: 0 });
  assert.equal(second.code, '0000');
  const secondId = String(second['sinchno']);
  const ctx = await chromium!.context();
  const page = await ctx.newPage();

  // ---- 비밀번호 재설정: from the login page, by the mail's link ----
  await page.goto(`${sys.url}/member`);
  await page.getByRole('link', { name: '비밀번호를 잊으셨나요?' }).click();
  await page.waitForURL(/\/member\/forgot$/);
  assert.equal(await page.locator('h1').textContent(), '비밀번호 재설정');
  await page.getByLabel('사업자등록번호').fill(m.bizno);
  await page.getByLabel('아이디').fill(m.loginId);
  await page.getByRole('button', { name: '재설정 메일 받기' }).click();
  await page.getByText('재설정 링크를 보냈습니다').waitFor();
  await snap(page, 'forgot-sent');
  const mail = await sys.mail.catcher!.waitFor((x) => x.subject.includes('비밀번호 재설정') && (x.text ?? '').includes(m.loginId), 15_000);
  const link = /\/member\/reset\?token=[A-Za-z0-9_-]+/.exec(mail.text ?? '')?.[0];
  assert.ok(link, mail.text);
  await page.goto(`${sys.url}${link}`);
  assert.equal(await page.locator('h1').textContent(), '새 비밀번호');
  await page.getByLabel('새 비밀번호', { exact: true }).fill('short');
  await page.getByLabel('새 비밀번호 확인').fill('short');
  await page.getByRole('button', { name: '비밀번호 바꾸기' }).click();
  await page.locator('#newPassword-error').waitFor();
  assert.equal(await page.getAttribute('#newPassword', 'aria-invalid'), 'true');
  await snap(page, 'reset-refused');
  await page.getByLabel('새 비밀번호', { exact: true }).fill('Reset123!pw');
  await page.getByLabel('새 비밀번호 확인').fill('Reset123!pw');
  await Promise.all([page.waitForURL(/\/member\?done=reset$/), page.getByRole('button', { name: '비밀번호 바꾸기' }).click()]);
  await page.getByText('비밀번호를 바꿨습니다').waitFor();
  await snap(page, 'reset-done');

  // ---- 서비스 선택: two subscriptions, one chosen ----
  await sendLogin(page, m, 'Reset123!pw');
  await page.waitForURL(/\/member\/subscriptions$/);
  assert.equal(await page.locator('h1').textContent(), '서비스 선택');
  const rows = page.locator('table tbody tr');
  assert.equal(await rows.count(), 2);
  await snap(page, 'subscriptions');
  await Promise.all([page.waitForURL(/\/member\/sales\?done=chosen$/), page.locator(`form:has(input[name=subscriptionId][value="${secondId}"])`).getByRole('button', { name: '선택' }).click()]);

  // ---- 설정: the member's details; 보안로그인 set up with the authenticator's code ----
  await page.getByRole('navigation').getByRole('link', { name: '설정' }).click();
  await page.waitForURL(/\/member\/settings/);
  assert.match((await page.locator('main').textContent()) ?? '', new RegExp(`${m.loginId}[\\s\\S]*${secondId}`));
  await page.getByRole('button', { name: '보안로그인 설정 시작' }).click();
  const secretText = (await page.locator('#totp-secret').textContent()) ?? '';
  assert.match(secretText, /^[A-Z2-7]+$/);
  assert.equal(await page.locator('.qr svg').isVisible(), true, 'the QR code is drawn');
  await page.getByLabel('인증 코드').fill('000000');
  await page.getByRole('button', { name: '보안로그인 켜기' }).click();
  await page.locator('#code-error').waitFor();
  assert.equal(await page.locator('#totp-secret').textContent(), secretText, 'the same key is shown again');
  await snap(page, 'totp-wrong-code');
  const secret = base32Decode(secretText);
  await page.getByLabel('인증 코드').fill(totpCode(secret, sys.ctx.clock.now()));
  await Promise.all([page.waitForURL(/done=totp_on/), page.getByRole('button', { name: '보안로그인 켜기' }).click()]);
  await page.getByText('보안로그인 사용 중입니다').waitFor();
  await snap(page, 'totp-on');

  // ---- the next login asks for the code ----
  const ctx2 = await chromium!.context();
  const p2 = await ctx2.newPage();
  await sendLogin(p2, m, 'Reset123!pw');
  await p2.waitForURL(/\/member\/login\/code$/);
  assert.equal(await p2.locator('h1').textContent(), '보안로그인');
  await p2.getByLabel('인증 코드').fill('123456');
  await p2.getByRole('button', { name: '확인' }).click();
  await p2.locator('#code-error').waitFor();
  await snap(p2, 'login-code-refused');
  await p2.getByLabel('인증 코드').fill(totpCode(secret, new Date(sys.ctx.clock.now().getTime() + 30_000)));
  await Promise.all([p2.waitForURL(/\/member\/subscriptions$/), p2.getByRole('button', { name: '확인' }).click()]);
  await snap(p2, 'login-code-accepted');

  // ---- logout ----
  await Promise.all([page.waitForURL(/\/member\?done=logout$/), page.getByRole('button', { name: '로그아웃' }).click()]);
  await page.getByText('로그아웃했습니다').waitFor();
  await page.goto(`${sys.url}/member/settings`);
  assert.equal(new URL(page.url()).pathname, '/member', 'no session: back to the login');
  await ctx2.close();
  await ctx.close();
});
