// 회원 조회 in the operator console, in a real browser (Debian Chromium through playwright-core): a member turns
// 보안로그인 on (over HTTP, as the member web's settings do); the operator logs in, opens 회원 조회 from the menu, types a
// wrong business number (400, the message beside the field), finds the member by its login ID (보안로그인 on, since
// when; 사업자번호 미확인), tries 보안로그인 해제 without a reason (the browser holds the form), cancels the
// confirmation (nothing changes), then confirms with a reason: the done message, the row shows it off, the member's
// old session is gone and its login asks for no code; the screen in English. Screenshots go to
// .test-artifacts/console-members/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { TestSystem } from '../support/test-system.ts';
import { freshLoginId } from '../support/test-system.ts';
import { launchChromium, SKIP_BROWSER as SKIP, type Chromium } from '../support/browser.ts';
import { createOperator } from '../../src/modules/accounts/create-operator.ts';
import { SYSTEM_ACTOR } from '../../src/modules/access/audit-log.ts';
import { base32Decode, totpCode } from '../../src/modules/accounts/totp.ts';
import { registerMember, startNtsTestSystem } from '../e2e/nts-support.ts';
import { MemberClient, memberSignedIn } from '../e2e/member-web-support.ts';

let sys: TestSystem;
let chromium: Chromium | undefined;
before(async () => {
  if (SKIP) return;
  sys = await startNtsTestSystem();
  chromium = await launchChromium('console-members');
});
after(async () => {
  await chromium?.close();
  await sys?.close();
});

const snap = (page: Page, name: string) => chromium!.snap(page, name);

test('회원 조회: find a member, clear its 보안로그인 with a reason and a confirmation, in Chromium', { skip: SKIP, timeout: 120_000 }, async () => {
  const m = await registerMember(sys, undefined, { comName: '(주)분실테스트' });
  const member = await memberSignedIn(sys.url, m);
  await member.page('/member/settings');
  const start = await member.post('/member/settings/totp/start', {});
  const secret = base32Decode(/id="totp-secret">([A-Z2-7]+)</.exec(start.text)![1]!);
  assert.equal((await member.post('/member/settings/totp/on', { code: totpCode(secret, sys.ctx.clock.now()) })).status, 303);
  const opLogin = freshLoginId('op');
  await createOperator(sys.ctx, SYSTEM_ACTOR, { loginId: opLogin, password: 'Operat0r!pass', name: '운영자' });

  const ctx = await chromium!.context();
  const op = await ctx.newPage();
  const dialogs: string[] = [];
  let acceptDialog = false;
  op.on('dialog', (d) => {
    dialogs.push(d.message());
    void (acceptDialog ? d.accept() : d.dismiss());
  });
  await op.goto(`${sys.url}/console/login`);
  await op.getByLabel('아이디').fill(opLogin);
  await op.getByLabel('비밀번호').fill('Operat0r!pass');
  await op.getByRole('button', { name: '로그인' }).click();
  await op.getByRole('heading', { name: '운영자 콘솔' }).first().waitFor();

  // from the menu; a wrong business number: 400, the message beside the field
  await op.getByRole('navigation').getByRole('link', { name: '회원 조회' }).click();
  await op.getByRole('heading', { name: '회원 조회' }).waitFor();
  await op.getByLabel('사업자등록번호').fill('1234567890');
  const [bad] = await Promise.all([op.waitForResponse((r) => r.url().includes('/console/members?')), op.getByRole('button', { name: '조회' }).click()]);
  assert.equal(bad.status(), 400);
  assert.match((await op.locator('#cm-bizno-error').textContent()) ?? '', /검증번호/);
  assert.equal(await op.getByLabel('사업자등록번호').getAttribute('aria-invalid'), 'true');
  await snap(op, 'members-bad-bizno');

  // by login ID (any case): the member, 보안로그인 on since when, the business number not proven
  await op.getByLabel('사업자등록번호').fill('');
  await op.getByLabel('아이디', { exact: true }).fill(m.loginId.toUpperCase());
  await op.getByRole('button', { name: '조회' }).click();
  const row = op.locator(`table.members tr[data-member-no="${m.memberId}"]`);
  await row.waitFor();
  assert.equal(await op.locator('table.members tbody tr').count(), 1);
  const rowText = (await row.textContent()) ?? '';
  assert.match(rowText, new RegExp(`${m.memberId}[\\s\\S]*\\(주\\)분실테스트[\\s\\S]*${m.bizno}[\\s\\S]*${m.loginId}[\\s\\S]*사용 중[\\s\\S]*부터[\\s\\S]*미확인`));
  await snap(op, 'members-found');

  // no reason: the browser keeps the form; the confirmation cancelled: nothing changes
  const clearButton = row.getByRole('button', { name: '보안로그인 해제' });
  await clearButton.click();
  assert.equal(dialogs.length, 0, 'a form without its reason is not sent, nothing to confirm');
  await row.getByLabel('해제 사유').fill('휴대폰 분실 (전화로 본인 확인)');
  await clearButton.click();
  await op.waitForTimeout(300);
  assert.equal(dialogs.length, 1);
  assert.match(dialogs[0]!, /보안로그인을 해제할까요/);
  assert.ok((await sys.ctx.db.selectFrom('members').select('totp_enabled_at').where('id', '=', m.memberId).executeTakeFirstOrThrow()).totp_enabled_at, 'cancelled: still on');

  // confirmed: done, the row shows it off, the member's session is gone and login asks for no code
  acceptDialog = true;
  await clearButton.click();
  await op.getByText('보안로그인을 해제했습니다').waitFor();
  assert.equal(dialogs.length, 2);
  assert.match(op.url(), new RegExp(`/console/members\\?loginId=${m.loginId.toUpperCase()}&done=second_factor_cleared`));
  assert.equal(await row.locator('[data-second-factor]').getAttribute('data-second-factor'), 'off');
  assert.equal(await row.getByRole('button', { name: '보안로그인 해제' }).count(), 0);
  await snap(op, 'members-cleared');
  assert.equal((await member.call('GET', '/member/settings')).headers.location, '/member');
  const again = await new MemberClient(sys.url).login(m);
  assert.equal(again.headers.location, '/member/sales');
  const audit = await sys.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'member.second_factor_cleared').where('target_id', '=', m.memberId).execute();
  assert.deepEqual(audit.map((a) => [a.actor_kind, a.actor_label]), [['operator', opLogin]]);
  await sys.mail.catcher!.waitFor((x) => x.subject.includes('보안로그인 해제') && (x.text ?? '').includes(m.loginId), 15_000);

  // English
  await op.goto(`${sys.url}/console/members?lang=en&bizno=${m.bizno}`);
  await op.getByRole('heading', { name: 'Members' }).waitFor();
  assert.match((await row.textContent()) ?? '', /off[\s\S]*not proven/);
  await snap(op, 'members-en');
  await ctx.close();
});
