/** Every diagnostic: its message names what is wrong and where, and applying its fix removes the error. */
import { describe, expect, it } from 'vitest';
import { DesignBuilder } from '../build/design-builder';
import { buildVgg } from '../../templates/builders/vgg';
import { performCommands } from '../commands/perform';
import type { Fix } from '../commands/types';
import type { DesignDocument } from '../schema/document';
import { analyzeDesign } from './analyze';
import type { Diagnostic } from './types';

/** Input [h, w, c] -> body(b, x) -> Output. */
function design(shape: number[], body: (b: DesignBuilder, x: string) => string): DesignDocument {
  const b = new DesignBuilder('t');
  b.output(body(b, b.input(shape)));
  return b.build();
}

function only(doc: DesignDocument, code: string): Diagnostic {
  const found = analyzeDesign(doc).diagnostics.filter((d) => d.code === code);
  expect(found, `one '${code}' diagnostic`).toHaveLength(1);
  return found[0];
}

function applyFix(doc: DesignDocument, fix: Fix | undefined) {
  expect(fix, 'a fix').toBeDefined();
  return analyzeDesign(performCommands(doc, fix!.commands));
}

const setParams = (doc: DesignDocument, id: string, params: Record<string, unknown>): DesignDocument => ({
  ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, params: { ...n.params, ...params } } : n)),
});

describe('diagnostics and their fixes', () => {
  it('Add with different shapes names both inputs; the fix inserts a strided 1x1 projection', () => {
    const doc = design([16, 16, 3], (b, x) => {
      const a = b.add('Conv2D', { filters: 8, padding: 'same' }, x, 'wide');
      const c = b.add('Conv2D', { filters: 16, padding: 'same', strides: [2, 2] }, x, 'deep');
      return b.add('Add', {}, [a, c], 'sum');
    });
    const d = only(doc, 'shape-mismatch');
    expect(d).toMatchObject({ severity: 'error', nodeId: 'sum' });
    expect(d.message).toContain("'wide' gives 16x16x8");
    expect(d.message).toContain("'deep' gives 8x8x16");
    expect(d.fix!.commands[0]).toMatchObject({ kind: 'insertOnEdge', type: 'Conv2D', params: { filters: 16, kernelSize: [1, 1], strides: [2, 2] } });
    const fixed = applyFix(doc, d.fix);
    expect(fixed.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
    expect(fixed.nodes.sum.outputShape).toEqual([8, 8, 16]);
  });

  it('Concatenate with different spatial sizes names both shapes', () => {
    const doc = design([16, 16, 3], (b, x) => b.add('Concatenate', {}, [x, b.add('MaxPool2D', {}, x, 'pool')], 'cat'));
    const d = only(doc, 'shape-mismatch');
    expect(d.message).toBe("'cat' (Concatenate) needs inputs with the same spatial size (height and width): 'input' gives 16x16x3, 'pool' gives 8x8x3");
  });

  it.each([
    ['Conv2D', { kernelSize: [5, 5] }],
    ['Conv2D', { kernelSize: [3, 3], dilation: [2, 2] }],
    ['MaxPool2D', { poolSize: [6, 6] }],
  ])("spatial size <= 0 in %s %j: fixed by 'same' padding, or by ZeroPadding2D", (type, params) => {
    const doc = design([4, 4, 1], (b, x) => b.add(type, params, x, 'too_big'));
    const d = only(doc, 'spatial-too-small');
    expect(d.message).toMatch(/^'too_big' \(\w+\): output height would be -?\d+: input height 4 is smaller than the (dilated )?kernel \d+ with 'valid' padding$/);
    expect(applyFix(doc, d.fix).valid).toBe(true);
    expect(applyFix(doc, d.alternatives![0]).valid).toBe(true);
  });

  it('a cycle is named node by node; the fix removes the edge that closes it', () => {
    const b = new DesignBuilder('cycle');
    const x = b.input([8, 8, 2]);
    const sum = b.add('Add', {}, [x], 'sum');
    const c1 = b.add('Conv2D', { filters: 2, padding: 'same' }, sum, 'c1');
    const c2 = b.add('Conv2D', { filters: 2, padding: 'same' }, c1, 'c2');
    b.connect(c2, sum);
    b.output(c2);
    const doc = b.build();
    const d = only(doc, 'cycle');
    for (const step of ["'sum' -> 'c1'", "'c1' -> 'c2'", "'c2' -> 'sum'"]) expect(d.message).toContain(step);
    const after = applyFix(doc, d.fix);
    expect(after.diagnostics.some((x) => x.code === 'cycle')).toBe(false);
  });

  it('a missing input names the node and the port', () => {
    const doc = design([8, 8, 1], (b, x) => b.add('Conv2D', {}, x, 'c'));
    const broken = { ...doc, edges: doc.edges.filter((e) => e.target.node !== 'c') };
    broken.nodes = [...broken.nodes];
    const d = analyzeDesign({ ...broken, edges: [...broken.edges, { id: 'x', source: { node: 'c', port: 'out' }, target: { node: 'output', port: 'in' } }].filter((e, i, all) => all.findIndex((f) => f.target.node === e.target.node) === i) })
      .diagnostics.find((x) => x.code === 'missing-input')!;
    expect(d.message).toBe("'c' (Conv2D) has no input on port 'in'");
    const add = analyzeDesign(design([8, 8, 1], (b, x) => b.add('Add', {}, [x], 'lonely_add'))).diagnostics.find((x) => x.code === 'missing-input')!;
    expect(add.message).toBe("'lonely_add' (Add) needs at least 2 inputs, got 1");
  });

  it('an unconnected node is flagged; the fix removes it', () => {
    const doc = design([8], (b, x) => b.add('Dense', { units: 3 }, x, 'fc'));
    const withStray = { ...doc, nodes: [...doc.nodes, { id: 'stray', type: 'Dropout', name: 'stray', params: {}, position: { x: 0, y: 0 } }] };
    const d = only(withStray, 'unconnected');
    expect(d.message).toBe("'stray' (Dropout) is not connected to anything");
    expect(applyFix(withStray, d.fix).valid).toBe(true);
  });

  it('an unknown block type suggests the closest name', () => {
    const doc = design([8, 8, 1], (b, x) => b.add('conv2d', {}, x, 'c'));
    expect(only(doc, 'unknown-block').message).toBe("'c' (conv2d): unknown block type 'conv2d' (did you mean 'Conv2D'?)");
  });

  it.each([
    [{ kernelSize: [0, 3] }, 'params.kernelSize[0]: expected a positive integer, got 0'],
    [{ filters: Number.NaN }, 'params.filters: expected a number, got NaN'],
    [{ strides: [-1, 1] }, 'params.strides[0]: expected a positive integer, got -1'],
    [{ filters: 1e9 }, 'params.filters: expected at most 65536, got 1000000000'],
    [{ padding: 'full' }, 'params.padding'],
  ])('nonsense params %j are named (%s); the fix resets them', (params, message) => {
    const doc = setParams(design([8, 8, 1], (b, x) => b.add('Conv2D', { padding: 'same' }, x, 'c')), 'c', params);
    const d = only(doc, 'invalid-params');
    expect(d.nodeId).toBe('c');
    expect(d.message).toContain(message);
    expect(applyFix(doc, d.fix).valid).toBe(true);
  });

  it('several bad params are named in one message and one fix resets them all', () => {
    const doc = setParams(design([8, 8, 1], (b, x) => b.add('Conv2D', { padding: 'same' }, x, 'c')), 'c', { kernelSize: [0, 3], filters: 1e9 });
    const d = only(doc, 'invalid-params');
    expect(d.message).toContain('params.kernelSize[0]: expected a positive integer, got 0');
    expect(d.message).toContain('params.filters: expected at most 65536, got 1000000000');
    expect(d.fix!.label).toBe('Reset filters, kernelSize to their defaults');
    expect(applyFix(doc, d.fix).valid).toBe(true);
  });

  it('bad params of a node without inputs are named before it is wired', () => {
    const b = new DesignBuilder('t');
    b.add('Conv2D', { kernelSize: [0, 3] }, [], 'loose');
    const d = only(b.build(), 'invalid-params');
    expect(d).toMatchObject({ nodeId: 'loose' });
    expect(d.message).toContain('params.kernelSize[0]');
  });

  it('Dense after a 3-D tensor: insert Flatten (or GlobalAvgPool2D)', () => {
    const doc = design([8, 8, 4], (b, x) => b.add('Dense', { units: 10 }, x, 'fc'));
    const d = only(doc, 'needs-flatten');
    expect(d.message).toBe("'fc' (Dense): Dense needs a vector, got a 8x8x4 tensor: insert Flatten or GlobalAvgPool2D before it");
    expect(d.edgeId).toBe(doc.edges[0].id);
    const flat = applyFix(doc, d.fix);
    expect(flat.valid).toBe(true);
    expect(flat.nodes.fc.params.trainable).toBe(8 * 8 * 4 * 10 + 10);
    const gap = applyFix(doc, d.alternatives![0]);
    expect(gap.valid).toBe(true);
    expect(gap.nodes.fc.params.trainable).toBe(4 * 10 + 10);
  });

  it('no Output / no Input: flagged, and the fixes add and connect one', () => {
    const doc = design([8], (b, x) => b.add('Dense', { units: 3 }, x, 'fc'));
    const noOut = { ...doc, nodes: doc.nodes.filter((n) => n.type !== 'Output'), edges: doc.edges.filter((e) => e.target.node !== 'output') };
    expect(applyFix(noOut, only(noOut, 'no-output').fix).valid).toBe(true);
    const noIn = { ...doc, nodes: doc.nodes.filter((n) => n.type !== 'Input'), edges: doc.edges.filter((e) => e.source.node !== 'input') };
    const d = only(noIn, 'no-input');
    expect(d.message).toContain('no Input block');
    expect(applyFix(noIn, d.fix).diagnostics.some((x) => x.code === 'no-input')).toBe(false);
    // With a known input shape (the CLI's --input), the added Input has it and the design is whole again.
    const known = analyzeDesign(noIn, { inputShape: [8] }).diagnostics.find((x) => x.code === 'no-input')!;
    expect(applyFix(noIn, known.fix).valid).toBe(true);
  });

  it('a connection to a missing node or port is flagged on the edge; the fix removes it', () => {
    const doc = design([8], (b, x) => b.add('Dense', { units: 3 }, x, 'fc'));
    const bad = { ...doc, edges: [...doc.edges, { id: 'ghost', source: { node: 'nobody', port: 'out' }, target: { node: 'fc', port: 'in' } }] };
    const d = only(bad, 'dangling-edge');
    expect(d).toMatchObject({ edgeId: 'ghost', message: "connection ghost refers to node 'nobody', which does not exist" });
    expect(applyFix(bad, d.fix).valid).toBe(true);
  });

  it('two edges into a single-input port: flagged, the fix keeps the first', () => {
    const b = new DesignBuilder('two');
    const x = b.input([8]);
    const y = b.add('Dense', { units: 8 }, x, 'other');
    b.output(b.add('Dense', { units: 3 }, [x, y], 'fc'));
    const doc = b.build();
    const d = only(doc, 'too-many-inputs');
    expect(d.message).toContain("'fc' (Dense) takes one input on port 'in', got 2");
    expect(applyFix(doc, d.fix).diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
  });

  it('DepthwiseConv2D dilation (ignored by tfjs) is refused; the fix resets it', () => {
    const doc = design([8, 8, 2], (b, x) => b.add('DepthwiseConv2D', { dilation: [2, 2] }, x, 'dw'));
    expect(applyFix(doc, only(doc, 'unsupported').fix).valid).toBe(true);
  });

  it('a design over the memory budget is flagged before anything is allocated', () => {
    const doc = buildVgg(16);
    const d = analyzeDesign(doc, { memoryBudgetBytes: 256 * 2 ** 20, batchSize: 8 }).diagnostics.find((x) => x.code === 'memory-budget')!;
    expect(d.severity).toBe('error');
    expect(d.message).toContain('its parameters alone need 527.8 MiB');
    const roomy = analyzeDesign(doc, { memoryBudgetBytes: 64 * 2 ** 30, batchSize: 8 });
    expect(roomy.valid).toBe(true);
    const training = analyzeDesign(doc, { memoryBudgetBytes: 1024 * 2 ** 20, batchSize: 8 }).diagnostics.find((x) => x.code === 'memory-budget')!;
    expect(training.message).toContain('training at batch 8 needs about');
  });
});
