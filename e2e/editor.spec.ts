/**
 * The editor's core loop, as a user does it: drag blocks from the palette, wire them, read shapes on nodes and
 * wires; break a shape and fix it in one click; undo and redo.
 */
import { expect } from 'vitest';
import { describeE2E, test } from './fixtures';
import { editor } from './helpers/canvas';

/** Input -> Conv2D -> MaxPool2D -> Dense -> Output: Dense gets a 13×13×32 tensor (needs Flatten). */
const MISSING_FLATTEN = {
  format: 'layerloom.design',
  version: 1,
  name: 'Missing Flatten',
  nodes: [
    { id: 'input', type: 'Input', name: 'input', params: { shape: [28, 28, 1] }, position: { x: 0, y: 0 } },
    { id: 'conv', type: 'Conv2D', name: 'conv', params: { filters: 32 }, position: { x: 0, y: 150 } },
    { id: 'pool', type: 'MaxPool2D', name: 'pool', params: {}, position: { x: 0, y: 300 } },
    { id: 'dense', type: 'Dense', name: 'dense', params: { units: 10, activation: 'softmax' }, position: { x: 0, y: 450 } },
    { id: 'output', type: 'Output', name: 'output', params: {}, position: { x: 0, y: 600 } },
  ],
  edges: [
    { id: 'e1', source: { node: 'input', port: 'out' }, target: { node: 'conv', port: 'in' } },
    { id: 'e2', source: { node: 'conv', port: 'out' }, target: { node: 'pool', port: 'in' } },
    { id: 'e3', source: { node: 'pool', port: 'out' }, target: { node: 'dense', port: 'in' } },
    { id: 'e4', source: { node: 'dense', port: 'out' }, target: { node: 'output', port: 'in' } },
  ],
};

describeE2E('editor: build, fix, undo', () => {
  test('drag Input, Conv2D, MaxPool2D, Flatten, Dense and Output, wire them and see every shape', async ({ page, screenshot }) => {
    const ed = editor(page);
    const types = ['Input', 'Conv2D', 'MaxPool2D', 'Flatten', 'Dense', 'Output'];
    const ids: string[] = [];
    for (const [i, type] of types.entries()) ids.push(await ed.dropBlock(type, { x: 420, y: 40 + i * 125 }));
    await screenshot('dropped');
    for (let i = 0; i + 1 < ids.length; i++) await ed.connect(ids[i], ids[i + 1]);
    await ed.settled();
    await screenshot('wired');

    const doc = await ed.document();
    expect(doc.nodes.map((n) => n.type)).toEqual(types);
    expect(doc.edges.map((e) => [e.source.node, e.target.node])).toEqual(ids.slice(1).map((id, i) => [ids[i], id]));
    expect(await Promise.all(ids.map(ed.shapeOf))).toEqual(['28×28×1', '26×26×32', '13×13×32', '5408', '10', '10']);
    expect(await Promise.all(doc.edges.map((e) => ed.edgeLabel(e.id)))).toEqual(['28×28×1', '26×26×32', '13×13×32', '5408', '10']);
    expect(await ed.totalParams()).toBe('54,410');

    // A wire that would close a cycle is refused, with the reason shown.
    await ed.connect(ids[2], ids[1]);
    await expect(page.getByTestId('toast').innerText()).resolves.toMatch(/refused: .*cycle/);
    expect((await ed.document()).edges).toHaveLength(5);
    await screenshot('cycle-refused');
  });

  test('a shape error is marked on the canvas and fixed in one click', async ({ page, screenshot }) => {
    const ed = editor(page);
    await ed.load(MISSING_FLATTEN);
    await expect(ed.node('dense').getAttribute('class')).resolves.toContain('has-error');
    await page.getByTestId('tab-diagnostics').click();
    const diag = page.getByTestId('diagnostic').first();
    await expect(diag.getAttribute('data-code')).resolves.toBe('needs-flatten');
    await expect(diag.innerText()).resolves.toContain('Dense needs a vector');
    await screenshot('shape-error');

    await diag.getByTestId('apply-fix').first().click();
    await ed.settled();
    const doc = await ed.document();
    const flatten = doc.nodes.find((n) => n.type === 'Flatten');
    expect(flatten).toBeDefined();
    expect(await ed.shapeOf(flatten!.id)).toBe('5408');
    expect(await ed.shapeOf('dense')).toBe('10');
    expect((await ed.analysis()).valid).toBe(true);
    await expect(ed.node('dense').getAttribute('class')).resolves.not.toContain('has-error');
    await screenshot('fixed');
  });

  test('undo and redo: a typing burst is one step', async ({ page, screenshot }) => {
    const ed = editor(page);
    await ed.load({ ...MISSING_FLATTEN, nodes: MISSING_FLATTEN.nodes.slice(0, 3), edges: MISSING_FLATTEN.edges.slice(0, 2) });
    await ed.select('conv');
    const filters = page.getByTestId('param-filters');
    await filters.click();
    await filters.press('End');
    await filters.pressSequentially('8'); // 32 -> 328
    await filters.press('Backspace');
    await filters.press('Backspace'); // 3
    await filters.pressSequentially('64'); // 364
    await ed.settled();
    expect(await ed.shapeOf('conv')).toBe('26×26×364');
    await screenshot('edited');

    await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
    await page.keyboard.press('Control+z');
    await ed.settled();
    expect(await ed.shapeOf('conv')).toBe('26×26×32');
    expect((await ed.document()).nodes.find((n) => n.id === 'conv')!.params.filters).toBe(32);
    await screenshot('undone');

    await page.keyboard.press('Control+Shift+z');
    await ed.settled();
    expect(await ed.shapeOf('conv')).toBe('26×26×364');

    // Delete is one step too, and so is its undo.
    await ed.select('pool');
    await page.keyboard.press('Delete');
    expect((await ed.document()).nodes.map((n) => n.id)).toEqual(['input', 'conv']);
    await page.getByTestId('undo').click();
    expect((await ed.document()).nodes.map((n) => n.id)).toEqual(['input', 'conv', 'pool']);
    await screenshot('redone');
  });

  test('an invalid parameter shows the zod message and is not applied', async ({ page, screenshot }) => {
    const ed = editor(page);
    await ed.load(MISSING_FLATTEN);
    await ed.select('conv');
    await ed.setParam('filters', '0');
    await expect(page.locator('.ll-field__error').innerText()).resolves.toBe('expected a positive integer');
    expect((await ed.document()).nodes.find((n) => n.id === 'conv')!.params.filters).toBe(32);
    await screenshot('invalid-param');
  });

  test('multi-select and delete; copy and paste; make a block from the selection', async ({ page, screenshot }) => {
    const ed = editor(page);
    const withFlatten = {
      ...MISSING_FLATTEN,
      nodes: [...MISSING_FLATTEN.nodes.slice(0, 3), { id: 'flat', type: 'Flatten', name: 'flat', params: {}, position: { x: 0, y: 450 } },
        ...MISSING_FLATTEN.nodes.slice(3).map((n) => ({ ...n, position: { x: 0, y: n.position.y + 150 } }))],
      edges: [...MISSING_FLATTEN.edges.slice(0, 2), { id: 'e3', source: { node: 'pool', port: 'out' }, target: { node: 'flat', port: 'in' } },
        { id: 'e3b', source: { node: 'flat', port: 'out' }, target: { node: 'dense', port: 'in' } }, MISSING_FLATTEN.edges[3]],
    };
    await ed.load(withFlatten);
    // Ctrl-click selects several; copy + paste duplicates them (with the wire between them) as one step.
    await ed.select('conv');
    await ed.node('pool').locator('.ll-node__name').click({ modifiers: ['Control'] });
    await expect(page.getByTestId('make-block').isVisible()).resolves.toBe(true);
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    let doc = await ed.document();
    expect(doc.nodes).toHaveLength(8);
    expect(doc.edges).toHaveLength(6);
    await screenshot('pasted');
    // The pasted copies are selected: Delete removes both as one step.
    await page.keyboard.press('Delete');
    doc = await ed.document();
    expect(doc.nodes.map((n) => n.id)).toEqual(['input', 'conv', 'pool', 'flat', 'dense', 'output']);

    await ed.select('conv');
    await ed.node('pool').locator('.ll-node__name').click({ modifiers: ['Control'] });
    await page.getByTestId('block-name').fill('ConvPool');
    await page.getByTestId('make-block').click();
    await ed.settled();
    doc = await ed.document();
    const block = doc.nodes.find((n) => n.type === 'Composite')!;
    expect(block.name).toBe('ConvPool');
    expect(doc.nodes).toHaveLength(5);
    expect(await ed.shapeOf(block.id)).toBe('13×13×32');
    expect(await ed.totalParams()).toBe('54,410');
    await screenshot('made-block');

    // The new block is in the palette under "Your blocks"; a second use links to the same definition.
    const second = await ed.dropBlock(`user-${block.params.definition}`, { x: 760, y: 120 });
    doc = await ed.document();
    expect(doc.nodes.find((n) => n.id === second)).toMatchObject({ type: 'Composite', params: { definition: block.params.definition } });
    expect((doc as unknown as { composites: unknown[] }).composites).toHaveLength(1);
  });
});
