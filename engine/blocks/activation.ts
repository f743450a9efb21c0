/** The Activation block: every tfjs activation, plus leaky ReLU (its own layer class in Keras/tfjs). */
import { z } from 'zod';
import { activationParams } from './params';
import type { PrimitiveBlock } from './types';

export const activation: PrimitiveBlock<z.output<typeof activationParams>> = {
  kind: 'primitive',
  type: 'Activation',
  label: 'Activation',
  category: 'activation',
  description: 'An element-wise non-linearity: relu, relu6, leaky relu, elu, selu, sigmoid, tanh, softmax, swish, ...',
  params: activationParams,
  inputs: [{ name: 'in' }],
  outputShape: (inputs) => ({ ok: true, shape: inputs[0] }),
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  receptiveField: () => 'identity',
  layer: (p) => (p.activation === 'leakyRelu' ? { className: 'LeakyReLU', config: { alpha: p.alpha } } : { className: 'Activation', config: { activation: p.activation } }),
};
