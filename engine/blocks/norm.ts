/** Normalization and regularization blocks: BatchNormalization, Dropout. */
import { z } from 'zod';
import { batchNormParams, dropoutParams } from './params';
import type { PrimitiveBlock } from './types';

const IN = [{ name: 'in' }];

export const batchNormalization: PrimitiveBlock<z.output<typeof batchNormParams>> = {
  kind: 'primitive',
  type: 'BatchNormalization',
  label: 'Batch Normalization',
  category: 'normalization',
  description: 'Normalizes each channel over the batch; gamma and beta are trained, the moving mean and variance are not.',
  params: batchNormParams,
  inputs: IN,
  outputShape: (inputs) => ({ ok: true, shape: inputs[0] }),
  paramCount: (inputs, _out, p) => {
    const c = inputs[0][inputs[0].length - 1];
    return { trainable: c * ((p.center ? 1 : 0) + (p.scale ? 1 : 0)), nonTrainable: 2 * c };
  },
  macs: () => 0,
  receptiveField: () => 'identity',
  layer: (p) => ({ className: 'BatchNormalization', config: { axis: -1, momentum: p.momentum, epsilon: p.epsilon, center: p.center, scale: p.scale } }),
};

export const dropout: PrimitiveBlock<z.output<typeof dropoutParams>> = {
  kind: 'primitive',
  type: 'Dropout',
  label: 'Dropout',
  category: 'normalization',
  description: 'While training, zeroes each value with probability `rate` (and scales the rest); does nothing at inference.',
  params: dropoutParams,
  inputs: IN,
  outputShape: (inputs) => ({ ok: true, shape: inputs[0] }),
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  receptiveField: () => 'identity',
  layer: (p) => ({ className: 'Dropout', config: { rate: p.rate } }),
};
