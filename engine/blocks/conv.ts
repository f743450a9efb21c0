/** Convolution blocks: Conv2D, DepthwiseConv2D, SeparableConv2D, Conv2DTranspose (tfjs-layers `convolutional.ts`). */
import { z } from 'zod';
import { windowConfig } from '../codegen/layer-config';
import { applyActivation, int, padExpr, tuple, windowPadding, type OpCode, type OpContext } from '../codegen/torch-helpers';
import type { CodegenNode, ExportTarget } from '../codegen/types';
import { attrInt, attrInts, convKernel, depthwiseKernel, windowAttrs, windowOf, type OnnxLayerContext, type WeightSpec } from '../onnx/export-helpers';
import { cfg, importConvCommon, importPair, LayerProblem, type LayerConfig } from '../import/keras-config';
import { activationSchema, paddingSchema, pairSchema, posInt } from './params';
import { deconvLength, fail, needsImage, product, samePadding, windowOutput, windowTransfer } from './shape-utils';
import type { PrimitiveBlock, Shape, ShapeResult } from './types';
import type { ErrorDetail } from '../messages';

export const conv2dParams = z.object({
  filters: posInt(65536).default(32),
  kernelSize: pairSchema([3, 3], 1024),
  strides: pairSchema([1, 1], 1024),
  padding: paddingSchema.default('valid'),
  dilation: pairSchema([1, 1], 1024),
  useBias: z.boolean().default(true),
  activation: activationSchema.default('linear'),
});

export const depthwiseConv2dParams = z.object({
  kernelSize: pairSchema([3, 3], 1024),
  strides: pairSchema([1, 1], 1024),
  padding: paddingSchema.default('valid'),
  dilation: pairSchema([1, 1], 1024),
  depthMultiplier: posInt(1024).default(1),
  useBias: z.boolean().default(true),
  activation: activationSchema.default('linear'),
});

export const separableConv2dParams = conv2dParams.extend({ depthMultiplier: posInt(1024).default(1) });

export const conv2dTransposeParams = z.object({
  filters: posInt(65536).default(32),
  kernelSize: pairSchema([3, 3], 1024),
  strides: pairSchema([1, 1], 1024),
  padding: paddingSchema.default('valid'),
  useBias: z.boolean().default(true),
  activation: activationSchema.default('linear'),
});

const IN = [{ name: 'in' }];
const GLOROT = 'glorotUniform';

/** Export limits every convolution shares: a [h, w, c] input for PyTorch; no dilation with strides in TensorFlow. */
function convLimits(node: CodegenNode, inShapes: readonly Shape[], target: ExportTarget): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const cls = node.layer!.className;
  if (target === 'pytorch' && inShapes[0]?.length !== 3) out.push({ code: 'export-needs-image', values: { className: cls, target: 'PyTorch' } });
  const w = windowConfig(node.layer!.config);
  if (target !== 'pytorch' && cls !== 'Conv2DTranspose' && w.dilation.some((d) => d > 1) && w.strides.some((s) => s > 1)) {
    out.push({ code: 'export-dilation-strides', values: {} });
  }
  return out;
}

/** Conv2D, depthwise and separable convolutions in PyTorch: asymmetric 'same' padding becomes an explicit F.pad. */
function convOp(ctx: OpContext, kind: 'conv' | 'depthwise' | 'separable'): OpCode {
  const c = ctx.node.layer!.config;
  const w = windowConfig(c);
  const inC = ctx.inShapes[0][2];
  const { pads, symmetric } = windowPadding(ctx);
  const padding = symmetric ? `(${pads[0][0]}, ${pads[1][0]})` : '(0, 0)';
  const x = symmetric ? ctx.ins[0] : padExpr(ctx.ins[0], pads);
  const bias = c.useBias === false ? 'False' : 'True';
  const window = `kernel_size=${tuple(w.kernel)}, stride=${tuple(w.strides)}, padding=${padding}, dilation=${tuple(w.dilation)}`;
  const dm = c.depthMultiplier === undefined ? 1 : Number(int(c.depthMultiplier, 'depthMultiplier'));
  let init: string;
  if (kind === 'conv') init = `nn.Conv2d(${inC}, ${int(c.filters, 'filters')}, ${window}, bias=${bias})`;
  else if (kind === 'depthwise') init = `nn.Conv2d(${inC}, ${inC * dm}, ${window}, groups=${inC}, bias=${bias})`;
  else {
    init = `nn.Sequential(\n            nn.Conv2d(${inC}, ${inC * dm}, ${window}, groups=${inC}, bias=False),  # depthwise\n` +
      `            nn.Conv2d(${inC * dm}, ${int(c.filters, 'filters')}, kernel_size=1, bias=${bias}),  # pointwise\n        )`;
  }
  return { init, forward: applyActivation(`self.${ctx.attr}(${x})`, ctx.activation) };
}

/** Transposed convolution: full length, TensorFlow's crop at the start, then output_padding or a slice at the end. */
function convTransposeOp(ctx: OpContext): OpCode {
  const c = ctx.node.layer!.config;
  const w = windowConfig(c);
  const [h, wd, inC] = ctx.inShapes[0];
  const out = ctx.node.outputShape;
  const axis = (inLen: number, target: number, k: number, s: number) => {
    const full = (inLen - 1) * s + k;
    const before = w.padding === 'same' ? samePadding(target, k, s)[0] : 0;
    const len = full - 2 * before;
    return { before, outputPadding: Math.max(target - len, 0), slice: len > target };
  };
  const ah = axis(h, out[0], w.kernel[0], w.strides[0]);
  const aw = axis(wd, out[1], w.kernel[1], w.strides[1]);
  const bias = c.useBias === false ? 'False' : 'True';
  const init =
    `nn.ConvTranspose2d(${inC}, ${int(c.filters, 'filters')}, kernel_size=${tuple(w.kernel)}, stride=${tuple(w.strides)}, ` +
    `padding=(${ah.before}, ${aw.before}), output_padding=(${ah.outputPadding}, ${aw.outputPadding}), bias=${bias})`;
  let y = `self.${ctx.attr}(${ctx.ins[0]})`;
  if (ah.slice || aw.slice) y = `${y}[:, :, :${out[0]}, :${out[1]}]`;
  return { init, forward: applyActivation(y, ctx.activation) };
}

/** The output of a convolution to `filters` channels: windowed over [h, w], or the reason it has none. */
export function convOutputShape(type: string, inputs: Shape[], p: ConvWindowParams & { filters: number }): ShapeResult {
  const bad = needsImage(inputs, type);
  if (bad) return { ok: false, error: bad };
  const r = windowOutput(inputs[0], p.kernelSize, p.strides, p.padding, p.dilation);
  return r.ok ? { ok: true, shape: [...r.hw, p.filters] } : r;
}

/** The window params every convolution has. */
type ConvWindowParams = Pick<z.output<typeof conv2dParams>, 'kernelSize' | 'strides' | 'padding' | 'dilation'>;

/** A kernel (and a bias when the layer has one), in Keras order. */
function withBias(c: Record<string, unknown>, kernels: number[][], units: number): WeightSpec[] {
  return [...kernels.map((shape) => ({ role: 'kernel' as const, shape })), ...(c.useBias !== false ? [{ role: 'bias' as const, shape: [units] }] : [])];
}

/** Conv2D, depthwise and separable convolutions in ONNX: Conv (grouped for depthwise), 'same' as explicit pads. */
function convOnnx(ctx: OnnxLayerContext, out: string, kind: 'conv' | 'depthwise' | 'separable'): string {
  const { w, node } = ctx;
  const c = node.layer!.config;
  const name = node.layerName;
  const attrs = windowAttrs(windowOf(node, ctx.inShapes[0]), true);
  const bias = c.useBias !== false ? ctx.weights[ctx.weights.length - 1] : undefined;
  if (kind === 'conv') {
    const k = convKernel(ctx.weights[0]);
    const inputs = [ctx.ins[0], w.floats(`${name}_weight`, k.dims, k.data)];
    if (bias) inputs.push(w.floats(`${name}_bias`, bias.shape, bias.data));
    return w.op('Conv', inputs, out, [...attrs, attrInt('group', 1)]);
  }
  const k = depthwiseKernel(ctx.weights[0]);
  const inputs = [ctx.ins[0], w.floats(`${name}_depthwise_weight`, k.dims, k.data)];
  if (bias && kind === 'depthwise') inputs.push(w.floats(`${name}_bias`, bias.shape, bias.data));
  const y = w.op('Conv', inputs, kind === 'depthwise' ? out : `${name}_depthwise`, [...attrs, attrInt('group', ctx.inShapes[0][2])]);
  if (kind === 'depthwise') return y;
  const p = convKernel(ctx.weights[1]);
  const pin = [y, w.floats(`${name}_pointwise_weight`, p.dims, p.data)];
  if (bias) pin.push(w.floats(`${name}_bias`, bias.shape, bias.data));
  return w.op('Conv', pin, out, [attrInts('kernel_shape', [1, 1]), attrInts('strides', [1, 1]), attrInts('pads', [0, 0, 0, 0]), attrInt('group', 1)]);
}

/** ConvTranspose: out = s(in − 1) + output_padding + k − pads; TensorFlow crops the 'same' start like conv's pad. */
function convTransposeOnnx(ctx: OnnxLayerContext, out: string): string {
  const { w, node } = ctx;
  const c = node.layer!.config;
  const { kernel, strides } = windowConfig(c);
  const target = node.outputShape;
  const axis = (a: 0 | 1) => {
    const full = (ctx.inShapes[0][a] - 1) * strides[a] + kernel[a];
    const begin = c.padding === 'same' ? samePadding(target[a], kernel[a], strides[a])[0] : 0;
    const end = full - begin - target[a];
    return end >= 0 ? { begin, end, extra: 0 } : { begin, end: 0, extra: -end };
  };
  const [h, wd] = [axis(0), axis(1)];
  const k = convKernel(ctx.weights[0]);
  const inputs = [ctx.ins[0], w.floats(`${node.layerName}_weight`, k.dims, k.data)];
  if (c.useBias !== false) inputs.push(w.floats(`${node.layerName}_bias`, ctx.weights[1].shape, ctx.weights[1].data));
  return w.op('ConvTranspose', inputs, out, [
    attrInts('kernel_shape', kernel), attrInts('strides', strides), attrInts('pads', [h.begin, wd.begin, h.end, wd.end]),
    attrInts('output_padding', [h.extra, wd.extra]), attrInt('group', 1),
  ]);
}

const dilationOf = (c: LayerConfig) => importPair(cfg(c, 'dilation_rate') ?? 1, 'dilation_rate');

export const conv2d: PrimitiveBlock<z.output<typeof conv2dParams>> = {
  kind: 'primitive',
  type: 'Conv2D',
  label: 'Conv 2D',
  category: 'convolution',
  description: 'A 2-D convolution: `filters` kernels of size h×w slide over the input with the given stride, padding and dilation.',
  explain: {
    text: 'A small kernel (e.g. 3×3) slides over the image and, at each position, takes a weighted sum of the pixels under it in every input channel. Each of the `filters` kernels learns one pattern (early layers: edges and blobs, much like Sobel filters) and produces one output channel. The same weights are used everywhere, which is why convolutions need far fewer parameters than dense layers.',
    formulas: { output: 'H\' = ⌊(H + 2p − d(k − 1) − 1) / s⌋ + 1 (\'valid\': p = 0; \'same\': H\' = ⌈H / s⌉)', params: 'k_h·k_w·C_in·filters + filters (bias)', receptiveField: 'RF\' = RF + (k − 1)·S_eff, S_eff\' = S_eff · s, where S_eff is the input\'s effective stride' },
    diagram: 'window',
  },
  params: conv2dParams,
  inputs: IN,
  outputShape: (inputs, p) => convOutputShape('Conv2D', inputs, p),
  paramCount: (inputs, _out, p) => ({ trainable: p.kernelSize[0] * p.kernelSize[1] * inputs[0][2] * p.filters + (p.useBias ? p.filters : 0), nonTrainable: 0 }),
  macs: (inputs, out, p) => product(out) * p.kernelSize[0] * p.kernelSize[1] * inputs[0][2],
  receptiveField: (inputs, _out, p) => windowTransfer(inputs[0], p.kernelSize, p.strides, p.padding, p.dilation),
  layer: (p) => ({
    className: 'Conv2D',
    config: { filters: p.filters, kernelSize: p.kernelSize, strides: p.strides, padding: p.padding, dilationRate: p.dilation, useBias: p.useBias, activation: p.activation },
  }),
  traits: { windowed: true, classCount: { param: 'filters' } },
  tfjs: { Conv2D: { factory: 'conv2d', initializers: { kernelInitializer: GLOROT } } },
  torch: (ctx) => convOp(ctx, 'conv'),
  onnx: (ctx, out) => convOnnx(ctx, out, 'conv'),
  weightSpecs: (c, inShape) => withBias(c, [[...windowConfig(c).kernel, inShape[2], Number(c.filters)]], Number(c.filters)),
  exportLimits: convLimits,
  imports: { Conv2D: (c) => [{ type: 'Conv2D', params: { filters: cfg(c, 'filters'), ...importConvCommon(c), dilation: dilationOf(c) } }] },
};

export const depthwiseConv2d: PrimitiveBlock<z.output<typeof depthwiseConv2dParams>> = {
  kind: 'primitive',
  type: 'DepthwiseConv2D',
  label: 'Depthwise Conv 2D',
  category: 'convolution',
  description: 'One h×w kernel per input channel (times the depth multiplier); no mixing across channels.',
  explain: {
    text: 'Like a convolution, but each input channel gets its own kernel and channels are never mixed. Much cheaper than a full convolution; MobileNets follow it with a 1×1 convolution that mixes the channels.',
    formulas: { output: 'H\' = ⌊(H + 2p − d(k − 1) − 1) / s⌋ + 1 (\'valid\': p = 0; \'same\': H\' = ⌈H / s⌉); channels C\' = C·depthMultiplier', params: 'k_h·k_w·C·depthMultiplier + bias', receptiveField: 'RF\' = RF + (k − 1)·S_eff, S_eff\' = S_eff · s, where S_eff is the input\'s effective stride' },
    diagram: 'depthwise',
  },
  params: depthwiseConv2dParams,
  inputs: IN,
  outputShape(inputs, p) {
    const bad = needsImage(inputs, 'DepthwiseConv2D');
    if (bad) return { ok: false, error: bad };
    if (p.dilation[0] > 1 || p.dilation[1] > 1) {
      // tfjs-layers 4.x silently ignores DepthwiseConv2D's dilationRate (its call() passes null): refuse rather than train another model.
      return { ok: false, error: { code: 'unsupported', param: 'dilation', message: 'dilation > 1 is not supported by tfjs for DepthwiseConv2D (tfjs would ignore it); use dilation 1 or a SeparableConv2D', values: { context: 'depthwiseDilation' } } };
    }
    const r = windowOutput(inputs[0], p.kernelSize, p.strides, p.padding, p.dilation);
    return r.ok ? { ok: true, shape: [...r.hw, inputs[0][2] * p.depthMultiplier] } : r;
  },
  paramCount: (inputs, _out, p) => {
    const c = inputs[0][2] * p.depthMultiplier;
    return { trainable: p.kernelSize[0] * p.kernelSize[1] * c + (p.useBias ? c : 0), nonTrainable: 0 };
  },
  macs: (_inputs, out, p) => product(out) * p.kernelSize[0] * p.kernelSize[1],
  receptiveField: (inputs, _out, p) => windowTransfer(inputs[0], p.kernelSize, p.strides, p.padding, p.dilation),
  layer: (p) => ({
    className: 'DepthwiseConv2D',
    config: { kernelSize: p.kernelSize, strides: p.strides, padding: p.padding, dilationRate: p.dilation, depthMultiplier: p.depthMultiplier, useBias: p.useBias, activation: p.activation },
  }),
  traits: { windowed: true },
  tfjs: { DepthwiseConv2D: { factory: 'depthwiseConv2d', initializers: { depthwiseInitializer: GLOROT } } },
  torch: (ctx) => convOp(ctx, 'depthwise'),
  onnx: (ctx, out) => convOnnx(ctx, out, 'depthwise'),
  weightSpecs: (c, inShape) => {
    const dm = Number(c.depthMultiplier ?? 1);
    return withBias(c, [[...windowConfig(c).kernel, inShape[2], dm]], inShape[2] * dm);
  },
  exportLimits: convLimits,
  imports: {
    DepthwiseConv2D: (c) => [{ type: 'DepthwiseConv2D', params: { ...importConvCommon(c), dilation: dilationOf(c), depthMultiplier: cfg(c, 'depth_multiplier') ?? 1 } }],
  },
};

export const separableConv2d: PrimitiveBlock<z.output<typeof separableConv2dParams>> = {
  kind: 'primitive',
  type: 'SeparableConv2D',
  label: 'Separable Conv 2D',
  category: 'convolution',
  description: 'A depthwise convolution followed by a 1×1 pointwise convolution, in one layer.',
  explain: {
    text: 'A depthwise convolution (one kernel per channel, spatial filtering) followed by a 1×1 convolution (mixing channels). It approximates a full convolution with a fraction of the parameters and multiply-adds.',
    formulas: { output: 'H\' = ⌊(H + 2p − d(k − 1) − 1) / s⌋ + 1 (\'valid\': p = 0; \'same\': H\' = ⌈H / s⌉)', params: 'k_h·k_w·C_in·m + C_in·m·filters + filters', receptiveField: 'RF\' = RF + (k − 1)·S_eff, S_eff\' = S_eff · s, where S_eff is the input\'s effective stride' },
    diagram: 'depthwise',
  },
  params: separableConv2dParams,
  inputs: IN,
  outputShape: (inputs, p) => convOutputShape('SeparableConv2D', inputs, p),
  paramCount: (inputs, _out, p) => {
    const mid = inputs[0][2] * p.depthMultiplier;
    return { trainable: p.kernelSize[0] * p.kernelSize[1] * mid + mid * p.filters + (p.useBias ? p.filters : 0), nonTrainable: 0 };
  },
  macs: (inputs, out, p) => {
    const mid = inputs[0][2] * p.depthMultiplier;
    return out[0] * out[1] * mid * (p.kernelSize[0] * p.kernelSize[1] + p.filters);
  },
  receptiveField: (inputs, _out, p) => windowTransfer(inputs[0], p.kernelSize, p.strides, p.padding, p.dilation),
  layer: (p) => ({
    className: 'SeparableConv2D',
    config: {
      filters: p.filters, kernelSize: p.kernelSize, strides: p.strides, padding: p.padding, dilationRate: p.dilation,
      depthMultiplier: p.depthMultiplier, useBias: p.useBias, activation: p.activation,
    },
  }),
  traits: { windowed: true },
  tfjs: { SeparableConv2D: { factory: 'separableConv2d', initializers: { depthwiseInitializer: GLOROT, pointwiseInitializer: GLOROT } } },
  torch: (ctx) => convOp(ctx, 'separable'),
  onnx: (ctx, out) => convOnnx(ctx, out, 'separable'),
  weightSpecs: (c, inShape) => {
    const dm = Number(c.depthMultiplier ?? 1);
    return withBias(c, [[...windowConfig(c).kernel, inShape[2], dm], [1, 1, inShape[2] * dm, Number(c.filters)]], Number(c.filters));
  },
  exportLimits: convLimits,
  imports: {
    SeparableConv2D: (c) => [
      { type: 'SeparableConv2D', params: { filters: cfg(c, 'filters'), ...importConvCommon(c), dilation: dilationOf(c), depthMultiplier: cfg(c, 'depth_multiplier') ?? 1 } },
    ],
  },
};

export const conv2dTranspose: PrimitiveBlock<z.output<typeof conv2dTransposeParams>> = {
  kind: 'primitive',
  type: 'Conv2DTranspose',
  label: 'Conv 2D Transpose',
  category: 'convolution',
  description: 'A transposed ("de-") convolution that upsamples by its stride.',
  explain: {
    text: 'Runs a convolution backwards: each input value spreads a kernel-sized patch into a larger output, so the map grows by the stride. Used to upsample in decoders and segmentation networks.',
    formulas: { output: 'H\' = (H − 1)·s + k (\'valid\'), H\' = H·s (\'same\')', params: 'k_h·k_w·C_in·filters + filters', receptiveField: 'each output unit sees fewer input units: about ⌈k / s⌉ of them per axis' },
    diagram: 'upsample',
  },
  params: conv2dTransposeParams,
  inputs: IN,
  outputShape(inputs, p) {
    const bad = needsImage(inputs, 'Conv2DTranspose');
    if (bad) return { ok: false, error: bad };
    const h = deconvLength(inputs[0][0], p.kernelSize[0], p.padding, p.strides[0]);
    const w = deconvLength(inputs[0][1], p.kernelSize[1], p.padding, p.strides[1]);
    if (h <= 0 || w <= 0) return fail('spatial-too-small', `output size would be ${h}x${w}`, { size: `${h}x${w}`, context: 'size' });
    return { ok: true, shape: [h, w, p.filters] };
  },
  paramCount: (inputs, _out, p) => ({ trainable: p.kernelSize[0] * p.kernelSize[1] * inputs[0][2] * p.filters + (p.useBias ? p.filters : 0), nonTrainable: 0 }),
  macs: (inputs, _out, p) => product(inputs[0]) * p.kernelSize[0] * p.kernelSize[1] * p.filters,
  /**
   * Upsampling has a fractional effective stride 1/s: an output unit sees about ceil(k/s) inputs. The
   * padding follows from the leftmost input that reaches output 0 (an approximation outside Araujo et al.).
   */
  receptiveField: (_inputs, _out, p) => {
    const t = (a: 0 | 1) => {
      const s = p.strides[a];
      const k = p.kernelSize[a];
      const crop = p.padding === 'same' ? Math.floor(Math.max(k - s, 0) / 2) : 0;
      return { kernel: Math.ceil(k / s), stride: 1 / s, padding: (k - 1 - crop) / s };
    };
    const [h, w] = [t(0), t(1)];
    return { kernel: [h.kernel, w.kernel], stride: [h.stride, w.stride], padding: [h.padding, w.padding] };
  },
  layer: (p) => ({
    className: 'Conv2DTranspose',
    config: { filters: p.filters, kernelSize: p.kernelSize, strides: p.strides, padding: p.padding, useBias: p.useBias, activation: p.activation },
  }),
  tfjs: { Conv2DTranspose: { factory: 'conv2dTranspose', initializers: { kernelInitializer: GLOROT } } },
  torch: convTransposeOp,
  onnx: convTransposeOnnx,
  weightSpecs: (c, inShape) => withBias(c, [[...windowConfig(c).kernel, Number(c.filters), inShape[2]]], Number(c.filters)),
  exportLimits: convLimits,
  imports: {
    Conv2DTranspose: (c) => {
      const d = dilationOf(c);
      if (d[0] !== 1 || d[1] !== 1) throw new LayerProblem(`dilation_rate ${JSON.stringify(d)}`);
      if (cfg(c, 'output_padding') != null) throw new LayerProblem('output_padding');
      return [{ type: 'Conv2DTranspose', params: { filters: cfg(c, 'filters'), ...importConvCommon(c) } }];
    },
  },
};
