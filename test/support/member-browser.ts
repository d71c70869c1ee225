/** The member web in a browser: log a member in at /member (business number, ID, password). */
import type { Page } from 'playwright-core';

/** Log in on the page; it lands on the 매출 문서함, or on the choice of subscription when there are several. */
export async function memberLogIn(page: Page, url: string, m: { bizno: string; loginId: string; password: string }): Promise<void> {
  await page.goto(`${url}/member`);
  await page.fill('#bizno', m.bizno);
  await page.fill('#loginId', m.loginId);
  await page.fill('#password', m.password);
  await Promise.all([page.waitForURL(/\/member\/(sales|subscriptions)/), page.click('form button[type=submit]')]);
}
