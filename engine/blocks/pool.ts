/** Pooling and padding blocks: MaxPool2D, AvgPool2D, GlobalAvgPool2D, GlobalMaxPool2D, ZeroPadding2D. */
import { z } from 'zod';
import { globalPoolParams, pool2dParams, zeroPadding2dParams } from './params';
import { fail, needsImage, windowOutput, windowTransfer } from './shape-utils';
import type { PrimitiveBlock } from './types';

const IN = [{ name: 'in' }];
type PoolParams = z.output<typeof pool2dParams>;

function pool(type: 'MaxPool2D' | 'AvgPool2D', className: string, label: string, description: string): PrimitiveBlock<PoolParams> {
  const strides = (p: PoolParams) => p.strides ?? p.poolSize;
  return {
    kind: 'primitive',
    type,
    label,
    category: 'pooling',
    description,
    params: pool2dParams,
    inputs: IN,
    outputShape(inputs, p) {
      const bad = needsImage(inputs, type);
      if (bad) return { ok: false, error: bad };
      const r = windowOutput(inputs[0], p.poolSize, strides(p), p.padding);
      return r.ok ? { ok: true, shape: [...r.hw, inputs[0][2]] } : r;
    },
    paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
    macs: () => 0,
    receptiveField: (inputs, _out, p) => windowTransfer(inputs[0], p.poolSize, strides(p), p.padding),
    layer: (p) => ({ className, config: { poolSize: p.poolSize, strides: strides(p), padding: p.padding } }),
  };
}

export const maxPool2d = pool('MaxPool2D', 'MaxPooling2D', 'Max Pool 2D', 'The maximum over each pool window; strides default to the pool size.');
export const avgPool2d = pool('AvgPool2D', 'AveragePooling2D', 'Average Pool 2D', 'The mean over each pool window; strides default to the pool size.');

function globalPool(type: 'GlobalAvgPool2D' | 'GlobalMaxPool2D', className: string, label: string, description: string): PrimitiveBlock<z.output<typeof globalPoolParams>> {
  return {
    kind: 'primitive',
    type,
    label,
    category: 'pooling',
    description,
    params: globalPoolParams,
    inputs: IN,
    outputShape(inputs) {
      const bad = needsImage(inputs, type);
      return bad ? { ok: false, error: bad } : { ok: true, shape: [inputs[0][2]] };
    },
    paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
    macs: () => 0,
    receptiveField: () => 'global',
    layer: () => ({ className, config: {} }),
  };
}

export const globalAvgPool2d = globalPool('GlobalAvgPool2D', 'GlobalAveragePooling2D', 'Global Average Pool', 'The mean of each channel over all positions: [h, w, c] -> [c].');
export const globalMaxPool2d = globalPool('GlobalMaxPool2D', 'GlobalMaxPooling2D', 'Global Max Pool', 'The maximum of each channel over all positions: [h, w, c] -> [c].');

export const zeroPadding2d: PrimitiveBlock<z.output<typeof zeroPadding2dParams>> = {
  kind: 'primitive',
  type: 'ZeroPadding2D',
  label: 'Zero Padding 2D',
  category: 'pooling',
  description: 'Adds rows and columns of zeros: [[top, bottom], [left, right]].',
  params: zeroPadding2dParams,
  inputs: IN,
  outputShape(inputs, p) {
    const bad = needsImage(inputs, 'ZeroPadding2D');
    if (bad) return { ok: false, error: bad };
    const [[t, b], [l, r]] = p.padding;
    const x = inputs[0];
    if (x[0] + t + b <= 0 || x[1] + l + r <= 0) return fail('spatial-too-small', 'output would be empty');
    return { ok: true, shape: [x[0] + t + b, x[1] + l + r, x[2]] };
  },
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  receptiveField: (_inputs, _out, p) => ({ kernel: [1, 1], stride: [1, 1], padding: [p.padding[0][0], p.padding[1][0]] }),
  layer: (p) => ({ className: 'ZeroPadding2D', config: { padding: p.padding } }),
};
