/** Editing a composite in place: built-ins become definitions with the same analysis; shared definitions change for every use or fork. */
import { describe, expect, it } from 'vitest';
import { requireTemplate } from '../../templates/index';
import { analyzeDesign } from '../analysis/analyze';
import { DesignBuilder } from '../build/design-builder';
import { DesignError } from '../errors';
import { documentSchema, type DesignDocument } from '../schema/document';
import { countUses, openComposite, openScopePath, scopedCommand } from './composite-edit';
import { performCommand, performCommands } from './perform';
import type { EditCommand } from './types';

/** Deep-freezes a document, so a test fails if a command mutates its input. */
function frozen<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(frozen);
    Object.freeze(value);
  }
  return value;
}

/** What the analysis says about a design, comparable before and after a conversion. */
function summary(doc: DesignDocument) {
  const a = analyzeDesign(doc);
  return {
    valid: a.valid,
    totals: a.totals,
    nodes: Object.fromEntries(Object.entries(a.nodes).map(([id, n]) => [id, [n.outputShape, n.params, n.macs, n.receptiveField]])),
    layers: a.flat.map((f) => [f.layerName, f.type, f.outputShape, f.layer]),
  };
}

/** Input -> Conv -> Composite(a) -> Composite(b) -> Flatten -> Dense -> Output, where both uses link one definition (conv + relu). */
function twoUses(): DesignDocument {
  const b = new DesignBuilder('two uses');
  const x = b.add('Conv2D', { filters: 4, kernelSize: [3, 3], padding: 'same' }, b.input([8, 8, 3]), 'stem');
  const c1 = b.add('Conv2D', { filters: 4, kernelSize: [3, 3], padding: 'same' }, x, 'inner_conv');
  const r1 = b.add('Activation', { activation: 'relu' }, c1, 'inner_relu');
  const head = b.add('Dense', { units: 10, activation: 'softmax' }, b.add('Flatten', {}, r1, 'flatten'), 'fc');
  b.output(head);
  let doc = b.build();
  doc = performCommand(doc, { kind: 'makeComposite', nodeIds: ['inner_conv', 'inner_relu'], name: 'conv unit' });
  const use = doc.nodes.find((n) => n.type === 'Composite')!;
  // A second use of the same definition between the first and Flatten.
  const toFlatten = doc.edges.find((e) => e.target.node === 'flatten')!;
  return performCommands(doc, [
    { kind: 'insertOnEdge', edgeId: toFlatten.id, type: 'Composite', params: { definition: use.params.definition }, id: 'second', name: 'second' },
  ]);
}

describe('editComposite on built-in composites', () => {
  // One of each built-in family in the templates; the first few uses of each (stride 1 and 2, with and without projection).
  it.each([
    ['resnet18', ['conv2_block1', 'conv3_block1', 'conv4_block2']],
    ['googlenet', null],
    ['mobilenetv2', null],
    ['mobilenet', null],
    ['se-resnet50', null],
    ['ghostnet', null],
  ] as const)('%s: converting a use to a definition keeps every shape, count and layer', (template, ids) => {
    const doc = frozen(requireTemplate(template).build({}));
    const before = summary(doc);
    expect(before.valid).toBe(true);
    const composites = doc.nodes.filter((n) => n.type !== 'Composite' && openable(doc, n.id));
    const chosen = ids ? [...ids] : composites.slice(0, 3).map((n) => n.id);
    expect(chosen.length).toBeGreaterThan(0);
    let out = doc;
    for (const id of chosen) out = performCommand(out, { kind: 'editComposite', nodeId: id, commands: [], applyTo: 'unique' });
    expect(documentSchema.safeParse(out).success).toBe(true);
    for (const id of chosen) expect(out.nodes.find((n) => n.id === id)!.type).toBe('Composite');
    expect(out.composites).toHaveLength(doc.composites.length + chosen.length);
    expect(summary(out)).toEqual(before);
  });

  it('changing an inner convolution of a Residual block changes its parameters and the shapes after it', () => {
    const doc = frozen(requireTemplate('resnet18').build({}));
    const before = analyzeDesign(doc);
    const out = performCommand(doc, { kind: 'editComposite', nodeId: 'conv2_block1', commands: [{ kind: 'setParams', nodeId: '2_conv', params: { filters: 32 } }] });
    const after = analyzeDesign(out);
    // basic block, 64 channels in: the second 3x3 conv goes 64 -> 32, so its BN shrinks and the Add no longer matches the shortcut.
    expect(after.valid).toBe(false);
    expect(after.diagnostics.find((d) => d.nodeId === 'conv2_block1')?.message).toContain('add: Add needs inputs of the same shape');
    // The other uses of the same params are untouched: each built-in use converts on its own.
    expect(out.nodes.find((n) => n.id === 'conv2_block2')!.type).toBe('Residual');
    // Make the block consistent again: 32 filters in both convolutions and a projection shortcut to 32 channels.
    const opened = openComposite(out, 'conv2_block1');
    expect(opened.builtIn).toBe(false);
    expect(opened.uses).toBe(1);
    const fixed = performCommand(out, {
      kind: 'editComposite', nodeId: 'conv2_block1', commands: [
        { kind: 'setParams', nodeId: '1_conv', params: { filters: 32 } },
        { kind: 'addNode', id: 'proj', type: 'Conv2D', params: { filters: 32, kernelSize: [1, 1], useBias: false }, position: { x: 0, y: 0 } },
        { kind: 'removeEdges', edgeIds: [opened.doc.edges.find((e) => e.source.node === opened.boundary.inputs[0].id && e.target.node === 'add')!.id] },
        { kind: 'connect', source: { node: opened.boundary.inputs[0].id }, target: { node: 'proj' } },
        { kind: 'connect', source: { node: 'proj' }, target: { node: 'add' } },
      ],
    });
    const good = analyzeDesign(fixed);
    expect(good.valid).toBe(true);
    expect(good.nodes.conv2_block1.outputShape).toEqual([56, 56, 32]);
    const p = (a: typeof good) => a.nodes.conv2_block1.params.trainable + a.nodes.conv2_block1.params.nonTrainable;
    // 3x3x64x32 + 3x3x32x32 + 1x1x64x32 (+ BN 4x32 twice) instead of 2 x 3x3x64x64 (+ BN 4x64 twice).
    expect(p(good)).toBe(9 * 64 * 32 + 9 * 32 * 32 + 64 * 32 + 2 * 4 * 32);
    expect(p(before)).toBe(2 * 9 * 64 * 64 + 2 * 4 * 64);
  });

  it('refuses a composite whose input shape is not known yet, naming it', () => {
    const b = new DesignBuilder('loose');
    b.add('Residual', { filters: 8 }, b.input([8, 8, 8]), 'blk');
    const doc = b.build();
    const loose = { ...doc, edges: [] };
    expect(() => performCommand(loose, { kind: 'editComposite', nodeId: 'blk', commands: [] })).toThrow("connect 'blk' to a valid input first");
  });
});

describe('editComposite on a shared definition', () => {
  it('apply to every use changes the definition and so both uses', () => {
    const doc = frozen(twoUses());
    const use = doc.nodes.find((n) => n.type === 'Composite' && n.id !== 'second')!;
    expect(countUses(doc, String(use.params.definition))).toBe(2);
    expect(analyzeDesign(doc).valid).toBe(true);
    const out = performCommand(doc, { kind: 'editComposite', nodeId: use.id, applyTo: 'all', commands: [{ kind: 'setParams', nodeId: 'inner_conv', params: { filters: 6 } }] });
    expect(out.composites).toHaveLength(1);
    const a = analyzeDesign(out);
    expect(a.nodes[use.id].outputShape).toEqual([8, 8, 6]);
    // The second use now receives 6 channels and makes 6: the same definition.
    expect(a.nodes.second.outputShape).toEqual([8, 8, 6]);
    expect(a.nodes.second.params.trainable).toBe(9 * 6 * 6 + 6);
  });

  it('make this one unique forks the definition for that use only', () => {
    const doc = frozen(twoUses());
    const use = doc.nodes.find((n) => n.type === 'Composite' && n.id !== 'second')!;
    const out = performCommand(doc, { kind: 'editComposite', nodeId: 'second', applyTo: 'unique', commands: [{ kind: 'setParams', nodeId: 'inner_conv', params: { filters: 2 } }] });
    expect(out.composites).toHaveLength(2);
    const second = out.nodes.find((n) => n.id === 'second')!;
    expect(second.params.definition).not.toBe(use.params.definition);
    expect(out.composites.find((d) => d.id === second.params.definition)!.name).toBe('conv unit (second)');
    const a = analyzeDesign(out);
    expect(a.nodes[use.id].outputShape).toEqual([8, 8, 4]);
    expect(a.nodes.second.outputShape).toEqual([8, 8, 2]);
    // Once unique, 'unique' edits it in place (no second copy).
    const again = performCommand(out, { kind: 'editComposite', nodeId: 'second', applyTo: 'unique', commands: [{ kind: 'setParams', nodeId: 'inner_conv', params: { filters: 3 } }] });
    expect(again.composites).toHaveLength(2);
  });

  it('the scope document shows the inner layers with the shapes they receive where the block is used', () => {
    const doc = twoUses();
    const opened = openComposite(doc, 'second');
    expect(opened.uses).toBe(2);
    const input = opened.doc.nodes.find((n) => n.id === opened.boundary.inputs[0].id)!;
    expect(input).toMatchObject({ type: 'Input', params: { shape: [8, 8, 4] } });
    const a = analyzeDesign(opened.doc);
    expect(a.valid).toBe(true);
    expect(a.nodes.inner_conv.outputShape).toEqual([8, 8, 4]);
  });

  it('the boundary is fixed: its nodes cannot be removed or changed, an input must feed a layer, the output must be fed', () => {
    const doc = twoUses();
    const opened = openComposite(doc, 'second');
    const inId = opened.boundary.inputs[0].id;
    const attempt = (commands: EditCommand[]) => () => performCommand(doc, { kind: 'editComposite', nodeId: 'second', commands });
    expect(attempt([{ kind: 'removeNodes', nodeIds: [inId] }])).toThrow("the block's input 'in' cannot be removed");
    expect(attempt([{ kind: 'setParams', nodeId: inId, params: { shape: [4, 4, 4] } }])).toThrow("the block's input 'in' is fixed");
    expect(attempt([{ kind: 'removeEdges', edgeIds: opened.doc.edges.filter((e) => e.source.node === inId).map((e) => e.id) }])).toThrow("the block's input 'in' must feed at least one layer inside it");
    expect(attempt([{ kind: 'removeEdges', edgeIds: opened.doc.edges.filter((e) => e.target.node === opened.boundary.output).map((e) => e.id) }])).toThrow("the block's output 'out' must come from one layer inside it");
    expect(attempt([{ kind: 'addNode', type: 'Input', position: { x: 0, y: 0 } }])).toThrow('Input and Output blocks cannot go inside a composite block');
    expect(attempt([{ kind: 'addNode', type: 'Input', position: { x: 0, y: 0 } }])).toThrow(DesignError);
    // Moving the boundary is allowed (and not stored).
    expect(attempt([{ kind: 'moveNodes', moves: [{ nodeId: inId, position: { x: 5, y: 5 } }] }])()).toBeTruthy();
  });

  it('a definition cannot come to contain itself', () => {
    const doc = twoUses();
    const def = String(doc.nodes.find((n) => n.id === 'second')!.params.definition);
    const opened = openComposite(doc, 'second');
    const relu = opened.doc.edges.find((e) => e.target.node === opened.boundary.output)!;
    expect(() => performCommand(doc, {
      kind: 'editComposite', nodeId: 'second', commands: [
        { kind: 'insertOnEdge', edgeId: relu.id, type: 'Composite', params: { definition: def } },
      ],
    })).toThrow("'conv unit' cannot contain itself");
  });
});

describe('nested scopes', () => {
  it('scopedCommand edits a composite inside a definition; openScopePath stops at a node that is gone', () => {
    // A user block whose inside holds a Residual block.
    const b = new DesignBuilder('nested');
    const r = b.add('Residual', { filters: 4 }, b.input([8, 8, 4]), 'res');
    const act = b.add('Activation', { activation: 'relu' }, r, 'act');
    b.output(b.add('Dense', { units: 2 }, b.add('Flatten', {}, act, 'flat'), 'fc'));
    const doc = performCommand(b.build(), { kind: 'makeComposite', nodeIds: ['res', 'act'], name: 'outer' });
    const outer = doc.nodes.find((n) => n.type === 'Composite')!;
    const levels = openScopePath(doc, [outer.id, 'res']);
    expect(levels.map((l) => [l.name, l.opened.builtIn])).toEqual([['outer', false], ['res', true]]);
    expect(analyzeDesign(levels[1].opened.doc).nodes['1_conv'].outputShape).toEqual([8, 8, 4]);

    const out = performCommands(doc, scopedCommand([outer.id, 'res'], [{ kind: 'setParams', nodeId: '1_conv', params: { kernelSize: [5, 5] } }]));
    // The Residual inside 'outer' became a definition of its own, linked from the outer definition.
    const outerDef = out.composites.find((d) => d.id === outer.params.definition)!;
    const res = outerDef.nodes.find((n) => n.id === 'res')!;
    expect(res.type).toBe('Composite');
    const inner = out.composites.find((d) => d.id === res.params.definition)!;
    expect(inner.nodes.find((n) => n.id === '1_conv')!.params.kernelSize).toEqual([5, 5]);
    const a = analyzeDesign(out);
    expect(a.valid).toBe(true);
    expect(a.nodes[outer.id].params.trainable).toBe(analyzeDesign(doc).nodes[outer.id].params.trainable + (25 - 9) * 4 * 4);

    expect(openScopePath(out, [outer.id, 'nope']).map((l) => l.nodeId)).toEqual([outer.id]);
    expect(openScopePath(out, ['nope', 'res'])).toEqual([]);
  });
});

function openable(doc: DesignDocument, id: string): boolean {
  try {
    openComposite(doc, id);
    return true;
  } catch {
    return false;
  }
}
