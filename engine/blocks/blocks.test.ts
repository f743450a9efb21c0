/**
 * Every primitive block over parameter grids: output shapes against the conv_utils formulas and against
 * tfjs-layers itself (`layer.apply(tf.input(...)).shape`, `countParams()`), MACs against the formulas.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getBlock, listBlocks } from './registry';
import { convOutputLength, padBefore } from './shape-utils';
import type { PrimitiveBlock, Shape } from './types';

const FACTORY: Record<string, (c: Record<string, unknown>) => tf.layers.Layer> = {
  Conv2D: (c) => tf.layers.conv2d(c as never),
  DepthwiseConv2D: (c) => tf.layers.depthwiseConv2d(c as never),
  SeparableConv2D: (c) => tf.layers.separableConv2d(c as never),
  Conv2DTranspose: (c) => tf.layers.conv2dTranspose(c as never),
  MaxPooling2D: (c) => tf.layers.maxPooling2d(c as never),
  AveragePooling2D: (c) => tf.layers.averagePooling2d(c as never),
  GlobalAveragePooling2D: (c) => tf.layers.globalAveragePooling2d(c as never),
  GlobalMaxPooling2D: (c) => tf.layers.globalMaxPooling2d(c as never),
  ZeroPadding2D: (c) => tf.layers.zeroPadding2d(c as never),
  BatchNormalization: (c) => tf.layers.batchNormalization(c as never),
  Dropout: (c) => tf.layers.dropout(c as never),
  Activation: (c) => tf.layers.activation(c as never),
  LeakyReLU: (c) => tf.layers.leakyReLU(c as never),
  Flatten: (c) => tf.layers.flatten(c as never),
  Dense: (c) => tf.layers.dense(c as never),
  Reshape: (c) => tf.layers.reshape(c as never),
  Add: (c) => tf.layers.add(c as never),
  Multiply: (c) => tf.layers.multiply(c as never),
  Concatenate: (c) => tf.layers.concatenate(c as never),
};

/** Evaluates a block with our rules and with tfjs; returns both shapes and parameter counts. */
function compare(type: string, raw: Record<string, unknown>, inputs: Shape[]) {
  const spec = getBlock(type) as PrimitiveBlock;
  const params = spec.params.parse(raw) as Record<string, unknown>;
  const ours = spec.outputShape(inputs, params);
  const mapping = spec.layer(params, inputs)!;
  const layer = FACTORY[mapping.className](mapping.config);
  const ins = inputs.map((s) => tf.input({ shape: [...s] }));
  let tfShape: number[] | null = null;
  try {
    tfShape = (layer.apply(ins.length === 1 ? ins[0] : ins) as tf.SymbolicTensor).shape.slice(1) as number[];
  } catch {
    tfShape = null;
  }
  const counts = ours.ok ? spec.paramCount(inputs, ours.shape, params) : null;
  return { spec, params, ours, tfShape, counts, tfParams: tfShape ? layer.countParams() : null };
}

const grid = <T>(axes: T[][]): T[][] => axes.reduce<T[][]>((acc, axis) => acc.flatMap((a) => axis.map((v) => [...a, v])), [[]]);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('registry', () => {
  it('finds every block under its own type name, each name once', () => {
    const names = listBlocks().map((b) => b.type);
    expect(new Set(names).size).toBe(names.length);
    for (const b of listBlocks()) {
      expect(getBlock(b.type)).toBe(b);
      expect(b.type).toMatch(/^[A-Z][A-Za-z0-9]*$/);
      expect(b.description.length, b.type).toBeGreaterThan(20);
    }
    expect(getBlock('Conv3D')).toBeUndefined();
  });
});

describe('convOutputLength', () => {
  it.each([
    [7, 3, 'valid', 1, 1, 5], [7, 3, 'same', 2, 1, 4], [8, 3, 'same', 2, 1, 4], [8, 3, 'valid', 2, 1, 3], [9, 3, 'valid', 1, 2, 5], [2, 3, 'valid', 1, 1, 0],
  ] as const)('len %i k %i %s s %i d %i -> %i', (len, k, pad, s, d, out) => {
    expect(convOutputLength(len, k, pad, s, d)).toBe(out);
  });
  it.each([[8, 3, 2, 0], [7, 3, 2, 1], [8, 3, 1, 1], [8, 5, 1, 2], [9, 3, 2, 1]] as const)("'same' pads len %i k %i s %i by %i on top/left", (len, k, s, pad) => {
    expect(padBefore(len, k, 'same', s)).toBe(pad);
  });
});

const convGrid = grid<number | string>([[7, 8], [1, 3, 5], [1, 2], ['valid', 'same'], [1, 2]]).filter(([, , s, , d]) => !(s === 2 && d === 2));

describe.each(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D'])('%s matches tfjs and the formulas', (type) => {
  it.each(convGrid)('input %i, kernel %i, stride %i, %s, dilation %i', (...cell) => {
    const [size, k, s, d] = [cell[0], cell[1], cell[2], cell[4]] as number[];
    const pad = cell[3] as 'valid' | 'same';
    const raw = { filters: 4, kernelSize: [k, k], strides: [s, s], padding: pad, dilation: [d, d], depthMultiplier: 2, useBias: k !== 3 };
    const input: Shape = [size, size + 1, 3];
    const r = compare(type, raw, [input]);
    if (type === 'DepthwiseConv2D' && d === 2) {
      // tfjs ignores this dilation (its call() passes null), so the block refuses it.
      expect(r.ours).toMatchObject({ ok: false, error: { code: 'unsupported', param: 'dilation' } });
      return;
    }
    if (!r.ours.ok) {
      expect(r.ours.error.code).toBe('spatial-too-small');
      expect(r.tfShape === null || r.tfShape.some((n) => n <= 0)).toBe(true);
      return;
    }
    expect([...r.ours.shape]).toEqual(r.tfShape);
    expect(r.counts!.trainable).toBe(r.tfParams);
    const [h, w] = [convOutputLength(size, k, pad, s, d), convOutputLength(size + 1, k, pad, s, d)];
    const macs = r.spec.macs([input], r.ours.shape, r.params);
    const expected = type === 'Conv2D' ? h * w * 4 * k * k * 3 : type === 'DepthwiseConv2D' ? h * w * 6 * k * k : h * w * 6 * (k * k + 4);
    expect(macs).toBe(expected);
  });
});

describe('other primitives match tfjs', () => {
  const cases: [string, Record<string, unknown>, Shape[]][] = [
    ['Conv2DTranspose', { filters: 5, kernelSize: [3, 3], strides: [2, 2], padding: 'valid' }, [[5, 6, 3]]],
    ['Conv2DTranspose', { filters: 5, kernelSize: [4, 4], strides: [2, 2], padding: 'same', useBias: false }, [[5, 6, 3]]],
    ...grid<number | string>([[2, 3], [1, 2], ['valid', 'same']]).flatMap(([p, s, pad]) =>
      ['MaxPool2D', 'AvgPool2D'].map((t): [string, Record<string, unknown>, Shape[]] => [t, { poolSize: [p, p], strides: [s, s], padding: pad }, [[7, 8, 3]]])),
    ['MaxPool2D', { poolSize: [2, 2] }, [[7, 8, 3]]],
    ['GlobalAvgPool2D', {}, [[7, 8, 3]]],
    ['GlobalMaxPool2D', {}, [[7, 8, 3]]],
    ['ZeroPadding2D', { padding: [[1, 2], [0, 3]] }, [[7, 8, 3]]],
    ['BatchNormalization', {}, [[7, 8, 3]]],
    ['BatchNormalization', { center: false }, [[10]]],
    ['Dropout', { rate: 0.3 }, [[7, 8, 3]]],
    ['Activation', { activation: 'relu6' }, [[7, 8, 3]]],
    ['Activation', { activation: 'leakyRelu', alpha: 0.1 }, [[7, 8, 3]]],
    ['Flatten', {}, [[7, 8, 3]]],
    ['Dense', { units: 7 }, [[12]]],
    ['Dense', { units: 7, useBias: false }, [[12]]],
    ['Reshape', { targetShape: [4, 9] }, [[2, 6, 3]]],
    ['Add', {}, [[4, 4, 3], [4, 4, 3]]],
    ['Multiply', {}, [[4, 4, 3], [4, 4, 3], [4, 4, 3]]],
    ['Concatenate', {}, [[4, 4, 3], [4, 4, 5]]],
    ['Concatenate', { axis: 2 }, [[4, 4, 3], [4, 2, 3]]],
    ['Concatenate', { axis: 1 }, [[4, 4, 3], [2, 4, 3]]],
  ];
  it.each(cases)('%s %j on %j', (type, raw, inputs) => {
    const r = compare(type, raw, inputs);
    expect(r.ours.ok).toBe(true);
    if (!r.ours.ok) return;
    expect([...r.ours.shape]).toEqual(r.tfShape);
    expect(r.counts!.trainable + r.counts!.nonTrainable).toBe(r.tfParams);
  });

  it('infers the -1 entry of Reshape (tfjs leaves it unknown symbolically)', () => {
    expect(compare('Reshape', { targetShape: [4, -1] }, [[2, 6, 3]]).ours).toEqual({ ok: true, shape: [4, 9] });
  });

  it('counts BatchNorm moving mean and variance as non-trainable (Keras convention)', () => {
    expect(compare('BatchNormalization', {}, [[7, 8, 16]]).counts).toEqual({ trainable: 32, nonTrainable: 32 });
  });

  it('rejects what tfjs rejects: mismatched Add, Concatenate of different sizes, Dense on an image, bad reshape', () => {
    expect(compare('Add', {}, [[4, 4, 3], [4, 4, 5]]).ours).toMatchObject({ ok: false, error: { code: 'shape-mismatch' } });
    expect(compare('Concatenate', {}, [[4, 4, 3], [2, 2, 3]]).ours).toMatchObject({ ok: false, error: { code: 'shape-mismatch' } });
    expect(compare('Dense', { units: 3 }, [[4, 4, 3]]).ours).toMatchObject({ ok: false, error: { code: 'needs-flatten' } });
    expect(compare('Reshape', { targetShape: [5, -1] }, [[4, 4, 3]]).ours).toMatchObject({ ok: false, error: { code: 'reshape-mismatch' } });
  });
});
