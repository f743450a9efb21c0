/**
 * Page helpers for the code panel (renderer/src/panels/code): open it, switch tabs, read what Monaco shows,
 * find the highlighted lines and click a line by its text.
 */
import type { Page } from 'playwright-core';

/** The code panel of `page`. */
export function codePanel(page: Page) {
  const panel = page.getByTestId('code-panel');
  const api = {
    panel,
    /** Opens the panel from the top bar and waits for the TypeScript code. */
    async open(): Promise<void> {
      await page.getByTestId('toggle-code').click();
      await api.waitForCode();
    },
    /** Switches to a tab (`ts`, `keras`, `pytorch`, `train`) and waits for its code. */
    async tab(id: 'ts' | 'keras' | 'pytorch' | 'train'): Promise<void> {
      await page.getByTestId(`code-tab-${id}`).click();
      await page.locator(`[data-testid="code-body"][data-code-tab="${id}"]`).waitFor();
      await api.waitForCode();
    },
    /** Waits until Monaco shows lines. */
    async waitForCode(timeout = 20_000): Promise<void> {
      await panel.locator('.view-lines .view-line').first().waitFor({ timeout });
    },
    /** The whole generated text of the current tab (from Monaco's model, not only the rendered lines). */
    text: () => page.evaluate(() => {
      const m = (globalThis as unknown as { __layerloomCode?: () => string }).__layerloomCode;
      return m ? m() : '';
    }),
    /** The text of the lines Monaco renders right now (the visible part). */
    visibleText: () => panel.locator('.view-lines').innerText(),
    /** How many rendered lines carry the selection highlight. */
    highlightedCount: () => panel.locator('.view-overlays .ll-code__hl').count(),
    /**
     * The text of the rendered lines that carry the selection highlight (overlay and line matched by their top),
     * as one string with whitespace collapsed (Monaco wraps long lines over several rows).
     */
    highlightedText: () =>
      panel.evaluate((root) => {
        // Runs in the page: elements typed structurally (this file compiles without the DOM library).
        type El = { style: { top: string }; textContent: string | null; querySelector(s: string): unknown };
        const all = (sel: string) => [...(root as unknown as { querySelectorAll(s: string): Iterable<El> }).querySelectorAll(sel)];
        const tops = new Set(all('.view-overlays > div').filter((d) => d.querySelector('.ll-code__hl')).map((d) => d.style.top));
        return all('.view-lines > .view-line')
          .filter((l) => tops.has(l.style.top))
          .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
          .map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' '))
          .join(' ')
          .replace(/\s+/g, ' ');
      }),
    /** Clicks the first rendered line whose text contains `needle`. */
    async clickLine(needle: string): Promise<void> {
      await panel.locator('.view-lines .view-line', { hasText: needle }).first().click();
    },
  };
  return api;
}
