// Page-driving helpers shared by the UI benchmarks (bench:ui, bench:code): loading a design through the test
// hook, recording requestAnimationFrame deltas while an action runs, panning the canvas and dragging a node with
// the mouse, and the summary statistics they print. Browser-side code runs in the page (`globalThis` is its window).

/** Median, p95 and max of `values`. */
export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
}

/** One line of statistics. */
export const fmt = (s) => `median ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(1)} ms (n=${s.n})`;

/** Replaces the document through the test hook and waits for its analysis and first paints. */
export async function load(page, doc) {
  await page.evaluate(async (d) => {
    globalThis.__layerloom.loadDocument(d);
    await globalThis.__layerloom.whenAnalyzed();
  }, doc);
  await page.waitForTimeout(800); // fit-view animation and first paints
}

/** Records rAF deltas in the page while `action` runs. */
export async function frames(page, action) {
  await page.evaluate(() => {
    const rec = { deltas: [], last: performance.now(), on: true };
    globalThis.__benchFrames = rec;
    const tick = (t) => {
      rec.deltas.push(t - rec.last);
      rec.last = t;
      if (rec.on) requestAnimationFrame(tick);
    };
    requestAnimationFrame((t) => { rec.last = t; requestAnimationFrame(tick); });
  });
  await action();
  return page.evaluate(() => {
    globalThis.__benchFrames.on = false;
    return globalThis.__benchFrames.deltas;
  });
}

/** A point on the empty pane (not on a node or edge), for panning. */
export async function emptyPanePoint(page) {
  const point = await page.evaluate(() => {
    const pane = document.querySelector('.react-flow__pane').getBoundingClientRect();
    for (let y = pane.top + 40; y < pane.bottom - 40; y += 17) {
      for (let x = pane.left + 40; x < pane.right - 300; x += 23) {
        if (document.elementFromPoint(x, y)?.classList.contains('react-flow__pane')) return { x, y };
      }
    }
    return null;
  });
  if (!point) throw new Error('no empty spot on the canvas to pan from');
  return point;
}

/** Frames while panning the canvas in a wobbly path. */
export async function pan(page) {
  const start = await emptyPanePoint(page);
  return frames(page, async () => {
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    for (let i = 1; i <= 120; i++) {
      await page.mouse.move(start.x + 250 * Math.sin(i / 19), start.y + 150 * Math.sin(i / 13));
      await page.waitForTimeout(8);
    }
    await page.mouse.up();
  });
}

/**
 * Frames while dragging a node by its head (`handle`: a locator; default the second node on the canvas) along a
 * wobbly path of amplitude `dx`×`dy`; `closed` makes the path end where it started (the node returns home).
 */
export async function drag(page, handle = page.locator('.react-flow__node .ll-node__head').nth(1), { dx = 200, dy = 120, closed = false } = {}) {
  const box = await handle.boundingBox();
  if (!box) throw new Error('no visible node to drag');
  const start = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  return frames(page, async () => {
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    for (let i = 1; i <= 120; i++) {
      const [ax, ay] = closed ? [(2 * Math.PI * i) / 120, (4 * Math.PI * i) / 120] : [i / 17, i / 11];
      await page.mouse.move(start.x + dx * Math.sin(ax), start.y + dy * Math.sin(ay));
      await page.waitForTimeout(8);
    }
    await page.mouse.up();
  });
}

