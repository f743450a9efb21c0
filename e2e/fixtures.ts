/**
 * The e2e fixtures: per spec file, a browser-mode server on a random port with a temp user-data dir and one
 * headless Chromium; per test, a fresh page on the app and a `screenshot(name)` that keeps PNGs under
 * `test-results/screenshots/<spec>/`. An uncaught exception in the page fails the test.
 * Use `describeE2E` (skips, with the printed reason, where Chromium is missing) and `test` from here.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe, test as base } from 'vitest';
import { startBrowserServer, type BrowserServer } from '../electron/browser-server';
import { ROOT, TEST_RENDERER_DIR } from '../scripts/build-app';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissing } from './chromium';
import { waitForApp } from './helpers/app-page';

export { chromiumMissing } from './chromium';

/** The app under test: the running server and its folders. */
export interface AppUnderTest {
  server: BrowserServer;
  /** The URL with the token. */
  url: string;
  /** The host's user data dir (recent files, autosave). */
  userDataDir: string;
  /** Where relative document paths resolve; empty at the start of each spec file. */
  docsDir: string;
}

interface Fixtures {
  app: AppUnderTest;
  browser: Browser;
  page: Page;
  /** Saves a full-page PNG of the current page; returns its path. */
  screenshot: (name: string) => Promise<string>;
}

export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'screenshots');

if (chromiumMissing) console.log(`e2e: skipped: ${chromiumMissing}`);

/** `describe` that skips (with the reason printed above) where Chromium is missing. */
export const describeE2E = describe.skipIf(chromiumMissing !== null);

/** `test` with the e2e fixtures. */
export const test = base.extend<Fixtures>({
  browser: [
    async ({}, use) => {
      const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      await use(browser);
      await browser.close();
    },
    { scope: 'file' },
  ],
  app: [
    async ({}, use) => {
      const dir = await mkdtemp(join(tmpdir(), 'layerloom-e2e-'));
      const docsDir = join(dir, 'docs');
      await mkdir(docsDir);
      const server = await startBrowserServer({
        rendererDir: TEST_RENDERER_DIR,
        userDataDir: join(dir, 'user'),
        documentsDir: docsDir,
        // Specs that compile exported code keep it under test-results/ (node_modules resolves from there).
        allowedRoots: [docsDir, join(ROOT, 'test-results')],
        version: 'e2e',
      });
      await use({ server, url: server.url, userDataDir: join(dir, 'user'), docsDir });
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
    { scope: 'file' },
  ],
  page: async ({ browser, app }, use) => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.stack ?? err.message));
    await page.goto(app.url);
    await waitForApp(page);
    await use(page);
    await context.close();
    if (errors.length) throw new Error(`uncaught exception in the page:\n${errors.join('\n')}`);
  },
  screenshot: async ({ page, task }, use) => {
    const dir = join(SCREENSHOT_DIR, basename(task.file.name).replace(/\.spec\.ts$/, ''));
    await mkdir(dir, { recursive: true });
    let n = 0;
    await use(async (name) => {
      const file = join(dir, `${String(++n).padStart(2, '0')}-${name.replace(/[^\w.-]+/g, '-')}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    });
  },
});
