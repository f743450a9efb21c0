/**
 * DynamicConv2D: dynamic convolution (Chen et al., CVPR 2020; CondConv, Yang et al. 2019) — K kernels mixed per
 * example by attention over the globally pooled input. A LayerLoom custom tfjs layer
 * (`compile/custom-layers/dynamic-conv.ts`) and, in the PyTorch export, one nn.Conv2d to K·filters channels
 * plus the attention MLP (the same exact linear-mixing form).
 */
import { z } from 'zod';
import { windowConfig } from '../codegen/layer-config';
import { numberLiteral } from '../codegen/sanitize';
import { applyActivation, int, padExpr, tuple, windowPadding } from '../codegen/torch-helpers';
import { dynamicConvClass, DYNAMIC_CONV_CLASS, type DynamicConvConfig } from '../compile/custom-layers/dynamic-conv';
import { paddingSchema, posInt } from './params';
import { product, windowTransfer } from './shape-utils';
import { conv2dParams, convOutputShape } from './conv';
import type { PrimitiveBlock } from './types';
import { attrInt, convKernel, windowAttrs, windowOf, type OnnxLayerContext } from '../onnx/export-helpers';

/**
 * ONNX: one Conv to K·filters channels viewed as [N, K, F, H, W], weighted by softmax(MLP(GAP(x)) / τ) reshaped
 * to [N, K, 1, 1, 1] and summed over K — the same exact linear-mixing form the tfjs layer computes.
 */
function dynamicConvOnnx(ctx: OnnxLayerContext, out: string): string {
  const { w, node } = ctx;
  const c = node.layer!.config;
  const name = node.layerName;
  const k = Number(c.kernels);
  const f = Number(c.filters);
  const [ho, wo] = node.outputShape;
  const [kernel, ...rest] = ctx.weights;
  const b = c.useBias !== false ? rest.shift()! : undefined;
  const [a1, a1b, a2, a2b] = rest;
  const kw = convKernel(kernel);
  const convIn = [ctx.ins[0], w.floats(`${name}_kernels`, kw.dims, kw.data)];
  if (b) convIn.push(w.floats(`${name}_kernels_bias`, b.shape, b.data));
  const all = w.op('Conv', convIn, `${name}_all`, [...windowAttrs(windowOf(node, ctx.inShapes[0]), true), attrInt('group', 1)]);
  const split = w.op('Reshape', [all, w.ints(`${name}_split_shape`, [-1, k, f, ho, wo])], `${name}_split`);
  const pooled = w.op('Flatten', [w.op('GlobalAveragePool', [ctx.ins[0]], `${name}_gap`)], `${name}_pooled`, [attrInt('axis', 1)]);
  const hidden = w.op('Relu', [w.op('Gemm', [pooled, w.floats(`${name}_attention1`, a1.shape, a1.data), w.floats(`${name}_attention1_bias`, a1b.shape, a1b.data)], `${name}_hidden_pre`)], `${name}_hidden`);
  const logits = w.op('Gemm', [hidden, w.floats(`${name}_attention2`, a2.shape, a2.data), w.floats(`${name}_attention2_bias`, a2b.shape, a2b.data)], `${name}_logits`);
  const scaled = w.op('Div', [logits, w.floats(`${name}_temperature`, [], Float32Array.of(Number(c.temperature ?? 1)))], `${name}_scaled`);
  const pi = w.op('Softmax', [scaled], `${name}_attention`, [attrInt('axis', 1)]);
  const weighted = w.op('Mul', [split, w.op('Reshape', [pi, w.ints(`${name}_pi_shape`, [-1, k, 1, 1, 1])], `${name}_pi`)], `${name}_weighted`);
  return w.op('ReduceSum', [weighted, w.ints(`${name}_sum_axes`, [1])], out, [attrInt('keepdims', 0)]);
}

/** Dynamic convolution params: a Conv2D's plus K, the attention's reduction ratio and softmax temperature. */
export const dynamicConv2dParams = conv2dParams.extend({
  padding: paddingSchema.default('same'),
  kernels: posInt(16).default(4),
  reduction: posInt(1024).default(4),
  temperature: z.number().positive().max(1000).default(1),
});

type Params = z.output<typeof dynamicConv2dParams>;

/** Hidden width of the attention MLP: channels / reduction, at least 1 (Chen et al. use C/4). */
const attentionUnits = (channels: number, p: Params) => Math.max(1, Math.floor(channels / p.reduction));

export const dynamicConv2d: PrimitiveBlock<Params> = {
  kind: 'primitive',
  type: 'DynamicConv2D',
  label: 'Dynamic Conv 2D',
  category: 'convolution',
  description: 'K convolution kernels mixed for each example by a small attention network over the pooled input: more capacity for little extra compute (dynamic convolution / CondConv).',
  explain: {
    text: 'Keeps K kernels and, for each image, mixes them with weights from a tiny attention network that looks at the pooled input. The layer adapts to the image for little extra compute.',
    formulas: { output: 'H\' = ⌊(H + 2p − d(k − 1) − 1) / s⌋ + 1 (\'valid\': p = 0; \'same\': H\' = ⌈H / s⌉)', params: 'K·(k_h·k_w·C_in·filters + filters) + the attention\'s dense layers', receptiveField: 'RF\' = RF + (k − 1)·S_eff, S_eff\' = S_eff · s, where S_eff is the input\'s effective stride' },
    diagram: 'window',
  },
  params: dynamicConv2dParams,
  inputs: [{ name: 'in' }],
  outputShape: (inputs, p) => convOutputShape('DynamicConv2D', inputs, p),
  paramCount: (inputs, _out, p) => {
    const c = inputs[0][2];
    const h = attentionUnits(c, p);
    const kernels = p.kernels * (p.kernelSize[0] * p.kernelSize[1] * c * p.filters + (p.useBias ? p.filters : 0));
    return { trainable: kernels + c * h + h + h * p.kernels + p.kernels, nonTrainable: 0 };
  },
  // As computed here: one convolution to K·filters channels (linear in the kernel, so mixing after it is exact),
  // the mix, and the attention MLP. Mixing the kernels first would cost one convolution plus K·|W| per example.
  macs: (inputs, out, p) => {
    const c = inputs[0][2];
    const h = attentionUnits(c, p);
    return product(out) * p.kernels * (p.kernelSize[0] * p.kernelSize[1] * c + 1) + c * h + h * p.kernels;
  },
  // The kernels' spatial support; the attention that weighs them sees the whole (pooled) input.
  receptiveField: (inputs, _out, p) => windowTransfer(inputs[0], p.kernelSize, p.strides, p.padding, p.dilation),
  layer: (p, inputs) => ({
    className: DYNAMIC_CONV_CLASS,
    config: {
      filters: p.filters, kernelSize: p.kernelSize, strides: p.strides, padding: p.padding, dilationRate: p.dilation,
      useBias: p.useBias, activation: p.activation, kernels: p.kernels, attentionUnits: attentionUnits(inputs[0]?.[2] ?? 1, p),
      temperature: p.temperature,
    },
  }),
  tfjs: {
    [DYNAMIC_CONV_CLASS]: { factory: (tf, config) => new (dynamicConvClass(tf))(config as unknown as DynamicConvConfig) },
  },
  torch: (ctx) => {
    const c = ctx.node.layer!.config;
    const w = windowConfig(c);
    const inC = ctx.inShapes[0][2];
    const k = Number(int(c.kernels, 'kernels'));
    const f = Number(int(c.filters, 'filters'));
    const h = Number(int(c.attentionUnits, 'attentionUnits'));
    const [ho, wo] = ctx.node.outputShape;
    const { pads, symmetric } = windowPadding(ctx);
    const padding = symmetric ? `(${pads[0][0]}, ${pads[1][0]})` : '(0, 0)';
    const window = `kernel_size=${tuple(w.kernel)}, stride=${tuple(w.strides)}, padding=${padding}, dilation=${tuple(w.dilation)}`;
    const init = [
      'nn.ModuleDict({',
      `            "attention": nn.Sequential(nn.Linear(${inC}, ${h}), nn.ReLU(), nn.Linear(${h}, ${k})),`,
      `            "kernels": nn.Conv2d(${inC}, ${k * f}, ${window}, bias=${c.useBias === false ? 'False' : 'True'}),  # ${k} kernels side by side`,
      '        })',
    ].join('\n');
    const m = `self.${ctx.attr}`;
    // The attention pools the unpadded input; the convolution reads the padded one (TensorFlow 'same').
    const pi = `F.softmax(${m}["attention"](t.mean(dim=(2, 3))) / ${numberLiteral(Number(c.temperature), 'temperature')}, dim=1)`;
    const mixed = `(${m}["kernels"](${symmetric ? 't' : padExpr('t', pads)}).view(t.shape[0], ${k}, ${f}, ${ho}, ${wo}) * ${pi}[:, :, None, None, None]).sum(dim=1)`;
    return { init, forward: applyActivation(`(lambda t: ${mixed})(${ctx.ins[0]})`, ctx.activation) };
  },
  onnx: dynamicConvOnnx,
  // K kernels side by side (and their biases), then the attention MLP: the custom layer's weight order.
  weightSpecs: (c, inShape) => {
    const kf = Number(c.kernels) * Number(c.filters);
    const h = Number(c.attentionUnits);
    return [
      { role: 'kernel', shape: [...windowConfig(c).kernel, inShape[2], kf] },
      ...(c.useBias !== false ? [{ role: 'bias' as const, shape: [kf] }] : []),
      { role: 'kernel', shape: [inShape[2], h] }, { role: 'bias', shape: [h] }, { role: 'kernel', shape: [h, Number(c.kernels)] }, { role: 'bias', shape: [Number(c.kernels)] },
    ];
  },
  exportLimits: (node, inShapes, target) => {
    if (target === 'pytorch') return inShapes[0]?.length === 3 ? [] : [{ code: 'export-needs-image', values: { className: 'DynamicConv2D', target: 'PyTorch' } }];
    return [{ code: `export-dynamic-${target}`, values: {} }];
  },
};
