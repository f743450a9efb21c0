/**
 * The Electron shell, driven by Playwright's `_electron` where the binary exists (the `electron` package with
 * its downloaded binary, or ELECTRON_OVERRIDE_DIST_PATH). Elsewhere it skips and prints why.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHost, findElectron, ROOT } from '../scripts/build-app';

const electron = findElectron();
if (electron.reason) console.log(`e2e/electron.spec.ts skipped: ${electron.reason}`);

interface PageGlobals {
  layerloom?: { invoke(channel: string, request: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }> };
  require?: unknown;
  process?: unknown;
  location: { href: string };
  open(url: string): unknown;
}

describe.skipIf(!electron.path)('Electron shell', () => {
  let app: ElectronApplication;
  let page: Page;
  let userData: string;

  beforeAll(async () => {
    const { main } = await buildHost();
    userData = await mkdtemp(join(tmpdir(), 'layerloom-electron-'));
    const args = [main];
    if (process.platform === 'linux' && process.getuid?.() === 0) args.unshift('--no-sandbox');
    app = await _electron.launch({ executablePath: electron.path!, args, cwd: ROOT, env: { ...process.env, LAYERLOOM_USER_DATA: userData } });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });
  afterAll(async () => {
    await app?.close();
    if (userData) await rm(userData, { recursive: true, force: true });
  });

  it('serves the renderer from app:// with isolation, and no Node in the page', async () => {
    expect(page.url()).toMatch(/^app:\/\/layerloom\//);
    expect(await page.title()).toMatch(/LayerLoom/);
    const globals = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      return { bridge: typeof g.layerloom, keys: Object.keys(g.layerloom ?? {}).sort(), require: typeof g.require, process: typeof g.process };
    });
    // The preload exposes the typed API only (preload-bridge.test.ts checks the same without the binary).
    expect(globals).toEqual({ bridge: 'object', keys: ['invoke', 'on'], require: 'undefined', process: 'undefined' });
  });

  it('answers host calls over IPC and validates them in main', async () => {
    const info = await page.evaluate(() => (globalThis as unknown as PageGlobals).layerloom!.invoke('appInfo', {}));
    expect(info).toMatchObject({ ok: true, value: { mode: 'electron', nativeDialogs: true } });
    const bad = await page.evaluate(() => (globalThis as unknown as PageGlobals).layerloom!.invoke('readDocument', { path: 42 }));
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it('blocks navigation and new windows', async () => {
    const before = page.url();
    await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      g.open('https://example.com/');
      g.location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    expect(app.windows()).toHaveLength(1);
  });

  it('has File, Edit, View and Help menus', async () => {
    const labels = await app.evaluate(({ Menu }) => Menu.getApplicationMenu()?.items.map((i) => i.label.replace('&', '')) ?? []);
    expect(labels).toEqual(expect.arrayContaining(['File', 'Edit', 'View', 'Help']));
  });
});
