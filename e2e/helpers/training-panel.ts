/** Page helpers for the training panel specs: open it, set a setting, start a run and wait for its phases. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { hostCall } from './app-page';
import { editor } from './canvas';

/** The training panel as a spec drives it. */
export function trainingPanel(page: Page) {
  const api = {
    async open(): Promise<void> {
      if (!(await page.getByTestId('training-panel').isVisible().catch(() => false))) await page.getByTestId('toggle-training').click();
      await page.getByTestId('training-panel').waitFor();
    },
    async tab(name: 'setup' | 'curves' | 'results' | 'history'): Promise<void> {
      await page.getByTestId(`train-tab-${name}`).click();
    },
    /** Loads a template, opens the panel and types the given settings (field test id → value) as a user would. */
    async prepare(template: string, settings: Record<string, string> = {}): Promise<void> {
      const ed = editor(page);
      await ed.loadTemplate(template);
      await ed.settled();
      await api.open();
      for (const [testId, value] of Object.entries(settings)) await api.setField(testId, value);
    },
    /** Types a value into a settings field (by test id) as a user would. */
    async setField(testId: string, value: string): Promise<void> {
      await api.tab('setup');
      const input = page.getByTestId(testId);
      await input.fill(value);
      await input.blur();
    },
    /** The phase badge's text (textContent: the badge capitalizes it on screen). */
    phase: async () => (await page.getByTestId('train-phase').textContent()) ?? '',
    async waitPhase(re: RegExp, timeout = 120_000): Promise<void> {
      await expect.poll(() => api.phase(), { timeout, interval: 250 }).toMatch(re);
    },
    /** Batch points on the loss chart (its caption counts them). */
    points: async () => Number((await page.getByTestId('train-points').innerText()).replace(/[^\d]/g, '')),
    async waitPoints(atLeast: number, timeout = 90_000): Promise<number> {
      await expect.poll(() => api.points(), { timeout, interval: 200 }).toBeGreaterThanOrEqual(atLeast);
      return api.points();
    },
    /** Stops the live run and waits until the worker reports it stopped. */
    async stop(): Promise<void> {
      await page.getByTestId('train-stop').click();
      await api.waitPhase(/^stopped$/);
    },
    async start(): Promise<void> {
      await page.getByTestId('train-start').click();
    },
    /** The host's view of the live run (worker pid, events so far). */
    status: () => hostCall<{ running: boolean; runId: string | null; workerPid: number | null; events: Array<{ type: string; loss?: Array<number | null> }> }>(page, 'trainingStatus'),
  };
  return api;
}
