/**
 * Keyboard-first editing, as a user does it: a small CNN built with the keyboard only (quick-add palette, Enter to
 * edit a parameter, arrows along the wires), Delete that reconnects the neighbours, undo, and the shortcuts sheet.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { describeE2E, test } from './fixtures';
import { editor } from './helpers/canvas';

type Hook = { document: { activeElement: { getAttribute(n: string): string | null } | null; documentElement: { dataset: { theme?: string } } } };
/** The `data-testid` of the focused element. */
const focused = (page: Page) => page.evaluate(() => (globalThis as unknown as Hook).document.activeElement?.getAttribute('data-testid') ?? null);
const selected = (page: Page) => page.locator('.react-flow__node.selected').getAttribute('data-id');

/** A node and a wire of a design document loaded through the test hook (a vertical chain at x = 0). */
const n = (id: string, type: string, y: number, params = {}) => ({ id, type, name: id, params, position: { x: 0, y } });
const e = (id: string, s: string, t: string) => ({ id, source: { node: s, port: 'out' }, target: { node: t, port: 'in' } });
/** A version-2 design document of these nodes and wires. */
const design = (nodes: ReturnType<typeof n>[], edges: ReturnType<typeof e>[]) => ({ format: 'layerloom.design', version: 2, nodes, edges });

/** Opens the quick-add palette with `key`, types `query` and presses Enter on the first (or `down`-th next) match. */
async function quickAdd(page: Page, query: string, key = '/', down = 0): Promise<void> {
  await page.keyboard.press(key);
  await page.getByTestId('quick-add-input').waitFor();
  await page.keyboard.type(query);
  for (let i = 0; i < down; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.getByTestId('quick-add').waitFor({ state: 'detached' });
}

/** Enter edits the selected node's first parameter; types `text` over it and goes back to the canvas with Escape. */
async function editFirst(page: Page, param: string, text: string): Promise<void> {
  await page.keyboard.press('Enter');
  await page.waitForFunction((p) => (globalThis as unknown as Hook).document.activeElement?.getAttribute('data-testid') === `param-${p}`, param);
  await page.keyboard.type(text);
  await page.keyboard.press('Escape');
  expect(await focused(page)).not.toBe(`param-${param}`);
}

describeE2E('keyboard-first editing', () => {
  test('build Input -> Conv2D -> MaxPool2D -> Flatten -> Dense -> Output with the keyboard only', async ({ page, screenshot }) => {
    const ed = editor(page);
    await page.locator('body').click({ position: { x: 5, y: 5 } }).catch(() => undefined);
    await quickAdd(page, 'input');
    await page.keyboard.press('Space');
    await page.keyboard.type('conv');
    // "conv" offers Conv2D first; the hint says where it goes.
    await expect(page.getByTestId('quick-add').locator('[role="option"]').first().getAttribute('data-testid')).resolves.toBe('quick-add-Conv2D');
    await expect(page.getByTestId('quick-add-hint').innerText()).resolves.toContain('after input');
    await screenshot('quick-add-open');
    await page.keyboard.press('Enter');
    await editFirst(page, 'filters', '16');
    await quickAdd(page, 'maxpool');
    await quickAdd(page, 'flatten');
    await quickAdd(page, 'dense', 'Space');
    await editFirst(page, 'units', '10');
    await quickAdd(page, 'output');
    await ed.settled();
    // The new block is brought into view (it was added below the bottom of the canvas).
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    await expect.poll(async () => {
      const b = await page.locator('.react-flow__node.selected').boundingBox();
      return !!b && b.y >= canvas.y && b.y + b.height <= canvas.y + canvas.height;
    }, { timeout: 3000 }).toBe(true);
    await screenshot('built');

    let doc = await ed.document();
    expect(doc.nodes.map((n) => n.type)).toEqual(['Input', 'Conv2D', 'MaxPool2D', 'Flatten', 'Dense', 'Output']);
    const ids = doc.nodes.map((n) => n.id);
    expect(doc.edges.map((e) => [e.source.node, e.target.node])).toEqual(ids.slice(1).map((id, i) => [ids[i], id]));
    expect(doc.nodes[1].params.filters).toBe(16);
    expect(doc.nodes[4].params.units).toBe(10);
    expect((await ed.analysis()).valid).toBe(true);
    expect(await ed.shapeOf(ids[4])).toBe('10');

    // Arrows walk the wires: up three times from Output reaches MaxPool2D, down once is Flatten.
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowUp');
    await expect.poll(() => selected(page)).toBe(ids[2]);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => selected(page)).toBe(ids[3]);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => selected(page)).toBe(ids[1]);

    // Insert BatchNorm after Conv2D: it goes on the wire, one undo step.
    await quickAdd(page, 'batchnorm');
    doc = await ed.document();
    const bn = doc.nodes.find((n) => n.type === 'BatchNormalization')!;
    expect(bn).toBeDefined();
    expect(doc.edges.filter((e) => e.source.node === ids[1]).map((e) => e.target.node)).toEqual([bn.id]);
    expect(doc.edges.filter((e) => e.source.node === bn.id).map((e) => e.target.node)).toEqual([ids[2]]);
    await ed.settled();
    await screenshot('inserted-batchnorm');

    // Delete on it (one input, one output) reconnects Conv2D to MaxPool2D.
    await page.keyboard.press('Delete');
    doc = await ed.document();
    expect(doc.nodes.map((n) => n.type)).toEqual(['Input', 'Conv2D', 'MaxPool2D', 'Flatten', 'Dense', 'Output']);
    expect(doc.edges.map((e) => [e.source.node, e.target.node])).toEqual(ids.slice(1).map((id, i) => [ids[i], id]));
    await expect.poll(() => selected(page)).toBe(ids[2]);
    // Undo brings BatchNorm back with its wires; a second undo removes the insertion as a whole.
    await page.keyboard.press('Control+z');
    expect((await ed.document()).nodes.some((n) => n.id === bn.id)).toBe(true);
    await page.keyboard.press('Control+z');
    doc = await ed.document();
    expect(doc.nodes.some((n) => n.id === bn.id)).toBe(false);
    expect(doc.edges.map((e) => [e.source.node, e.target.node])).toEqual(ids.slice(1).map((id, i) => [ids[i], id]));

    // A block focused with the keyboard (Tab reaches the canvas nodes) is the one Enter edits.
    await page.locator(`.react-flow__node[data-id="${ids[4]}"]`).focus();
    await editFirst(page, 'units', '12');
    expect((await ed.document()).nodes.find((n) => n.id === ids[4])!.params.units).toBe(12);

    // Escape closes the palette without adding anything.
    const before = doc.nodes.length;
    await page.keyboard.press('/');
    await page.keyboard.type('conv');
    await page.keyboard.press('Escape');
    await page.getByTestId('quick-add').waitFor({ state: 'detached' });
    expect((await ed.document()).nodes).toHaveLength(before);
  });

  test("the design's own blocks are offered by name and inserted as linked uses", async ({ page, screenshot }) => {
    const ed = editor(page);
    await ed.load(design(
      [n('in', 'Input', 0, { shape: [16, 16, 3] }), n('c1', 'Conv2D', 150, { filters: 8, padding: 'same' }), n('bn', 'BatchNormalization', 300), n('out', 'Output', 450)],
      [e('e1', 'in', 'c1'), e('e2', 'c1', 'bn'), e('e3', 'bn', 'out')],
    ));
    await page.evaluate(() => (globalThis as unknown as { __layerloom: { dispatch(c: unknown): boolean } }).__layerloom.dispatch({ kind: 'makeComposite', nodeIds: ['c1', 'bn'], name: 'conv_bn' }));
    let doc = await ed.document();
    const use = doc.nodes.find((x) => x.type === 'Composite')!;
    const definition = use.params.definition;
    await ed.select(use.id);
    await page.keyboard.press('/');
    await page.keyboard.type('conv_b');
    const first = page.getByTestId('quick-add').locator('[role="option"]').first();
    await expect(first.getAttribute('data-testid')).resolves.toBe(`quick-add-user-${definition}`);
    await expect(first.innerText()).resolves.toContain('your block');
    await screenshot('quick-add-user-block');
    await page.keyboard.press('Enter');
    await page.getByTestId('quick-add').waitFor({ state: 'detached' });
    doc = await ed.document();
    const uses = doc.nodes.filter((x) => x.type === 'Composite');
    expect(uses).toHaveLength(2);
    const added = uses.find((x) => x.id !== use.id)!;
    // A linked use of the same definition, named after it, wired after the selected block.
    expect(added.params.definition).toBe(definition);
    expect(added.name).toMatch(/^conv_bn/);
    expect(doc.edges.filter((x) => x.source.node === use.id).map((x) => x.target.node)).toEqual([added.id]);
    await ed.settled();
    expect((await ed.analysis()).valid).toBe(true);
  });

  test('Delete where the neighbours cannot be joined removes the node alone and says why', async ({ page, screenshot }) => {
    const ed = editor(page);
    // in -> conv -> add and in -> add: joining around conv would wire 'in' into 'add' twice.
    await ed.load(design(
      [n('in', 'Input', 0, { shape: [8, 8, 4] }), n('conv', 'Conv2D', 150, { filters: 4, padding: 'same' }), n('add', 'Add', 300), n('out', 'Output', 450)],
      [e('e1', 'in', 'conv'), e('e2', 'conv', 'add'), e('e3', 'in', 'add'), e('e4', 'add', 'out')],
    ));
    await ed.select('conv');
    await page.keyboard.press('Delete');
    const doc = await ed.document();
    expect(doc.nodes.map((x) => x.id)).toEqual(['in', 'add', 'out']);
    expect(doc.edges.map((x) => x.id)).toEqual(['e3', 'e4']);
    await expect(page.getByTestId('toast').innerText()).resolves.toMatch(/not reconnected: cannot reconnect around 'conv': 'in' is already connected to 'add'/);
    await screenshot('delete-not-bridged');
  });

  test('the shortcuts sheet lists every keyboard-editing key, in both themes', async ({ page, screenshot }) => {
    await page.keyboard.press('?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    const text = await sheet.innerText();
    for (const label of ['Quick-add a block', 'source / target along the wire', 'previous / next sibling', 'Edit the first parameter', 'reconnect its neighbours']) {
      expect(text).toContain(label);
    }
    await screenshot('shortcuts-sheet');
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });
    for (const theme of ['dark', 'light'] as const) {
      if ((await page.evaluate(() => (globalThis as unknown as Hook).document.documentElement.dataset.theme)) !== theme) await page.getByTestId('toggle-theme').click();
      await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
      await page.keyboard.press('/');
      await page.keyboard.type('pool');
      await page.keyboard.press('ArrowDown');
      await screenshot(`quick-add-${theme}`);
      await page.keyboard.press('Escape');
    }
  });
});
