/**
 * Page helpers every spec shares (excalidraw `tests/helpers` style): waiting for the editor and going
 * through its test hook (`window.__layerloom`, see renderer/src/test-hook.ts). Feature helpers
 * (`canvas.dropBlock('Conv2D')`, ...) live beside this file and build on it.
 */
import type { Page } from 'playwright-core';

/** The test hook as seen from page functions (they run in the page: `globalThis` is its window). */
interface PageGlobals {
  __layerloom?: { loadDocument(doc: unknown): void; whenAnalyzed(): Promise<void>; getDocument(): unknown };
  location: { search: string };
}

/**
 * Waits until the editor has mounted: the canvas is on screen and (in the test build) the test hook is
 * installed. `{ hook: false }` for the app build that `npm start` serves, which has no hook.
 */
export async function waitForApp(page: Page, timeoutMs = 30_000, options: { hook?: boolean } = {}): Promise<void> {
  if (options.hook !== false) await page.waitForFunction(() => Boolean((globalThis as unknown as PageGlobals).__layerloom), undefined, { timeout: timeoutMs });
  await page.locator('.react-flow').first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Loads a design document into the editor and waits until its analysis is on screen. */
export async function loadDocument(page: Page, doc: unknown): Promise<void> {
  await page.evaluate(async (d) => {
    const hook = (globalThis as unknown as PageGlobals).__layerloom!;
    hook.loadDocument(d);
    await hook.whenAnalyzed();
  }, doc);
}

/** The editor's current document (as the engine sees it). */
export async function getDocument<T = unknown>(page: Page): Promise<T> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__layerloom!.getDocument()) as Promise<T>;
}

/** Calls a host channel from inside the page over the same HTTP API (and token) the app's host client uses. */
export async function hostCall<T = unknown>(page: Page, channel: string, request: unknown = {}): Promise<T> {
  return page.evaluate(async ([c, r]) => {
    const token = new URLSearchParams((globalThis as unknown as PageGlobals).location.search).get('token') ?? '';
    const res = await fetch(`/api/${c}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-layerloom-token': token }, body: JSON.stringify(r) });
    const body = (await res.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
    if (!body.ok) throw new Error(`${c}: ${body.error?.message}`);
    return body.value;
  }, [channel, request] as const) as Promise<T>;
}
