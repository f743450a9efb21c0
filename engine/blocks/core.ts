/** Core blocks: Flatten, Dense, Reshape. */
import { z } from 'zod';
import { applyActivation, int, toChannelsFirst, toChannelsLast } from '../codegen/torch-helpers';
import { cfg, importActivation, requireChannelsLast } from '../import/keras-config';
import { activationSchema, posInt } from './params';
import { fail, formatShape, product } from './shape-utils';
import type { PrimitiveBlock } from './types';
import { attrInt, channelsLastAround, transpose, type OnnxLayerContext } from '../onnx/export-helpers';

/** Dense: Gemm (weights stored [out, in] with transB, as PyTorch writes Linear) on vectors; MatMul on the channel axis otherwise. */
function denseOnnx(ctx: OnnxLayerContext, out: string): string {
  const { w } = ctx;
  const [kernel, bias] = ctx.weights;
  const name = ctx.node.layerName;
  if (ctx.inShapes[0].length === 1) {
    const t = transpose(kernel.data, kernel.shape, [1, 0]);
    const inputs = [ctx.ins[0], w.floats(`${name}_weight`, t.dims, t.data)];
    if (bias) inputs.push(w.floats(`${name}_bias`, bias.shape, bias.data));
    return w.op('Gemm', inputs, out, [attrInt('transB', 1)]);
  }
  return channelsLastAround(ctx, out, ctx.inShapes[0].length, (x, o) => {
    const y = w.op('MatMul', [x, w.floats(`${name}_weight`, kernel.shape, kernel.data)], bias ? `${name}_matmul` : o);
    return bias ? w.op('Add', [y, w.floats(`${name}_bias`, bias.shape, bias.data)], o) : y;
  });
}

export const flattenParams = z.object({});

export const denseParams = z.object({
  units: posInt(1_000_000).default(10),
  useBias: z.boolean().default(true),
  activation: activationSchema.default('linear'),
});

/** Reshape to `targetShape` (without the batch dimension); one entry may be -1 (inferred). */
export const reshapeParams = z.object({
  targetShape: z.array(z.number().int().min(-1).refine((n) => n !== 0, 'expected a positive size or -1')).min(1).max(4).default([-1]),
});

const IN = [{ name: 'in' }];

export const flatten: PrimitiveBlock<z.output<typeof flattenParams>> = {
  kind: 'primitive',
  type: 'Flatten',
  label: 'Flatten',
  category: 'core',
  description: 'Turns a [h, w, c] tensor into a vector of h·w·c values.',
  explain: {
    text: 'Unrolls a [h, w, c] map into one long vector so Dense layers can read it. Position information survives, but every later unit is tied to specific places, which costs many parameters.',
    formulas: { output: '[H, W, C] → [H·W·C]', params: '0', receptiveField: 'the whole input (a Dense layer after it sees every position)' },
    diagram: 'flatten',
  },
  params: flattenParams,
  inputs: IN,
  outputShape: (inputs) => ({ ok: true, shape: [product(inputs[0])] }),
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  receptiveField: (inputs) => (inputs[0].length === 1 ? 'identity' : 'global'),
  layer: () => ({ className: 'Flatten', config: {} }),
  traits: { classCount: 'passes' },
  tfjs: { Flatten: { factory: 'flatten' } },
  // Keras flattens channels-last: move channels back last before flattening the NCHW tensor.
  torch: (ctx) => {
    const r = ctx.inShapes[0].length;
    return { forward: r === 1 ? ctx.ins[0] : `torch.flatten(${toChannelsLast(ctx.ins[0], r)}, 1)` };
  },
  // Keras flattens channels last: move them last before flattening the NCHW tensor.
  onnx: (ctx, out) => channelsLastAround(ctx, out, 1, (x, o) => ctx.w.op('Flatten', [x], o, [attrInt('axis', 1)])),
  imports: {
    Flatten: (c) => {
      requireChannelsLast(c);
      return [{ type: 'Flatten', params: {} }];
    },
  },
};

export const dense: PrimitiveBlock<z.output<typeof denseParams>> = {
  kind: 'primitive',
  type: 'Dense',
  label: 'Dense',
  category: 'core',
  description: 'A fully connected layer: every output unit is a weighted sum of every input value.',
  explain: {
    text: 'A fully connected layer: every output is a weighted sum of every input value, plus a bias. Used at the end of a CNN to turn features into class scores; the last one usually has one unit per class and a softmax.',
    formulas: { output: '[N] → [units]', params: 'N·units + units', receptiveField: 'the whole input' },
    diagram: 'dense',
  },
  params: denseParams,
  inputs: IN,
  outputShape(inputs, p) {
    const x = inputs[0];
    if (x.length >= 3) {
      return fail('needs-flatten', `Dense needs a vector, got a ${formatShape(x)} tensor: insert Flatten or GlobalAvgPool2D before it`, { shape: formatShape(x) });
    }
    return { ok: true, shape: [...x.slice(0, -1), p.units] };
  },
  paramCount: (inputs, _out, p) => ({ trainable: inputs[0][inputs[0].length - 1] * p.units + (p.useBias ? p.units : 0), nonTrainable: 0 }),
  macs: (inputs, _out, p) => product(inputs[0]) * p.units,
  receptiveField: () => 'identity',
  layer: (p) => ({ className: 'Dense', config: { units: p.units, useBias: p.useBias, activation: p.activation } }),
  traits: { classCount: { param: 'units' } },
  tfjs: { Dense: { factory: 'dense', initializers: { kernelInitializer: 'glorotUniform' } } },
  torch: (ctx) => {
    const c = ctx.node.layer!.config;
    const shape = ctx.inShapes[0];
    const init = `nn.Linear(${shape[shape.length - 1]}, ${int(c.units, 'units')}, bias=${c.useBias === false ? 'False' : 'True'})`;
    // Keras applies Dense to the last (channel) axis; move channels last and back for rank > 1.
    const y = shape.length === 1 ? `self.${ctx.attr}(${ctx.ins[0]})` : `self.${ctx.attr}(${ctx.ins[0]}.movedim(1, -1)).movedim(-1, 1)`;
    return { init, forward: applyActivation(y, ctx.activation) };
  },
  onnx: denseOnnx,
  weightSpecs: (c, inShape) => [{ role: 'kernel', shape: [inShape[inShape.length - 1], Number(c.units)] }, ...(c.useBias !== false ? [{ role: 'bias' as const, shape: [Number(c.units)] }] : [])],
  imports: {
    Dense: (c) => [{ type: 'Dense', params: { units: cfg(c, 'units'), useBias: cfg(c, 'use_bias') !== false, activation: importActivation(cfg(c, 'activation')) } }],
  },
};

export const reshape: PrimitiveBlock<z.output<typeof reshapeParams>> = {
  kind: 'primitive',
  type: 'Reshape',
  label: 'Reshape',
  category: 'core',
  description: 'Rearranges the values into `targetShape` (one entry may be -1: inferred from the rest).',
  explain: {
    text: 'Rearranges the same values into another shape (one dimension may be −1 and inferred). Nothing is computed or learned.',
    formulas: { output: 'product of the target shape = product of the input shape', params: '0', receptiveField: 'unchanged when the spatial layout is kept' },
    diagram: 'pointwise',
  },
  params: reshapeParams,
  inputs: IN,
  outputShape(inputs, p) {
    const total = product(inputs[0]);
    const unknown = p.targetShape.filter((d) => d === -1).length;
    if (unknown > 1) return fail('invalid-params', 'targetShape may contain -1 only once', { context: 'reshapeUnknown' });
    const known = product(p.targetShape.filter((d) => d !== -1));
    const target = `[${p.targetShape.join(', ')}]`;
    if (unknown === 1) {
      if (total % known !== 0) return fail('reshape-mismatch', `cannot reshape ${formatShape(inputs[0])} (${total} values) into ${target}`, { shape: formatShape(inputs[0]), total, target, context: 'divisible' });
      return { ok: true, shape: p.targetShape.map((d) => (d === -1 ? total / known : d)) };
    }
    if (known !== total) return fail('reshape-mismatch', `cannot reshape ${formatShape(inputs[0])} (${total} values) into ${target} (${known} values)`, { shape: formatShape(inputs[0]), total, target, known });
    return { ok: true, shape: [...p.targetShape] };
  },
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  receptiveField: (inputs, out) => (inputs[0].length === out.length && inputs[0].every((d, i) => d === out[i]) ? 'identity' : 'global'),
  layer: (p) => ({ className: 'Reshape', config: { targetShape: p.targetShape } }),
  traits: { classCount: { param: 'targetShape', value: (classes) => [classes], passes: true } },
  tfjs: { Reshape: { factory: 'reshape' } },
  torch: (ctx) => {
    const out = ctx.node.outputShape;
    const r = ctx.inShapes[0].length;
    return { forward: toChannelsFirst(`${toChannelsLast(ctx.ins[0], r)}.reshape(-1, ${out.map((v) => int(v, 'targetShape')).join(', ')})`, out.length) };
  },
  onnx: (ctx, out) => channelsLastAround(ctx, out, ctx.node.outputShape.length, (x, o) => ctx.w.op('Reshape', [x, ctx.w.ints(`${ctx.node.layerName}_shape`, [-1, ...ctx.node.outputShape])], o)),
  imports: { Reshape: (c) => [{ type: 'Reshape', params: { targetShape: cfg(c, 'target_shape') } }] },
};
