/**
 * What the billing pages' Chromium tests share: a system on a manual clock (a database of its own on
 * PostgreSQL — a billing run bills every partner with usage in the month), Chromium, screenshots, and the order
 * numbers a bills table shows. Registers its before / after hooks; await `ready`, then read `sys` and `chromium`.
 */
import { after, before } from 'node:test';
import type { Page } from 'playwright-core';
import type { TestSystem } from '../support/test-system.ts';
import { launchChromium, SKIP_BROWSER, type Chromium } from '../support/browser.ts';
import { usePrivateDatabase, type PrivateDatabase } from '../support/private-database.ts';
import type { ManualClock } from '../../src/platform/clock.ts';
import { startNtsTestSystem } from '../e2e/nts-support.ts';

export function billingBrowserSuite(name: string, databaseName: string, clock: ManualClock) {
  const state: { sys?: TestSystem; chromium?: Chromium; privateDb?: PrivateDatabase } = {};
  let started: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (started = resolve));
  before(async () => {
    if (!SKIP_BROWSER) {
      state.privateDb = await usePrivateDatabase(databaseName);
      state.sys = await startNtsTestSystem({}, { clock });
      state.chromium = await launchChromium(name);
    }
    started();
  });
  after(async () => {
    await state.chromium?.close();
    await state.sys?.close();
    await state.privateDb?.drop();
  });
  return {
    /** Resolves once the system and Chromium are up (await it in the test file's own `before`). */
    ready,
    get sys(): TestSystem {
      return state.sys!;
    },
    get chromium(): Chromium {
      return state.chromium!;
    },
    snap: (page: Page, shot: string) => state.chromium!.snap(page, shot),
    shownOrders: async (page: Page) => (await page.locator('table.bills tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-order-no')))) as string[],
  };
}
