/** The Activation block: every tfjs activation, plus leaky ReLU (its own layer class in Keras/tfjs). */
import { z } from 'zod';
import { applyActivation, num } from '../codegen/torch-helpers';
import { cfg, importActivation, LayerProblem, type LayerConfig } from '../import/keras-config';
import { ACTIVATIONS } from './params';
import type { PrimitiveBlock } from './types';
import { attrFloat } from '../onnx/export-helpers';

/** Activation layer: every tfjs activation plus leaky ReLU (a layer of its own in tfjs/Keras). */
export const activationParams = z.object({
  activation: z.enum([...ACTIVATIONS, 'leakyRelu']).default('relu'),
  /** Negative slope of leaky ReLU. */
  alpha: z.number().min(0).max(1).default(0.3),
});

/** Keras' ReLU layer: plain or capped at 6 (relu6); slopes and thresholds have no block. */
function importRelu(config: LayerConfig): Record<string, unknown> {
  const max = cfg(config, 'max_value');
  const slope = Number(cfg(config, 'negative_slope') ?? 0);
  const threshold = Number(cfg(config, 'threshold') ?? 0);
  if (slope !== 0 || threshold !== 0) throw new LayerProblem(`negative_slope ${slope} / threshold ${threshold}`);
  if (max === undefined || max === null) return { activation: 'relu' };
  if (Number(max) === 6) return { activation: 'relu6' };
  throw new LayerProblem(`max_value ${String(max)}`, 'relu6');
}

export const activation: PrimitiveBlock<z.output<typeof activationParams>> = {
  kind: 'primitive',
  type: 'Activation',
  label: 'Activation',
  category: 'activation',
  description: 'An element-wise non-linearity: relu, relu6, leaky relu, elu, selu, sigmoid, tanh, softmax, swish, ...',
  explain: {
    text: 'Applies a non-linear function to every value (ReLU keeps positives and zeroes negatives; softmax turns scores into probabilities). Without non-linearities a stack of layers would collapse into one linear map.',
    formulas: { output: 'output = input shape', params: '0', receptiveField: 'unchanged' },
    diagram: 'pointwise',
  },
  params: activationParams,
  inputs: [{ name: 'in' }],
  outputShape: (inputs) => ({ ok: true, shape: inputs[0] }),
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  receptiveField: () => 'identity',
  layer: (p) => (p.activation === 'leakyRelu' ? { className: 'LeakyReLU', config: { alpha: p.alpha } } : { className: 'Activation', config: { activation: p.activation } }),
  traits: { classCount: 'passes' },
  tfjs: { Activation: { factory: 'activation' }, LeakyReLU: { factory: 'leakyReLU' } },
  torch: (ctx) => {
    const c = ctx.node.layer!.config;
    if (ctx.node.layer!.className === 'LeakyReLU') return { forward: `F.leaky_relu(${ctx.ins[0]}, negative_slope=${c.alpha === undefined ? '0.3' : num(c.alpha, 'alpha')})` };
    return { forward: applyActivation(ctx.ins[0], ctx.activation) };
  },
  // The activation itself is applied by the exporter after every layer (like `activation` of a Conv2D).
  onnx: (ctx, out) => (ctx.node.layer!.className === 'LeakyReLU' ? ctx.w.op('LeakyRelu', [ctx.ins[0]], out, [attrFloat('alpha', Number(ctx.node.layer!.config.alpha ?? 0.3))]) : ctx.ins[0]),
  imports: {
    Activation: (c) => [{ type: 'Activation', params: { activation: importActivation(cfg(c, 'activation')) } }],
    Softmax: (c) => {
      const axis = cfg(c, 'axis');
      if (axis !== undefined && axis !== -1 && !(Array.isArray(axis) && axis.length === 1 && axis[0] === -1)) throw new LayerProblem(`axis ${JSON.stringify(axis)}`);
      return [{ type: 'Activation', params: { activation: 'softmax' } }];
    },
    ReLU: (c) => [{ type: 'Activation', params: importRelu(c) }],
    LeakyReLU: (c) => [{ type: 'Activation', params: { activation: 'leakyRelu', alpha: Number(cfg(c, 'alpha') ?? cfg(c, 'negative_slope') ?? 0.3) } }],
  },
};
