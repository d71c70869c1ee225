// 개발용 메일함 (/dev/mailbox, the embedded default's caught mail) in a real browser (Debian Chromium through
// playwright-core): a tax invoice issued by the legacy API, its mail found in the list (the page is what first reads,
// and so parses, the caught message), opened: the recipients, the HTML body in its sandboxed frame, the PDF attachment
// downloaded and read back, the raw headers with the document's key. Screenshots go to .test-artifacts/dev-mailbox/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { launchChromium, SKIP_BROWSER as SKIP, type Chromium } from '../support/browser.ts';
import { freshBizno, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { legacyPost } from '../support/http.ts';
import { legacyInvoiceFields, onboard } from '../support/onboard.ts';
import { waitFor } from '../support/wait-for.ts';

let sys: TestSystem;
let chromium: Chromium | undefined;
before(async () => {
  if (SKIP) return;
  sys = await startTestSystem();
  chromium = await launchChromium('dev-mailbox');
});
after(async () => {
  await chromium?.close();
  await sys?.close();
});

test('개발용 메일함: an issued invoice\'s mail in the list, opened, its PDF downloaded, in Chromium', { skip: SKIP, timeout: 120_000 }, async () => {
  const sup = await onboard(sys.url);
  const buyer = `mailbox-${sup.sinchno}@example.kr`;
  const r = await legacyPost(sys.url, 'document.aspx', { cmd: 'INSERT', doc__proc_state: 'S', ...legacyInvoiceFields(sup, freshBizno(), { doc__buy_email1: buyer }) });
  assert.equal(r.code, '0000', r.msg);
  const dockey = String(r['dockey']);
  await sys.worker!.drain();
  await waitFor(() => sys.ctx.db.selectFrom('mail_outbox').select('state').where('to_addr', '=', buyer).execute(), (rows) => rows.some((o) => o.state === 'sent'), { timeoutMs: 15_000, what: 'the issuance mail sent' });

  const ctx = await chromium!.context();
  const page = await ctx.newPage();
  await page.goto(`${sys.url}/dev/mailbox`);
  const row = page.locator('tr', { hasText: buyer });
  await row.waitFor();
  assert.match(await row.innerText(), /\.pdf/, 'the list names the PDF attachment');
  await chromium!.snap(page, 'list');

  await row.getByRole('link').click();
  await page.getByRole('heading', { name: '본문' }).waitFor();
  assert.match(await page.locator('table.meta').innerText(), new RegExp(buyer.replace(/[.]/g, '\\.')));
  const frame = page.frameLocator('iframe[title="메일 본문"]');
  assert.match(await frame.locator('body').innerText(), /세금계산서/, 'the HTML body shown in its frame');
  assert.equal(await page.locator('iframe[title="메일 본문"]').getAttribute('sandbox'), 'allow-popups allow-popups-to-escape-sandbox');
  await page.getByText('원본 헤더 보기').click();
  assert.match(await page.locator('details pre').last().innerText(), new RegExp(dockey));
  await chromium!.snap(page, 'detail');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /\.pdf$/ }).click()]);
  const file = chromium!.artifact('invoice.pdf');
  await download.saveAs(file);
  assert.equal(fs.readFileSync(file).subarray(0, 5).toString('latin1'), '%PDF-', 'the attachment downloads as the PDF it is');
  await ctx.close();
});
