/**
 * Chromium for the browser tests: Debian's (apt-get install chromium fonts-nanum; .ci/run does it) through
 * playwright-core, never a downloaded browser; HANBILL_CHROMIUM names another binary. Without it the tests are
 * skipped with a notice (`skip: SKIP_BROWSER`). Screenshots and other files go to `.test-artifacts/<folder>/`,
 * numbered in the order taken; files sharing a folder keep apart by a prefix, and each clears only its own files.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';

export const CHROMIUM = process.env['HANBILL_CHROMIUM'] ?? '/usr/bin/chromium';

/** false, or why the browser tests are skipped (node:test's `skip` option). */
export const SKIP_BROWSER: string | false = fs.existsSync(CHROMIUM)
  ? false
  : `browser tests skipped: ${CHROMIUM} not found — install Debian Chromium to run them (apt-get install chromium fonts-nanum; .ci/run does it) or set HANBILL_CHROMIUM`;
if (SKIP_BROWSER) process.stderr.write(`\n*** ${SKIP_BROWSER} ***\n\n`);

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export interface Chromium {
  browser: Browser;
  /** A new context: Korean, 1400×1000, downloads accepted — unless `opts` says otherwise. */
  context(opts?: BrowserContextOptions): Promise<BrowserContext>;
  /** A full-page screenshot, `<prefix><nn>-<name>.png`. */
  snap(page: Page, name: string): Promise<void>;
  /** The path of a file of this test in the artifact folder (`<prefix><file>`). */
  artifact(file: string): string;
  close(): Promise<void>;
}

/** Launch Chromium for one test file; its artifacts in `.test-artifacts/<folder>/`, its earlier ones (`prefix…`) removed. */
export async function launchChromium(folder: string, { prefix = '' }: { prefix?: string } = {}): Promise<Chromium> {
  const dir = path.resolve(import.meta.dirname, '../../.test-artifacts', folder);
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(dir)) if (f.startsWith(prefix)) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  let shot = 0;
  const artifact = (file: string) => path.join(dir, `${prefix}${file}`);
  return {
    browser,
    context: (opts = {}) => browser.newContext({ locale: 'ko-KR', viewport: { width: 1400, height: 1000 }, acceptDownloads: true, ...opts }),
    snap: async (page, name) => {
      shot += 1;
      await page.screenshot({ path: artifact(`${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
    },
    artifact,
    close: () => browser.close(),
  };
}

/** Give a browser context the cookies of a test's HTTP client (e.g. a portal session). */
export async function addCookies(ctx: BrowserContext, url: string, cookies: Map<string, string>): Promise<void> {
  const domain = new URL(url).hostname;
  await ctx.addCookies([...cookies].map(([name, value]) => ({ name, value, domain, path: '/' })));
}

/**
 * Steps as subtests of `t`, so the report names the one that broke; after a failure the later steps are skipped.
 * `step(name, fn)` returns the subtest's promise.
 */
export function stepsOf(t: TestContext): (name: string, fn: () => Promise<void>) => Promise<void> {
  let broken: string | undefined;
  return (name, fn) =>
    t.test(name, broken ? { skip: `an earlier step failed: ${broken}` } : {}, async () => {
      try {
        await fn();
      } catch (err) {
        broken = name;
        throw err;
      }
    });
}
