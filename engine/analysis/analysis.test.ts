/** Whole networks against published figures, receptive fields, composites and the incremental analyzer. */
import { describe, expect, it } from 'vitest';
import { DesignBuilder } from '../build/design-builder';
import { buildResnet } from '../../templates/builders/resnet';
import { buildVgg } from '../../templates/builders/vgg';
import type { DesignDocument } from '../schema/document';
import { analyzeDesign, createAnalyzer } from './analyze';

describe('published parameter counts', () => {
  it.each([
    ['VGG-16', () => buildVgg(16), 138_357_544, 138_357_544],
    ['VGG-19', () => buildVgg(19), 143_667_240, 143_667_240],
    ['Keras ResNet-50', () => buildResnet(50), 25_636_712, 25_583_592],
    ['Keras ResNet-101', () => buildResnet(101), 44_707_176, 44_601_832],
    ['Keras ResNet-152', () => buildResnet(152), 60_419_944, 60_268_520],
  ])('%s has %i parameters (%i trainable)', (_name, build, total, trainable) => {
    const a = analyzeDesign(build());
    expect(a.valid).toBe(true);
    expect(a.totals.params).toBe(total);
    expect(a.totals.trainableParams).toBe(trainable);
  });

  it('ResNet-18/34 trainable parameters equal torchvision (11,689,512 and 21,797,672)', () => {
    expect(analyzeDesign(buildResnet(18)).totals.trainableParams).toBe(11_689_512);
    expect(analyzeDesign(buildResnet(34)).totals.trainableParams).toBe(21_797_672);
  });

  it('Keras ResNet-50 stages: 112x112x64 -> 56x56x256 -> 28x28x512 -> 14x14x1024 -> 7x7x2048, receptive field 483', () => {
    const a = analyzeDesign(buildResnet(50));
    const shapes = ['conv1_conv', 'conv2_block3', 'conv3_block4', 'conv4_block6', 'conv5_block3'].map((id) => a.nodes[id].outputShape);
    expect(shapes).toEqual([[112, 112, 64], [56, 56, 256], [28, 28, 512], [14, 14, 1024], [7, 7, 2048]]);
    expect(a.nodes.conv5_block3.receptiveField).toEqual({ size: [483, 483], stride: [32, 32], padding: [241, 241] });
    const names = a.flat.map((n) => n.layerName);
    expect(names).toContain('conv2_block1_0_conv');
    expect(names).toContain('conv5_block3_out');
    expect(new Set(names).size).toBe(names.length);
    expect(a.diagnostics.filter((d) => d.code === 'rf-misaligned')).toEqual([]);
  });

  it('VGG-16 MACs equal the sum of h·w·k·k·cin·cout over its layers (15.47 G)', () => {
    expect(analyzeDesign(buildVgg(16)).totals.macs).toBe(15_470_264_320);
  });
});

/** Input -> the given convolutions -> Output, at 32x32x1. */
function convStack(convs: Record<string, unknown>[], size = 32): DesignDocument {
  const b = new DesignBuilder('stack');
  let x = b.input([size, size, 1]);
  convs.forEach((c, i) => (x = b.add('Conv2D', { filters: 2, ...c }, x, `c${i + 1}`)));
  b.output(x);
  return b.build();
}

describe('receptive fields (Araujo et al. 2019)', () => {
  it.each([
    ['three stacked 3x3 see 7x7', [{}, {}, {}], [7, 7], [1, 1], [0, 0]],
    ['3x3 stride 2 then 3x3', [{ strides: [2, 2] }, {}], [7, 7], [2, 2], [0, 0]],
    ['dilated 3x3 (d=2) sees 5x5', [{ dilation: [2, 2] }], [5, 5], [1, 1], [0, 0]],
    ['3x3 with dilations 1, 2, 4 see 15x15', [{}, { dilation: [2, 2] }, { dilation: [4, 4] }], [15, 15], [1, 1], [0, 0]],
    ["'same' 3x3 pads one", [{ padding: 'same' }, { padding: 'same' }], [5, 5], [1, 1], [2, 2]],
    ["'same' 3x3 stride 2 on an even size pads 0 on top/left", [{ padding: 'same', strides: [2, 2] }], [3, 3], [2, 2], [0, 0]],
    ['anisotropic 1x5 kernel', [{ kernelSize: [1, 5] }], [1, 5], [1, 1], [0, 0]],
  ])('%s', (_name, convs, size, stride, padding) => {
    const a = analyzeDesign(convStack(convs as Record<string, unknown>[]));
    expect(a.nodes[`c${convs.length}`].receptiveField).toEqual({ size, stride, padding });
  });

  it("'same' padding uses the real left pad of the actual input size (odd size: 1)", () => {
    const a = analyzeDesign(convStack([{ padding: 'same', strides: [2, 2] }], 31));
    expect(a.nodes.c1.receptiveField!.padding).toEqual([1, 1]);
  });

  it('the largest field wins at a merge, and misaligned paths get a warning naming both', () => {
    const b = new DesignBuilder('merge');
    const x = b.input([32, 32, 3]);
    const big = b.add('Conv2D', { filters: 4, kernelSize: [5, 5], padding: 'same' }, x, 'big');
    const small = b.add('Conv2D', { filters: 4, kernelSize: [3, 3], padding: 'same' }, x, 'small');
    const aligned = b.add('Add', {}, [big, small], 'aligned');
    const strided = b.add('Conv2D', { filters: 4, kernelSize: [2, 2], strides: [1, 1], padding: 'valid' }, aligned, 'shifted');
    // 31x31 both ways: a 2x2 'valid' conv (centre +0.5) vs top/left padding then a 3x3 'valid' conv (centre 0).
    const other = b.add('Conv2D', { filters: 4, kernelSize: [3, 3] }, b.add('ZeroPadding2D', { padding: [[1, 0], [1, 0]] }, aligned, 'pad'), 'proj');
    b.output(b.add('Add', {}, [strided, other], 'misaligned'));
    const a = analyzeDesign(b.build());
    expect(a.nodes.aligned.receptiveField!.size).toEqual([5, 5]);
    const warnings = a.diagnostics.filter((d) => d.code === 'rf-misaligned');
    expect(warnings.map((w) => w.nodeId)).toEqual(['misaligned']);
    expect(warnings[0].severity).toBe('warning');
    expect(warnings[0].message).toContain("'shifted'");
    expect(warnings[0].message).toContain("'proj'");
    expect(a.valid).toBe(true);
  });
});

describe('composites', () => {
  it('an Inception module (3a) has the GoogLeNet widths and parameter count', () => {
    const b = new DesignBuilder('inc');
    b.output(b.add('Inception', {}, b.input([28, 28, 192]), 'inception_3a'));
    const a = analyzeDesign(b.build());
    expect(a.nodes.inception_3a.outputShape).toEqual([28, 28, 256]);
    // 1x1: 192*64+64; 3x3: 192*96+96 + 9*96*128+128; 5x5: 192*16+16 + 25*16*32+32; pool proj: 192*32+32
    expect(a.nodes.inception_3a.params.trainable).toBe(12352 + 18528 + 110720 + 3088 + 12832 + 6176);
    expect(a.flat.map((n) => n.layerName)).toContain('inception_3a_3x3_reduce');
  });

  it('a user-defined Composite expands its definition; editing the definition updates every use', () => {
    const b = new DesignBuilder('user');
    b.defineComposite({
      id: 'twoconv', name: 'Two convs', description: '',
      nodes: [
        { id: 'a', type: 'Conv2D', name: 'a', params: { filters: 8, padding: 'same' }, position: { x: 0, y: 0 } },
        { id: 'b', type: 'Conv2D', name: 'b', params: { filters: 8, padding: 'same' }, position: { x: 0, y: 0 } },
      ],
      edges: [{ id: 'e', source: { node: 'a', port: 'out' }, target: { node: 'b', port: 'in' } }],
      inputs: [{ name: 'in', node: 'a', port: 'in' }],
      output: { name: 'out', node: 'b', port: 'out' },
    });
    let x = b.input([16, 16, 3]);
    x = b.add('Composite', { definition: 'twoconv' }, x, 'first');
    x = b.add('Composite', { definition: 'twoconv' }, x, 'second');
    b.output(x);
    const doc = b.build();
    const analyzer = createAnalyzer();
    const before = analyzer.update(doc);
    expect(before.valid).toBe(true);
    expect(before.nodes.second.receptiveField!.size).toEqual([9, 9]);
    expect(before.flat.map((n) => n.layerName)).toEqual(['input', 'first_a', 'first_b', 'second_a', 'second_b', 'output']);
    const defs = doc.composites.map((d) => ({ ...d, nodes: d.nodes.map((n) => (n.id === 'b' ? { ...n, params: { ...n.params, filters: 4 } } : n)) }));
    const after = analyzer.update({ ...doc, composites: defs });
    expect(after.nodes.first.outputShape).toEqual([16, 16, 4]);
    expect(after.nodes.second.outputShape).toEqual([16, 16, 4]);
    expect(after).toEqual(analyzeDesign({ ...doc, composites: defs }));
  });
});

describe('incremental analysis', () => {
  it('gives exactly the fresh result after each of a series of edits', () => {
    let doc = buildResnet(18, { inputShape: [64, 64, 3], classes: 10 });
    const analyzer = createAnalyzer();
    analyzer.update(doc);
    const edits: [string, Record<string, unknown>][] = [
      ['conv3_block1', { filters: 96 }], ['predictions', { units: 5 }], ['conv1_conv', { strides: [1, 1] }], ['conv3_block1', { filters: 128 }],
    ];
    for (const [id, patch] of edits) {
      doc = { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, params: { ...n.params, ...patch } } : n)) };
      expect(analyzer.update(doc)).toEqual(analyzeDesign(doc));
    }
    expect(analyzer.update(doc, { inputShape: [32, 32, 3] })).toEqual(analyzeDesign(doc, { inputShape: [32, 32, 3] }));
  });

  it('reuses the cached results of unchanged nodes', () => {
    const doc = buildVgg(11, { inputShape: [32, 32, 3], classes: 10 });
    const analyzer = createAnalyzer();
    const a = analyzer.update(doc);
    const edited = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'fc2' ? { ...n, params: { ...n.params, units: 100 } } : n)) };
    const b = analyzer.update(edited);
    expect(b.nodes.block1_conv1).toBe(a.nodes.block1_conv1);
    expect(b.nodes.fc1).toBe(a.nodes.fc1);
    expect(b.nodes.fc2).not.toBe(a.nodes.fc2);
    expect(b.nodes.predictions.params.trainable).toBe(100 * 10 + 10);
  });
});

describe('memory model', () => {
  it('grows with the batch size by the activations, and inference needs less than training', () => {
    const doc = buildVgg(11, { inputShape: [32, 32, 3], classes: 10 });
    const one = analyzeDesign(doc, { batchSize: 1 }).totals.memory;
    const two = analyzeDesign(doc, { batchSize: 2 }).totals.memory;
    const weights = analyzeDesign(doc).totals.params * 4;
    expect(one.inferenceBytes).toBeGreaterThan(weights);
    expect(one.trainingBytes).toBeGreaterThan(one.inferenceBytes);
    // Peak inference activations of VGG-11 at 32x32: block1_conv1 (32*32*64) still alive while block1_pool (16*16*64) is written.
    expect(one.inferenceBytes - weights).toBe((32 * 32 * 64 + 16 * 16 * 64) * 4);
    expect(two.inferenceBytes - one.inferenceBytes).toBe(one.inferenceBytes - weights);
  });
});
