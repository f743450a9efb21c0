import { expect } from 'vitest';
import { describeE2E, test } from './fixtures';
import { getDocument, hostCall, waitForApp } from './helpers/app-page';

describeE2E('smoke: the app in browser mode', () => {
  test('loads with its title, canvas and a browser-mode host', async ({ page, screenshot }) => {
    expect(await page.title()).toMatch(/LayerLoom/);
    await expect(page.locator('.react-flow').first().isVisible()).resolves.toBe(true);
    const info = await hostCall<{ mode: string; nativeDialogs: boolean }>(page, 'appInfo');
    expect(info).toMatchObject({ mode: 'browser', nativeDialogs: false });
    const doc = await getDocument<{ format: string; version: number }>(page);
    expect(doc).toMatchObject({ format: 'layerloom.design', version: 2 });
    await screenshot('loaded');
  });

  test('loads without console errors or warnings (CSP violations, failed requests)', async ({ app, browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const messages: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') messages.push(`${m.type()}: ${m.text()}`);
    });
    await page.goto(app.url);
    await waitForApp(page);
    await page.waitForTimeout(1000);
    await context.close();
    expect(messages).toEqual([]);
  });

  test('refuses API calls without the token from inside the page', async ({ page }) => {
    const status = await page.evaluate(async () => (await fetch('/api/appInfo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status);
    expect(status).toBe(401);
  });

  test('the Content-Security-Policy blocks inline script', async ({ page }) => {
    await page.addScriptTag({ content: 'globalThis.__inlineRan = true' }).catch(() => undefined);
    expect(await page.evaluate(() => (globalThis as { __inlineRan?: boolean }).__inlineRan === true)).toBe(false);
  });
});
