// 역발행 and 발행취소 on the member web in a real browser (Debian Chromium through playwright-core): the buyer logs in
// at /member, writes a request (a supplier number failing its checksum is shown beside its field, nothing stored), sends it; the
// supplier logs in, finds it in 받은 요청, issues it (an ordinary issued document with an approval number, in both
// ledgers); the buyer finds it in its 매입 문서함 and rejects it from its document screen (reason required; the supplier is mailed, the
// event kept); the supplier cancels it from its document screen's 발행취소 (reason required; the buyer is mailed).
// The cancelled invoice's 문서보기 page. A request to a supplier known only by e-mail: its mail's link page, no login
// (a forged token: 404). The 요청함 in English too. Screenshots go to .test-artifacts/member-web/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { freshBizno, type TestSystem } from '../support/test-system.ts';
import { launchChromium, SKIP_BROWSER as SKIP, type Chromium } from '../support/browser.ts';
import { memberLogIn } from '../support/member-browser.ts';
import { viewToken } from '../../src/modules/documents/document-keys.ts';
import { memberWithCertificate, startNtsTestSystem, type TestMember } from '../e2e/nts-support.ts';

let sys: TestSystem;
let chromium: Chromium | undefined;
before(async () => {
  if (SKIP) return;
  sys = await startNtsTestSystem();
  chromium = await launchChromium('member-web', { prefix: 'reverse-' });
});
after(async () => {
  await chromium?.close();
  await sys?.close();
});

const snap = (page: Page, name: string) => chromium!.snap(page, name);

async function logIn(m: TestMember): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await chromium!.context({ viewport: { width: 1300, height: 950 } });
  const page = await ctx.newPage();
  await memberLogIn(page, sys.url, m);
  return { ctx, page };
}

test('역발행 request → the supplier issues it → 발행취소, in Chromium', { skip: SKIP, timeout: 120_000 }, async () => {
  const supplier = (await memberWithCertificate(sys)).member;
  const buyer = (await memberWithCertificate(sys)).member;
  const buyerMail = `web-${crypto.randomBytes(4).toString('hex')}@buyer.example`;

  // the buyer writes the request
  const b = await logIn(buyer);
  await b.page.click('nav a[href="/member/reverse"]');
  await b.page.waitForURL(/\/member\/reverse/);
  await b.page.click('#reverse-new');
  await b.page.waitForURL(/\/member\/reverse\/new/);
  await b.page.fill('[name="lines[0].name"]', '웹 유지보수');
  await b.page.fill('[name="lines[0].supply"]', '300000');
  await b.page.fill('#buyer\\.email', buyerMail);
  await b.page.fill('#supplier\\.bizno', '1234567890');
  await b.page.click('#reverse-submit');
  // a business number failing its checksum: the error is beside the field and nothing is stored
  const err = b.page.locator('#supplier\\.bizno-error');
  await err.waitFor();
  assert.match(await err.innerText(), /사업자등록번호|검증|형식/);
  assert.equal(await b.page.getAttribute('#supplier\\.bizno', 'aria-invalid'), 'true');
  assert.equal(await b.page.inputValue('[name="lines[0].supply"]'), '300000', 'the form keeps what was typed');
  await snap(b.page, 'request-error');
  const none = await sys.ctx.db.selectFrom('reverse_requests').select('id').where('buyer_subscription_id', '=', buyer.subscriptionId).execute();
  assert.equal(none.length, 0);

  await b.page.fill('#supplier\\.bizno', supplier.bizno);
  await b.page.fill('#supplierEmail', `sup-${crypto.randomBytes(3).toString('hex')}@supplier.example`);
  await Promise.all([b.page.waitForURL(/box=sent&done=sent/), b.page.click('#reverse-submit')]);
  const sentRow = b.page.locator('#reverse-box tbody tr[data-reqkey]');
  assert.equal(await sentRow.count(), 1);
  assert.match(await sentRow.innerText(), /330,000/);
  assert.equal(await sentRow.locator('[data-state]').getAttribute('data-state'), 'requested');
  await snap(b.page, 'sent-box');
  const reqkey = (await sentRow.getAttribute('data-reqkey'))!;

  // the supplier issues it from 받은 요청
  const s = await logIn(supplier);
  await s.page.goto(`${sys.url}/member/reverse`);
  const received = s.page.locator(`#reverse-box tr[data-reqkey="${reqkey}"]`);
  await received.waitFor();
  await snap(s.page, 'received-box');
  await Promise.all([s.page.waitForURL(/done=issued/), received.locator('button[data-action=issue]').click()]);
  await snap(s.page, 'issued');
  const req = await sys.ctx.db.selectFrom('reverse_requests').select(['state', 'document_id']).where('reqkey', '=', reqkey).executeTakeFirstOrThrow();
  assert.equal(req.state, 'issued');
  const doc = await sys.ctx.db.selectFrom('documents').selectAll().where('id', '=', req.document_id!).executeTakeFirstOrThrow();
  assert.ok(doc.nts_issue_id, 'an approval number');
  assert.equal(doc.subscription_id, supplier.subscriptionId);
  assert.equal(await s.page.locator(`#reverse-box tr[data-reqkey="${reqkey}"] [data-state]`).getAttribute('data-state'), 'issued');

  // the buyer sees it issued
  await b.page.goto(`${sys.url}/member/reverse?box=sent`);
  assert.equal(await b.page.locator(`#reverse-box tr[data-reqkey="${reqkey}"] [data-state]`).getAttribute('data-state'), 'issued');

  // the buyer finds it in its 매입 문서함 and opens it
  await b.page.getByRole('navigation').getByRole('link', { name: '매입 문서함' }).click();
  await b.page.waitForURL(/\/member\/purchases/);
  assert.equal(await b.page.locator('main h1').textContent(), '매입 문서함');
  const bought = b.page.locator(`table.ledger tbody tr:has(a[href="/member/documents/${encodeURIComponent(doc.dockey)}"])`);
  assert.match((await bought.textContent()) ?? '', /웹 유지보수[\s\S]*330,000/);
  await snap(b.page, 'purchases');

  // the buyer rejects it from that document screen: a reason is required; the supplier is mailed
  await Promise.all([b.page.waitForURL(/\/member\/documents\/[^/]+$/), bought.locator('td a').first().click()]);
  await Promise.all([b.page.waitForURL(/\/respond$/), b.page.click(`#document-actions a[href$="/respond"]`)]);
  await b.page.click('#reject');
  await b.page.locator('#reason-error').waitFor();
  await snap(b.page, 'reject-needs-reason');
  await b.page.fill('#reason', '공급가액 확인 필요');
  await Promise.all([b.page.waitForURL(/done=answered/), b.page.click('#reject')]);
  assert.equal(await b.page.getAttribute('#respond-done', 'data-proc'), 'R');
  await snap(b.page, 'rejected');
  const supplierMail = (doc.body as { supplier: { contact?: { email?: string } } }).supplier.contact?.email;
  assert.ok(supplierMail, 'the supplier contact has an address');
  await sys.mail.catcher!.waitFor((m) => m.to.some((t) => t.address === supplierMail) && (m.text ?? '').includes('공급가액 확인 필요'));
  const ev = await sys.ctx.db.selectFrom('document_events').select('type').where('document_id', '=', doc.id).orderBy('id').execute();
  assert.deepEqual(ev.map((e) => e.type), ['reverse_issued', 'rejected']);

  // 발행취소 of that invoice by the supplier, from its document screen's action
  await s.page.goto(`${sys.url}/member/documents/${doc.dockey}`);
  await Promise.all([s.page.waitForURL(/\/cancel$/), s.page.click(`#document-actions a[href$="/cancel"]`)]);
  await s.page.fill('#reason', '   '); // blank once trimmed: the server refuses it beside the field
  await s.page.click('#cancel-submit');
  await s.page.locator('#reason-error').waitFor();
  assert.equal((await sys.ctx.db.selectFrom('documents').select('proc_state').where('id', '=', doc.id).executeTakeFirstOrThrow()).proc_state, 'R', 'nothing changed: still rejected');
  await s.page.fill('#reason', '요청 금액 정정 필요');
  await Promise.all([s.page.waitForURL(/done=cancelled/), s.page.click('#cancel-submit')]);
  await s.page.locator('#cancel-done').waitFor();
  await snap(s.page, 'cancelled');
  const after = await sys.ctx.db.selectFrom('documents').select(['proc_state', 'nts_issue_id', 'cancel_reason']).where('id', '=', doc.id).executeTakeFirstOrThrow();
  assert.deepEqual(after, { proc_state: 'C', nts_issue_id: doc.nts_issue_id, cancel_reason: '요청 금액 정정 필요' });
  await sys.mail.catcher!.waitFor((m) => m.to.some((t) => t.address === buyerMail) && m.subject.includes('발행취소'));

  // a request to a supplier known only by e-mail: the mail's link opens the request without a login
  const outsiderMail = `out-${crypto.randomBytes(3).toString('hex')}@outside.example`;
  await b.page.goto(`${sys.url}/member/reverse/new`);
  await b.page.fill('[name="lines[0].name"]', '외부 용역');
  await b.page.fill('[name="lines[0].supply"]', '100000');
  await b.page.fill('#buyer\\.email', buyerMail);
  await b.page.fill('#supplier\\.bizno', freshBizno());
  await b.page.fill('#supplier\\.name', '(주)아직비회원');
  await b.page.fill('#supplier\\.ceoName', '김외부');
  await b.page.fill('#supplierEmail', outsiderMail);
  await Promise.all([b.page.waitForURL(/box=sent&done=sent/), b.page.click('#reverse-submit')]);
  const mail = await sys.mail.catcher!.waitFor((m) => m.to.some((t) => t.address === outsiderMail));
  const link = /https?:\/\/\S+\/member\/reverse\/link\/\S+/.exec(mail.text ?? '')?.[0];
  assert.ok(link, mail.text);
  const outsider = await chromium!.context();
  const o = await outsider.newPage();
  await o.goto(`${sys.url}${new URL(link).pathname}${new URL(link).search}`);
  assert.match(await o.locator('h1').innerText(), /역발행 요청/);
  const outsiderKey = (await o.locator('#reqkey').textContent())!;
  assert.equal((await sys.ctx.db.selectFrom('reverse_requests').select('buyer_subscription_id').where('reqkey', '=', outsiderKey).executeTakeFirstOrThrow()).buyer_subscription_id, buyer.subscriptionId);
  assert.match((await o.locator('body').innerText()) ?? '', /\(주\)아직비회원[\s\S]*외부 용역[\s\S]*110,000/);
  await snap(o, 'link-page');
  const forged = await o.goto(`${sys.url}${new URL(link).pathname}?t=forged`);
  assert.equal(forged?.status(), 404);
  assert.match(await o.locator('h1').innerText(), /요청을 찾을 수 없습니다/);
  // the cancelled invoice's 문서보기 link (the buyer's mail): shown as 발행취소 with its reason, nothing to answer
  await o.goto(`${sys.url}/view/${encodeURIComponent(doc.dockey)}?t=${viewToken(sys.ctx.masterKey, doc.dockey)}`);
  assert.match(await o.locator('p.notice').innerText(), /발행취소한 문서입니다: 요청 금액 정정 필요/);
  assert.equal(await o.locator('form[action*="/approve"], form[action*="/reject"]').count(), 0, 'no approve / reject');
  await snap(o, 'view-cancelled');
  await outsider.close();

  // the 요청함 in English
  await s.page.goto(`${sys.url}/member/reverse?lang=en`);
  assert.match(await s.page.locator('h1').innerText(), /Reverse issuance/);
  await snap(s.page, 'received-en');
  await b.ctx.close();
  await s.ctx.close();
});
