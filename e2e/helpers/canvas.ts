/**
 * Page helpers for the editor (like excalidraw's tests/helpers): drive the canvas the way a user does (drag from
 * the palette, draw wires between handles) and read what is on screen. Specs stay short and readable.
 */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/** The document as the test hook reports it (only the fields specs read). */
export interface DocView {
  name: string;
  nodes: { id: string; type: string; name: string; params: Record<string, unknown>; position: { x: number; y: number }; collapsed?: boolean }[];
  edges: { id: string; source: { node: string; port: string }; target: { node: string; port: string } }[];
  [key: string]: unknown;
}

/** What specs reach in the page (the renderer's `window.__layerloom`; this tsconfig has no DOM types). */
interface HookGlobal {
  __layerloom: {
    getDocument(): DocView;
    getAnalysis(): Promise<AnalysisView>;
    whenAnalyzed(): Promise<void>;
    loadDocument(doc: unknown): void;
    dispatch(cmd: unknown): boolean;
    focus(id: string): void;
  };
  requestAnimationFrame(cb: () => void): number;
}

/** The analysis fields specs read. */
export interface AnalysisView {
  totals: { params: number };
  nodes: Record<string, { outputShape: number[] | null }>;
  edges: Record<string, { shape: number[] | null }>;
  diagnostics: { severity: string; code: string; nodeId?: string; message: string }[];
  valid: boolean;
}

async function center(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('element is not visible');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Helpers bound to one page. */
export function editor(page: Page) {
  const api = {
    /** The current document, from `window.__layerloom`. */
    document: () => page.evaluate(() => (globalThis as unknown as HookGlobal).__layerloom.getDocument()) as Promise<DocView>,
    /** The analysis once it describes the current document. */
    analysis: () => page.evaluate(() => (globalThis as unknown as HookGlobal).__layerloom.getAnalysis()) as Promise<AnalysisView>,
    /** Loads a document through the test hook and waits for its analysis and layout on screen. */
    async load(doc: unknown): Promise<void> {
      await page.evaluate((d) => (globalThis as unknown as HookGlobal).__layerloom.loadDocument(d), doc);
      await api.settled();
      await page.waitForTimeout(300); // the fit-view animation
    },
    /** Waits until the canvas viewport stops moving (a fit-view animation has ended): its transform is the same two polls running. */
    async viewSettled(): Promise<void> {
      const viewport = page.locator('.react-flow__viewport');
      let last: string | null = null;
      await expect.poll(async () => {
        const now = await viewport.getAttribute('style');
        const still = now === last;
        last = now;
        return still;
      }, { timeout: 10_000, interval: 150 }).toBe(true);
    },
    /** Waits for the editor and its test hook. */
    async ready(): Promise<void> {
      await page.waitForSelector('.ll-app');
      await page.waitForFunction(() => !!(globalThis as unknown as HookGlobal).__layerloom);
    },
    /** Drags a block from the palette onto the canvas at `at` (pane coordinates); returns the new node's id. */
    async dropBlock(type: string, at: { x: number; y: number }): Promise<string> {
      const before = new Set((await api.document()).nodes.map((n) => n.id));
      const pane = page.locator('.react-flow__pane');
      await page.getByTestId(`palette-${type}`).dragTo(pane, { targetPosition: at });
      await page.waitForFunction((n) => (globalThis as unknown as HookGlobal).__layerloom.getDocument().nodes.length > n, before.size);
      const added = (await api.document()).nodes.find((n) => !before.has(n.id));
      if (!added) throw new Error(`dropping ${type} added no node`);
      return added.id;
    },
    /** The node's box on screen. */
    node: (id: string) => page.getByTestId(`node-${id}`),
    /** Draws a wire from `source`'s output to `target`'s input port with the mouse. */
    async connect(source: string, target: string, port = 'in'): Promise<void> {
      const from = await center(page.locator(`.react-flow__handle.source[data-nodeid="${source}"][data-handleid="out"]`));
      const to = await center(page.locator(`.react-flow__handle.target[data-nodeid="${target}"][data-handleid="${port}"]`));
      await page.mouse.move(from.x, from.y);
      await page.mouse.down();
      await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 5 });
      await page.mouse.move(to.x, to.y, { steps: 5 });
      await page.mouse.up();
    },
    /** The output shape a node shows, e.g. `13×13×32`. */
    shapeOf: (id: string) => page.getByTestId(`node-${id}`).getByTestId('node-shape').innerText(),
    /** The shape label on an edge. */
    edgeLabel: (edgeId: string) => page.getByTestId(`edge-label-${edgeId}`).innerText(),
    /** Brings a node into view (and selects it), then waits for the pan animation. */
    async focus(id: string): Promise<void> {
      await page.evaluate((i) => (globalThis as unknown as HookGlobal).__layerloom.focus(i), id);
      await page.waitForTimeout(450);
    },
    /** Selects a node by clicking its header. */
    async select(id: string): Promise<void> {
      await page.getByTestId(`node-${id}`).locator('.ll-node__name').click();
    },
    /** Sets a parameter in the inspector by typing. */
    async setParam(key: string, text: string): Promise<void> {
      const input = page.getByTestId(`param-${key}`);
      await input.fill(text);
    },
    /** Opens the template gallery and starts from a template. */
    async loadTemplate(name: string): Promise<void> {
      await page.getByTestId('open-gallery').click();
      await page.getByTestId(`template-${name}`).click();
      await page.waitForFunction(() => (globalThis as unknown as HookGlobal).__layerloom.getDocument().nodes.length > 0);
    },
    /** Waits until the analysis matches the document, then a frame for React to paint it. */
    async settled(): Promise<void> {
      await page.evaluate(() => (globalThis as unknown as HookGlobal).__layerloom.whenAnalyzed());
      await page.evaluate(() => new Promise<void>((r) => (globalThis as unknown as HookGlobal).requestAnimationFrame(() => (globalThis as unknown as HookGlobal).requestAnimationFrame(() => r()))));
    },
    /** The total parameter count shown in the status bar. */
    totalParams: () => page.getByTestId('status-params').innerText(),
  };
  return api;
}

/** The helper object's type. */
export type Editor = ReturnType<typeof editor>;
