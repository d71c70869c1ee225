// 시스템 상태 in the operator console, in a real browser (Debian Chromium through playwright-core): a queue no worker
// serves gets two due jobs (one waiting 3 minutes), a job scheduled later, a job that failed for good a minute ago
// and one waiting to retry, each with its error text; an anonymous visitor is sent to the login; the operator
// opens 시스템 상태 from the menu and reads the queue's row (due 2, oldest 3분, dead in the last hour 1), the failed
// jobs with their error text, and the NTS / mail / webhook failure sections; then the page in English.
// Screenshots go to .test-artifacts/console-system/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { freshLoginId, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { launchChromium, SKIP_BROWSER as SKIP, type Chromium } from '../support/browser.ts';
import { createOperator } from '../../src/modules/accounts/create-operator.ts';
import { SYSTEM_ACTOR } from '../../src/modules/access/audit-log.ts';
import { enqueueJob } from '../../src/platform/jobs.ts';

let sys: TestSystem;
let chromium: Chromium | undefined;
const queue = `sys_${freshLoginId()}`;
before(async () => {
  if (SKIP) return;
  sys = await startTestSystem();
  chromium = await launchChromium('console-system');
});
after(async () => {
  if (sys) await sql`DELETE FROM jobs WHERE queue = ${queue}`.execute(sys.ctx.db);
  await chromium?.close();
  await sys?.close();
});

test('시스템 상태: queue depth, oldest due age, failures of the last hour and their error text, in Chromium', { skip: SKIP, timeout: 120_000 }, async () => {
  const db = sys.ctx.db;
  await enqueueJob(db, queue, { n: 1 }, { runAt: new Date(Date.now() - 185_000) });
  await enqueueJob(db, queue, { n: 2 });
  await enqueueJob(db, queue, { n: 3 }, { runAt: new Date(Date.now() + 3_600_000) });
  await sql`INSERT INTO jobs (queue, payload, state, attempts, max_attempts, last_error, finished_at)
            VALUES (${queue}, '{}'::jsonb, 'failed', 5, 5, '수신 서버 거부: 550 mailbox unavailable', now() - interval '1 minute')`.execute(db);
  await sql`INSERT INTO jobs (queue, payload, state, attempts, max_attempts, last_error, run_at)
            VALUES (${queue}, '{}'::jsonb, 'pending', 2, 10, 'connect ETIMEDOUT (retry)', now() + interval '30 minutes')`.execute(db);
  const opLogin = freshLoginId('op');
  await createOperator(sys.ctx, SYSTEM_ACTOR, { loginId: opLogin, password: 'Operat0r!pass', name: '운영자' });

  const ctx = await chromium!.context();
  const page = await ctx.newPage();
  // operators only: anyone else is sent to the console login
  await page.goto(`${sys.url}/console/system`);
  assert.match(page.url(), /\/console\/login$/);
  await page.getByLabel('아이디').fill(opLogin);
  await page.getByLabel('비밀번호').fill('Operat0r!pass');
  await page.getByRole('button', { name: '로그인' }).click();
  await page.getByRole('heading', { name: '운영자 콘솔' }).first().waitFor();

  await page.getByRole('navigation').getByRole('link', { name: '시스템 상태' }).click();
  await page.getByRole('heading', { name: '작업 대기열' }).waitFor();
  const row = page.locator(`tr[data-queue="${queue}"]`);
  assert.equal(await row.locator('[data-col="due"]').textContent(), '2');
  assert.match((await row.locator('[data-col="oldest"]').textContent()) ?? '', /^3분 \d+초$/);
  assert.equal(await row.locator('[data-col="running"]').textContent(), '0');
  assert.equal(await row.locator('[data-col="scheduled"]').textContent(), '2', 'the later job and the one waiting to retry');
  assert.equal(await row.locator('[data-col="dead-hour"]').textContent(), '1');

  const failed = page.locator('table[data-failed-jobs] tr', { hasText: queue });
  assert.equal(await failed.count(), 2);
  const dead = failed.filter({ has: page.locator('[data-status="dead"]') });
  assert.match((await dead.textContent()) ?? '', /최종 실패.*5\/5.*수신 서버 거부: 550 mailbox unavailable/s);
  const retrying = failed.filter({ has: page.locator('[data-status="retrying"]') });
  assert.match((await retrying.textContent()) ?? '', /재시도 대기.*2\/10.*connect ETIMEDOUT \(retry\)/s);
  for (const h of ['최근 국세청 전송 실패', '최근 메일 발송 실패', '최근 웹훅 전송 실패']) await page.getByRole('heading', { name: h }).waitFor();
  await chromium!.snap(page, 'system-ko');

  await page.goto(`${sys.url}/console/system?lang=en`);
  await page.getByRole('heading', { name: 'Job queues' }).waitFor();
  assert.match((await page.locator(`tr[data-queue="${queue}"] [data-col="oldest"]`).textContent()) ?? '', /^3 min \d+ s$/);
  await page.getByRole('heading', { name: 'Recent webhook failures' }).waitFor();
  await chromium!.snap(page, 'system-en');
});
