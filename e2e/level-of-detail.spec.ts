/**
 * Level of detail (renderer/src/canvas/detail.ts): a 1,000-node design at fit view draws every node as a plain
 * coloured box (no text, no visible ports, no wire labels); zoomed back in, names, shapes and ports return. The box
 * keeps its size across the switch, and selecting and dragging still work on the simple form.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { describeE2E, test } from './fixtures';
import { residualChain } from './helpers/big-design';
import { editor } from './helpers/canvas';

/** What the page functions below read (this tsconfig has no DOM types). */
type El = { getBoundingClientRect(): { width: number; height: number }; querySelectorAll(s: string): ArrayLike<El>; className: string };
type Globals = {
  document: { querySelector(s: string): El | null; querySelectorAll(s: string): ArrayLike<El>; documentElement: { dataset: { theme?: string } } };
  getComputedStyle(el: El): { visibility: string; transform: string };
  DOMMatrixReadOnly: new (t: string) => { a: number };
};

/** The canvas zoom, read from React Flow's viewport transform. */
function zoom(page: Page): Promise<number> {
  return page.evaluate(() => {
    const g = globalThis as unknown as Globals;
    return new g.DOMMatrixReadOnly(g.getComputedStyle(g.document.querySelector('.react-flow__viewport')!).transform).a;
  });
}

/** How a node is drawn: its classes, its box in flow units, whether its text is there and its ports are visible. */
async function nodeView(page: Page, id: string) {
  const z = await zoom(page);
  return page.evaluate(
    ([nodeId, z]) => {
      const g = globalThis as unknown as Globals;
      const el = g.document.querySelector(`[data-testid="node-${nodeId}"]`)!;
      const box = el.getBoundingClientRect();
      const handles = Array.from(el.querySelectorAll('.react-flow__handle'));
      return {
        simple: el.className.includes('is-simple'),
        size: [Math.round(box.width / z), Math.round(box.height / z)],
        text: el.querySelectorAll('.ll-node__name, [data-testid="node-shape"]').length,
        handles: handles.length,
        visibleHandles: handles.filter((h) => g.getComputedStyle(h).visibility === 'visible').length,
      };
    },
    [id, z] as const,
  );
}

describeE2E('canvas level of detail', () => {
  test('a 1,000-node design at fit view draws simple boxes; zoomed in, text and ports return', async ({ page, screenshot }) => {
    const ed = editor(page);
    const doc = residualChain();
    await ed.load(doc);
    await ed.settled();
    await page.locator('.react-flow__node-block').first().waitFor();
    await page.waitForTimeout(400); // the opening fit animation
    // Loaded, a big design opens at a readable zoom: full nodes with names, shapes, ports and wire labels.
    expect(await zoom(page)).toBeGreaterThanOrEqual(0.4);
    const shown = (await page.locator('.react-flow__node-block').first().getAttribute('data-id'))!;
    const near = await nodeView(page, shown);
    expect(near).toMatchObject({ simple: false, text: 2, handles: 2, visibleHandles: 2 });
    expect(await ed.shapeOf(shown)).toMatch(/^\d+×\d+×16$/);
    expect(await page.locator('.ll-edge-label').count()).toBeGreaterThan(10);

    await page.getByTestId('fit-view').click();
    await page.waitForFunction(() => (globalThis as unknown as Globals).document.querySelector('.ll-canvas.is-zoomed-out') !== null);
    // The fit animation and the mounting of the nodes that come on screen take a few frames (more on a loaded machine).
    await expect.poll(() => zoom(page), { timeout: 10_000 }).toBeLessThan(0.1);
    // Every node is on screen, all in the simple form: no text anywhere on the canvas, no wire labels, ports hidden.
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 10_000 }).toBe(doc.nodes.length);
    await expect.poll(() => page.locator('.ll-node.is-simple').count(), { timeout: 10_000 }).toBe(doc.nodes.length);
    expect(await page.locator('.react-flow__node .ll-node__name, .react-flow__node [data-testid="node-shape"]').count()).toBe(0);
    expect(await page.locator('.ll-edge-label').count()).toBe(0);
    const far = await nodeView(page, 'n1');
    expect(far).toMatchObject({ simple: true, text: 0, handles: 2, visibleHandles: 0 });
    // Same box as the full node (wires keep their anchors), and the wires are still drawn.
    expect(far.size).toEqual(near.size);
    expect(await page.locator('.react-flow__edge').count()).toBe(doc.edges.length);
    await screenshot('fit-view-simple');
    await page.getByTestId('toggle-theme').click();
    await screenshot('fit-view-simple-other-theme');
    await page.getByTestId('toggle-theme').click();

    // Selecting and dragging work on the simple form.
    await ed.node('n500').click();
    await expect.poll(() => page.locator('.ll-node.is-simple.is-selected').count()).toBe(1);
    const before = (await ed.document()).nodes.find((n) => n.id === 'n500')!.position;
    const box = (await ed.node('n500').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 30, box.y + box.height / 2 + 20, { steps: 6 });
    await page.mouse.up();
    const after = (await ed.document()).nodes.find((n) => n.id === 'n500')!.position;
    // 30 screen pixels at a zoom under 0.1 are more than 300 flow units.
    expect(after.x - before.x).toBeGreaterThan(300);
    expect(after.y - before.y).toBeGreaterThan(200);

    // Zoom in with the mouse wheel over that node until the detail threshold is crossed: text and ports return.
    const at = (await ed.node('n500').boundingBox())!;
    for (let i = 0; i < 40 && (await zoom(page)) < 0.6; i++) {
      await page.mouse.move(at.x + at.width / 2, at.y + at.height / 2);
      await page.mouse.wheel(0, -200);
      await page.waitForTimeout(60);
    }
    await ed.settled();
    expect(await zoom(page)).toBeGreaterThanOrEqual(0.4);
    await expect.poll(() => page.locator('.ll-canvas.is-zoomed-out').count()).toBe(0);
    const back = await nodeView(page, 'n500');
    expect(back).toMatchObject({ simple: false, text: 2, handles: 2, visibleHandles: 2 });
    expect(back.size).toEqual(near.size);
    expect(await ed.shapeOf('n500')).toMatch(/^\d+×\d+×\d+$/);
    await expect.poll(() => page.locator('.ll-edge-label').count()).toBeGreaterThan(0);
    await screenshot('zoomed-in-detail');
  });
});
