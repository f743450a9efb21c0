/**
 * Composites edited in place: a ResNet-18 Residual block opened as its own canvas (breadcrumb, inner shapes from
 * where it is used, an inner edit that changes the design's parameter count), a linked block used twice edited
 * for every use and then made unique, and one undo history across the design and the insides.
 */
import { expect } from 'vitest';
import { describeE2E, test } from './fixtures';
import { editor, type Editor } from './helpers/canvas';
import { codePanel } from './helpers/code-panel';
import type { Page } from 'playwright-core';

/** Input 8×8×3 → stem conv → a, b (two uses of one block: conv + relu) → Flatten → Dense → Output. */
const TWO_USES = {
  format: 'layerloom.design',
  version: 2,
  name: 'two uses',
  nodes: [
    { id: 'input', type: 'Input', name: 'input', params: { shape: [8, 8, 3] }, position: { x: 0, y: 0 } },
    { id: 'stem', type: 'Conv2D', name: 'stem', params: { filters: 4, kernelSize: [3, 3], padding: 'same' }, position: { x: 0, y: 120 } },
    { id: 'a', type: 'Composite', name: 'a', params: { definition: 'unit' }, position: { x: 0, y: 240 }, collapsed: true },
    { id: 'b', type: 'Composite', name: 'b', params: { definition: 'unit' }, position: { x: 0, y: 360 }, collapsed: true },
    { id: 'flatten', type: 'Flatten', name: 'flatten', params: {}, position: { x: 0, y: 480 } },
    { id: 'fc', type: 'Dense', name: 'fc', params: { units: 10, activation: 'softmax' }, position: { x: 0, y: 600 } },
    { id: 'output', type: 'Output', name: 'output', params: {}, position: { x: 0, y: 720 } },
  ],
  edges: [
    { id: 'e1', source: { node: 'input', port: 'out' }, target: { node: 'stem', port: 'in' } },
    { id: 'e2', source: { node: 'stem', port: 'out' }, target: { node: 'a', port: 'in' } },
    { id: 'e3', source: { node: 'a', port: 'out' }, target: { node: 'b', port: 'in' } },
    { id: 'e4', source: { node: 'b', port: 'out' }, target: { node: 'flatten', port: 'in' } },
    { id: 'e5', source: { node: 'flatten', port: 'out' }, target: { node: 'fc', port: 'in' } },
    { id: 'e6', source: { node: 'fc', port: 'out' }, target: { node: 'output', port: 'in' } },
  ],
  composites: [{
    id: 'unit',
    name: 'conv unit',
    nodes: [
      { id: 'inner_conv', type: 'Conv2D', name: 'inner_conv', params: { filters: 4, kernelSize: [3, 3], padding: 'same' }, position: { x: 0, y: 0 } },
      { id: 'inner_relu', type: 'Activation', name: 'inner_relu', params: { activation: 'relu' }, position: { x: 0, y: 120 } },
    ],
    edges: [{ id: 'ie1', source: { node: 'inner_conv', port: 'out' }, target: { node: 'inner_relu', port: 'in' } }],
    inputs: [{ name: 'in', node: 'inner_conv', port: 'in' }],
    output: { name: 'out', node: 'inner_relu', port: 'out' },
  }],
};

/** Input → stem → block `a` (conv → relu, and a relu whose output goes nowhere) → … ; `side` also goes nowhere. */
const BLOCK_PROBLEMS = {
  ...TWO_USES,
  name: 'block problems',
  nodes: [
    ...TWO_USES.nodes.filter((n) => n.id !== 'b'),
    { id: 'side', type: 'Activation', name: 'side', params: { activation: 'relu' }, position: { x: 300, y: 240 } },
  ],
  edges: [
    ...TWO_USES.edges.filter((e) => e.id !== 'e3' && e.id !== 'e4'),
    { id: 'e4', source: { node: 'a', port: 'out' }, target: { node: 'flatten', port: 'in' } },
    { id: 'e7', source: { node: 'stem', port: 'out' }, target: { node: 'side', port: 'in' } },
  ],
  composites: [{
    ...TWO_USES.composites[0],
    nodes: [
      ...TWO_USES.composites[0].nodes,
      { id: 'inner_side', type: 'Activation', name: 'inner_side', params: { activation: 'relu' }, position: { x: 250, y: 120 } },
    ],
    edges: [
      ...TWO_USES.composites[0].edges,
      { id: 'ie2', source: { node: 'inner_conv', port: 'out' }, target: { node: 'inner_side', port: 'in' } },
    ],
  }],
};

const digits = (text: string) => Number(text.replace(/\D/g, ''));

/** Opens composite `id` by double-clicking its header on the current canvas, and waits for the breadcrumb. */
async function open(page: Page, ed: Editor, id: string): Promise<void> {
  await ed.focus(id);
  await ed.node(id).locator('.ll-node__name').dblclick();
  await page.getByTestId(`crumb-${id}`).waitFor();
  await ed.settled();
  // The new canvas fits its view with an animation: screenshots wait for it to end.
  await ed.viewSettled();
}

/** Sets an inner layer's parameter through the inspector, as a user types it. */
async function setInner(page: Page, ed: Editor, node: string, key: string, value: string): Promise<void> {
  await ed.select(node);
  await ed.setParam(key, value);
  await page.getByTestId(`param-${key}`).press('Enter');
  await ed.settled();
}

describeE2E('composites edited in place', () => {
  test('a Residual block of ResNet-18 opens as its own canvas; an inner edit changes shapes in context and the parameter count', async ({ page, screenshot }) => {
    const ed = editor(page);
    await ed.loadTemplate('resnet18');
    await ed.settled();
    const before = digits(await ed.totalParams());
    expect(before).toBeGreaterThan(11_000_000);

    await open(page, ed, 'conv3_block1');
    // The breadcrumb: design ▸ conv3_block1; the built-in becomes a block of its own at the first edit.
    await expect(page.getByTestId('scope-bar').innerText()).resolves.toMatch(/design\s*▸\s*conv3_block1/);
    await expect(page.getByTestId('scope-mode').innerText()).resolves.toContain('Residual Block: your first edit makes this use a block of its own');
    // In context: the block receives conv2's 56×56×64 and halves it to 28×28×128.
    await expect(ed.shapeOf('input_in')).resolves.toBe('56×56×64');
    await expect(ed.shapeOf('1_conv')).resolves.toBe('28×28×128');
    await expect(ed.shapeOf('0_conv')).resolves.toBe('28×28×128');
    // A tall block opens showing its top at a readable zoom; the fit-view button shows all of it (the docs' picture).
    await screenshot('residual-open');
    await page.getByTestId('fit-view').click();
    await ed.viewSettled();
    await screenshot('residual-open-fit');

    // Halve the first convolution's filters: its output (and its BN's) change; the block's output does not.
    await setInner(page, ed, '1_conv', 'filters', '64');
    await expect(ed.shapeOf('1_conv')).resolves.toBe('28×28×64');
    await expect(ed.shapeOf('1_bn')).resolves.toBe('28×28×64');
    await expect(ed.shapeOf('2_conv')).resolves.toBe('28×28×128');
    await expect(page.getByTestId('scope-mode').innerText()).resolves.toContain('used once');
    await screenshot('residual-edited');
    // 1_conv 3·3·64·128 → 3·3·64·64, 1_bn 4·128 → 4·64, 2_conv 3·3·128·128 → 3·3·64·128.
    const saved = 9 * 64 * 64 + 4 * 64 + 9 * 64 * 128;
    expect(digits(await ed.totalParams())).toBe(before - saved);

    // Escape goes back to the design, where the block now shows fewer parameters.
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('Escape');
    await page.getByTestId('scope-bar').waitFor({ state: 'detached' });
    await ed.settled();
    const doc = await ed.document();
    expect(doc.nodes.find((n) => n.id === 'conv3_block1')!.type).toBe('Composite');
    expect((await ed.analysis()).totals.params).toBe(before - saved);
    expect((await ed.analysis()).nodes.conv3_block1.outputShape).toEqual([28, 28, 128]);
    await ed.focus('conv3_block1');
    await screenshot('design-after-edit');

    // Undo from the design undoes the inner edit and shows the canvas it was made on; redo re-applies it.
    await page.keyboard.press('Control+z');
    await page.getByTestId('crumb-conv3_block1').waitFor();
    await ed.settled();
    expect(digits(await ed.totalParams())).toBe(before);
    await expect(ed.shapeOf('1_conv')).resolves.toBe('28×28×128');
    expect((await ed.document()).nodes.find((n) => n.id === 'conv3_block1')!.type).toBe('Residual');
    await page.getByTestId('crumb-design').click();
    await page.getByTestId('redo').click();
    await page.getByTestId('crumb-conv3_block1').waitFor();
    await ed.settled();
    expect(digits(await ed.totalParams())).toBe(before - saved);

    // A problem inside shows on the inner layer: 64 channels from 2_conv cannot be added to the 128 of the shortcut.
    await setInner(page, ed, '2_conv', 'filters', '64');
    await expect.poll(() => ed.node('add').getAttribute('class')).toContain('has-error');
    await ed.select('add');
    await expect(page.getByTestId('inspector').innerText()).resolves.toContain('needs inputs of the same shape');
    await screenshot('inner-problem');
  });

  test('a linked block used twice: apply to every use, then make this one unique; undo goes back through both', async ({ page, screenshot }) => {
    const ed = editor(page);
    await ed.load(TWO_USES);
    const shape = async (id: string) => (await ed.analysis()).nodes[id].outputShape;
    expect(await shape('b')).toEqual([8, 8, 4]);

    await open(page, ed, 'a');
    await expect(page.getByTestId('scope-mode').innerText()).resolves.toContain('Linked block conv unit, 2 uses');
    await expect(page.getByTestId('apply-every-use').getAttribute('aria-checked')).resolves.toBe('true');
    await expect(ed.shapeOf('inner_conv')).resolves.toBe('8×8×4');
    await setInner(page, ed, 'inner_conv', 'filters', '6');
    await expect(ed.shapeOf('inner_conv')).resolves.toBe('8×8×6');
    // Both uses changed: b now receives and makes 6 channels.
    expect(await shape('a')).toEqual([8, 8, 6]);
    expect(await shape('b')).toEqual([8, 8, 6]);
    await screenshot('linked-every-use');

    await page.getByTestId('crumb-design').click();
    await page.getByTestId('scope-bar').waitFor({ state: 'detached' });
    await open(page, ed, 'b');
    // Inside b, the context is a's output: 6 channels.
    await expect(ed.shapeOf('input_in')).resolves.toBe('8×8×6');
    await page.getByTestId('make-unique').click();
    await expect(page.getByTestId('scope-mode').innerText()).resolves.toContain('used once');
    await setInner(page, ed, 'inner_conv', 'filters', '2');
    expect(await shape('a')).toEqual([8, 8, 6]);
    expect(await shape('b')).toEqual([8, 8, 2]);
    const doc = await ed.document();
    expect((doc.composites as unknown[]).length).toBe(2);
    // The other theme, for the screenshot.
    await page.getByTestId('toggle-theme').click();
    await screenshot('unique-other-theme');
    await page.getByTestId('toggle-theme').click();

    // Undo x3 from the design: b's edit, the fork, then a's edit (which shows a's inside again).
    await page.getByTestId('crumb-design').click();
    await page.keyboard.press('Control+z');
    await page.getByTestId('crumb-b').waitFor();
    await ed.settled();
    expect(await shape('b')).toEqual([8, 8, 6]);
    await page.keyboard.press('Control+z');
    await ed.settled();
    expect(((await ed.document()).composites as unknown[]).length).toBe(1);
    await page.keyboard.press('Control+z');
    await page.getByTestId('crumb-a').waitFor();
    await ed.settled();
    expect(await shape('a')).toEqual([8, 8, 4]);
    expect(await shape('b')).toEqual([8, 8, 4]);
    await expect(ed.shapeOf('inner_conv')).resolves.toBe('8×8×4');
    await screenshot('undone-back-inside-a');
  });

  test('a layer of a block expanded on the design is edited in place from the inspector; undo stays on the design', async ({ page, screenshot }) => {
    const ed = editor(page);
    await ed.loadTemplate('resnet18');
    await ed.settled();
    const before = digits(await ed.totalParams());
    await ed.focus('conv2_block2');
    await ed.node('conv2_block2').getByRole('button', { name: 'Expand' }).click();
    await ed.settled();
    const layer = page.getByTestId('inner-conv2_block2/1_conv');
    await layer.waitFor();
    await expect(layer.innerText()).resolves.toContain('56×56×64');
    await layer.click();
    await expect(page.getByTestId('inner-note').innerText()).resolves.toContain('A layer of the expanded block conv2_block2');
    await ed.setParam('filters', '32');
    await page.getByTestId('param-filters').press('Enter');
    await ed.settled();
    // The expanded frame shows the new shape; the design has fewer parameters (1_conv, 1_bn and 2_conv shrink).
    await expect.poll(() => layer.innerText()).toContain('56×56×32');
    const saved = 9 * 64 * 32 + 4 * 32 + 9 * 32 * 64;
    expect(digits(await ed.totalParams())).toBe(before - saved);
    expect((await ed.document()).nodes.find((n) => n.id === 'conv2_block2')!.type).toBe('Composite');
    await expect(page.getByTestId('scope-bar').count()).resolves.toBe(0);
    await screenshot('expanded-layer-edited');

    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('Control+z');
    await ed.settled();
    expect(digits(await ed.totalParams())).toBe(before);
    // The edit was made on the design's canvas, so undo stays there.
    await expect(page.getByTestId('scope-bar').count()).resolves.toBe(0);
    await expect.poll(() => layer.innerText()).toContain('56×56×64');
  });

  test('inside an opened block the Problems tab lists its layers first and the code panel highlights the selected layer', async ({ page, screenshot }) => {
    const ed = editor(page);
    await ed.load(BLOCK_PROBLEMS);
    await ed.settled();
    await open(page, ed, 'a');

    // Problems: the block's own (inner_side goes nowhere) under "Inside a", then the whole design's (side).
    await page.getByTestId('tab-diagnostics').click();
    const rows = page.getByTestId('diagnostics').getByTestId('diagnostic');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(2);
    await expect(page.getByTestId('diagnostics-block').innerText()).resolves.toMatch(/inside a/i);
    await expect(rows.nth(0).innerText()).resolves.toContain('inner_side');
    await expect(rows.nth(1).innerText()).resolves.toMatch(/\bside\b/);
    await expect(rows.nth(1).innerText()).resolves.not.toContain('inner_side');
    // The tab counts both lists, apart: the block's problems and the whole design's.
    const blockBadge = page.getByTestId('problems-badge-block');
    await expect(blockBadge.getAttribute('title')).resolves.toMatch(/^\d+ problems? inside a$/);
    await expect(page.getByTestId('problems-badge').getAttribute('title')).resolves.toMatch(/^\d+ problems? in the whole design$/);
    await screenshot('block-problems');
    // Clicking the block's problem selects the inner layer and stays inside the block.
    await rows.nth(0).click();
    await expect.poll(() => ed.node('inner_side').getAttribute('class')).toContain('selected');
    await expect(page.getByTestId('scope-bar').count()).resolves.toBe(1);

    // Code: selecting an inner layer highlights that layer's lines, not its neighbours' or the rest of the design's.
    const code = codePanel(page);
    await code.open();
    await ed.select('inner_conv');
    await expect.poll(() => code.highlightedText()).toContain('a_inner_conv = tf.layers.conv2d');
    const lit = await code.highlightedText();
    expect(lit).not.toContain('a_inner_relu =');
    expect(lit).not.toContain('stem =');
    await ed.select('inner_relu');
    await expect.poll(() => code.highlightedText()).toContain('a_inner_relu = tf.layers.activation');
    expect(await code.highlightedText()).not.toContain('conv2d');
    // Its receptive field is the scope's, counted from the block's input, and labelled so.
    await expect(page.getByTestId('inspector').innerText()).resolves.toMatch(/Receptive field \(from the block's input\)\s*3 px/);
    // And from the design's input, through the 3×3 stem before the block: 3 + (3 - 1) = 5.
    await expect(page.getByTestId('inspector').innerText()).resolves.toMatch(/Receptive field \(from the design's input\)\s*5 px/);
    await screenshot('block-code-highlight');
    // A click on a line of the block's layer selects that layer, still inside the block.
    await code.clickLine('a_inner_side = tf.layers');
    await expect.poll(() => ed.node('inner_side').getAttribute('class')).toContain('selected');
    await expect(page.getByTestId('scope-bar').count()).resolves.toBe(1);
  });
});
