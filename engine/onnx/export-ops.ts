/**
 * One ONNX subgraph per LayerLoom layer. Every tensor of the exported graph is channels first (ONNX's and
 * PyTorch's convention: `[N, C, H, W]`, `[N, C, L]`, `[N, C]`), so a deployment runtime reads the model as it
 * reads a PyTorch export. What differs from TensorFlow is converted explicitly: kernels are transposed, the
 * asymmetric 'same' padding (extra pixel at the bottom/right) becomes explicit `pads`, and Flatten, Reshape
 * and Dense on rank > 1 move the channels last around the op so the values come out in Keras order.
 */
import type { FlatNode } from '../analysis/types';
import type { Shape } from '../blocks/types';
import { attrFloat, attrInt, attrInts, attrString, type GraphWriter } from './graph-writer';
import { onnxAxis, toChannelsFirstPerm, toChannelsLastPerm, transpose } from './layout';
import { pairOf, type WeightArray } from './weights';

/** What one layer's writer gets. */
export interface LayerContext {
  w: GraphWriter;
  node: FlatNode;
  /** ONNX tensor names of the inputs, in port order. */
  ins: string[];
  /** Design shapes of the inputs (channels last, no batch). */
  inShapes: Shape[];
  /** The layer's weights in Keras order and layout (empty for weightless layers). */
  weights: WeightArray[];
}

/** TensorFlow's 'same' padding along one axis as [before, after] (the extra pixel goes after). */
export function tfSamePadding(inLen: number, kernel: number, stride: number, dilation = 1): [number, number] {
  const effective = dilation * (kernel - 1) + 1;
  const out = Math.ceil(inLen / stride);
  const total = Math.max((out - 1) * stride + effective - inLen, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

interface Window {
  kernel: [number, number];
  strides: [number, number];
  dilation: [number, number];
  /** ONNX order: [top, left, bottom, right]. */
  pads: [number, number, number, number];
}

function windowOf(node: FlatNode, inShape: Shape): Window {
  const c = node.layer!.config;
  const kernel = pairOf(c.kernelSize ?? c.poolSize, [1, 1]);
  const strides = pairOf(c.strides, c.poolSize !== undefined ? kernel : [1, 1]);
  const dilation = pairOf(c.dilationRate, [1, 1]);
  if (c.padding !== 'same') return { kernel, strides, dilation, pads: [0, 0, 0, 0] };
  const [t, b] = tfSamePadding(inShape[0], kernel[0], strides[0], dilation[0]);
  const [l, r] = tfSamePadding(inShape[1], kernel[1], strides[1], dilation[1]);
  return { kernel, strides, dilation, pads: [t, l, b, r] };
}

const windowAttrs = (win: Window, withDilation: boolean) => [
  attrInts('kernel_shape', win.kernel),
  attrInts('strides', win.strides),
  attrInts('pads', win.pads),
  ...(withDilation ? [attrInts('dilations', win.dilation)] : []),
];

/** Applies a tfjs activation (by name) to tensor `x`; returns the result's name. */
export function applyActivation(w: GraphWriter, x: string, name: string, activation: string, out: string): string {
  switch (activation) {
    case 'linear': return x;
    case 'relu': return w.op('Relu', [x], out);
    case 'relu6': return w.op('Clip', [x, w.floats(`${name}_min`, [], Float32Array.of(0)), w.floats(`${name}_max`, [], Float32Array.of(6))], out);
    case 'elu': return w.op('Elu', [x], out);
    case 'selu': return w.op('Selu', [x], out);
    case 'sigmoid': return w.op('Sigmoid', [x], out);
    // tfjs' hard sigmoid is clip(0.2x + 0.5, 0, 1): ONNX HardSigmoid's defaults, written out for readers.
    case 'hardSigmoid': return w.op('HardSigmoid', [x], out, [attrFloat('alpha', 0.2), attrFloat('beta', 0.5)]);
    case 'tanh': return w.op('Tanh', [x], out);
    // Keras' softmax runs over the last (channel) axis, which is axis 1 once channels come first.
    case 'softmax': return w.op('Softmax', [x], out, [attrInt('axis', 1)]);
    case 'softplus': return w.op('Softplus', [x], out);
    case 'softsign': return w.op('Softsign', [x], out);
    case 'swish': return w.op('Mul', [x, w.op('Sigmoid', [x], `${name}_sigmoid`)], out);
    case 'mish': return w.op('Mul', [x, w.op('Tanh', [w.op('Softplus', [x], `${name}_softplus`)], `${name}_tanh`)], out);
    case 'gelu': {
      // Opset 17 has no Gelu: x * 0.5 * (1 + erf(x / sqrt(2))), as tfjs computes it.
      const erf = w.op('Erf', [w.op('Div', [x, w.floats(`${name}_sqrt2`, [], Float32Array.of(Math.SQRT2))], `${name}_scaled`)], `${name}_erf`);
      const cdf = w.op('Mul', [w.op('Add', [erf, w.floats(`${name}_one`, [], Float32Array.of(1))], `${name}_erf1`), w.floats(`${name}_half`, [], Float32Array.of(0.5))], `${name}_cdf`);
      return w.op('Mul', [x, cdf], out);
    }
    case 'gelu_new': {
      // 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))), tfjs' GeluNew.
      const cube = w.op('Mul', [w.op('Mul', [x, x], `${name}_sq`), x], `${name}_cube`);
      const inner = w.op('Add', [x, w.op('Mul', [cube, w.floats(`${name}_c`, [], Float32Array.of(0.044715))], `${name}_cx`)], `${name}_inner`);
      const t = w.op('Tanh', [w.op('Mul', [inner, w.floats(`${name}_k`, [], Float32Array.of(Math.sqrt(2 / Math.PI)))], `${name}_ki`)], `${name}_tanh`);
      const half = w.op('Mul', [w.op('Add', [t, w.floats(`${name}_one`, [], Float32Array.of(1))], `${name}_t1`), w.floats(`${name}_half`, [], Float32Array.of(0.5))], `${name}_h`);
      return w.op('Mul', [x, half], out);
    }
    default:
      throw new Error(`activation '${activation}' has no ONNX translation`);
  }
}

/** Activations `applyActivation` can write. */
export const ONNX_ACTIVATIONS: ReadonlySet<string> = new Set([
  'linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'hardSigmoid', 'tanh', 'softmax', 'softplus', 'softsign', 'swish', 'mish', 'gelu', 'gelu_new',
]);

/** Keras kernel [kh, kw, in, out] -> ONNX Conv weight [out, in, kh, kw] (also ConvTranspose's [kh, kw, out, in] -> [in, out, kh, kw]). */
const convKernel = (k: WeightArray) => transpose(k.data, k.shape, [3, 2, 0, 1]);

/** Keras depthwise kernel [kh, kw, c, m] -> grouped Conv weight [c*m, 1, kh, kw] (output channel c*m + j, as TensorFlow orders them). */
function depthwiseKernel(k: WeightArray): { dims: number[]; data: Float32Array } {
  const [kh, kw, c, m] = k.shape;
  const t = transpose(k.data, k.shape, [2, 3, 0, 1]);
  return { dims: [c * m, 1, kh, kw], data: t.data };
}

function convLayer(ctx: LayerContext, kind: 'conv' | 'depthwise' | 'separable', out: string): string {
  const { w, node } = ctx;
  const c = node.layer!.config;
  const name = node.layerName;
  const win = windowOf(node, ctx.inShapes[0]);
  const inC = ctx.inShapes[0][2];
  const bias = c.useBias !== false ? ctx.weights[ctx.weights.length - 1] : undefined;
  const attrs = windowAttrs(win, true);
  let y: string;
  if (kind === 'conv') {
    const k = convKernel(ctx.weights[0]);
    const inputs = [ctx.ins[0], w.floats(`${name}_weight`, k.dims, k.data)];
    if (bias) inputs.push(w.floats(`${name}_bias`, bias.shape, bias.data));
    y = w.op('Conv', inputs, out, [...attrs, attrInt('group', 1)]);
  } else {
    const k = depthwiseKernel(ctx.weights[0]);
    const inputs = [ctx.ins[0], w.floats(`${name}_depthwise_weight`, k.dims, k.data)];
    if (bias && kind === 'depthwise') inputs.push(w.floats(`${name}_bias`, bias.shape, bias.data));
    y = w.op('Conv', inputs, kind === 'depthwise' ? out : `${name}_depthwise`, [...attrs, attrInt('group', inC)]);
    if (kind === 'separable') {
      const p = convKernel(ctx.weights[1]);
      const pin = [y, w.floats(`${name}_pointwise_weight`, p.dims, p.data)];
      if (bias) pin.push(w.floats(`${name}_bias`, bias.shape, bias.data));
      y = w.op('Conv', pin, out, [attrInts('kernel_shape', [1, 1]), attrInts('strides', [1, 1]), attrInts('pads', [0, 0, 0, 0]), attrInt('group', 1)]);
    }
  }
  return y;
}

function convTransposeLayer(ctx: LayerContext, out: string): string {
  const { w, node } = ctx;
  const c = node.layer!.config;
  const kernel = pairOf(c.kernelSize, [1, 1]);
  const strides = pairOf(c.strides, [1, 1]);
  const target = node.outputShape;
  // ONNX: out = s(in - 1) + output_padding + k - pad_begin - pad_end. TensorFlow crops the 'same' start like conv's pad.
  const axis = (a: 0 | 1) => {
    const full = (ctx.inShapes[0][a] - 1) * strides[a] + kernel[a];
    const begin = c.padding === 'same' ? tfSamePadding(target[a], kernel[a], strides[a])[0] : 0;
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

/**
 * DynamicConv2D (K kernels mixed per example by attention over the pooled input): one Conv to K·filters channels,
 * viewed as [N, K, F, H, W], weighted by softmax(MLP(GAP(x)) / τ) reshaped to [N, K, 1, 1, 1] and summed over K:
 * the same exact linear-mixing form the tfjs layer computes.
 */
function dynamicConvLayer(ctx: LayerContext, out: string): string {
  const { w, node } = ctx;
  const c = node.layer!.config;
  const name = node.layerName;
  const k = Number(c.kernels);
  const f = Number(c.filters);
  const [ho, wo] = node.outputShape;
  const bias = c.useBias !== false;
  const [kernel, ...rest] = ctx.weights;
  const b = bias ? rest.shift()! : undefined;
  const [a1, a1b, a2, a2b] = rest;
  const win = windowOf(node, ctx.inShapes[0]);
  const kw = convKernel(kernel);
  const convIn = [ctx.ins[0], w.floats(`${name}_kernels`, kw.dims, kw.data)];
  if (b) convIn.push(w.floats(`${name}_kernels_bias`, b.shape, b.data));
  const all = w.op('Conv', convIn, `${name}_all`, [...windowAttrs(win, true), attrInt('group', 1)]);
  const split = w.op('Reshape', [all, w.ints(`${name}_split_shape`, [-1, k, f, ho, wo])], `${name}_split`);
  const pooled = w.op('Flatten', [w.op('GlobalAveragePool', [ctx.ins[0]], `${name}_gap`)], `${name}_pooled`, [attrInt('axis', 1)]);
  const hidden = w.op('Relu', [w.op('Gemm', [pooled, w.floats(`${name}_attention1`, a1.shape, a1.data), w.floats(`${name}_attention1_bias`, a1b.shape, a1b.data)], `${name}_hidden_pre`)], `${name}_hidden`);
  const logits = w.op('Gemm', [hidden, w.floats(`${name}_attention2`, a2.shape, a2.data), w.floats(`${name}_attention2_bias`, a2b.shape, a2b.data)], `${name}_logits`);
  const scaled = w.op('Div', [logits, w.floats(`${name}_temperature`, [], Float32Array.of(Number(c.temperature ?? 1)))], `${name}_scaled`);
  const pi = w.op('Softmax', [scaled], `${name}_attention`, [attrInt('axis', 1)]);
  const weighted = w.op('Mul', [split, w.op('Reshape', [pi, w.ints(`${name}_pi_shape`, [-1, k, 1, 1, 1])], `${name}_pi`)], `${name}_weighted`);
  return w.op('ReduceSum', [weighted, w.ints(`${name}_sum_axes`, [1])], out, [attrInt('keepdims', 0)]);
}

/** Dense: Gemm (weights stored [out, in] with transB, as PyTorch writes Linear) on vectors; MatMul on the channel axis otherwise. */
function denseLayer(ctx: LayerContext, out: string): string {
  const { w, node } = ctx;
  const [kernel, bias] = ctx.weights;
  const r = ctx.inShapes[0].length;
  const name = node.layerName;
  if (r === 1) {
    const t = transpose(kernel.data, kernel.shape, [1, 0]);
    const inputs = [ctx.ins[0], w.floats(`${name}_weight`, t.dims, t.data)];
    if (bias) inputs.push(w.floats(`${name}_bias`, bias.shape, bias.data));
    return w.op('Gemm', inputs, out, [attrInt('transB', 1)]);
  }
  const last = w.op('Transpose', [ctx.ins[0]], `${name}_channels_last`, [attrInts('perm', toChannelsLastPerm(r))]);
  let y = w.op('MatMul', [last, w.floats(`${name}_weight`, kernel.shape, kernel.data)], `${name}_matmul`);
  if (bias) y = w.op('Add', [y, w.floats(`${name}_bias`, bias.shape, bias.data)], `${name}_biased`);
  return w.op('Transpose', [y], out, [attrInts('perm', toChannelsFirstPerm(r))]);
}

function batchNormLayer(ctx: LayerContext, out: string): string {
  const { w, node } = ctx;
  const c = node.layer!.config;
  const ch = ctx.inShapes[0][ctx.inShapes[0].length - 1];
  const ws = [...ctx.weights];
  const gamma = c.scale !== false ? ws.shift()! : { shape: [ch], data: new Float32Array(ch).fill(1) };
  const beta = c.center !== false ? ws.shift()! : { shape: [ch], data: new Float32Array(ch) };
  const [mean, variance] = ws;
  const name = node.layerName;
  const inputs = [ctx.ins[0], ...([['scale', gamma], ['bias', beta], ['mean', mean], ['var', variance]] as const).map(([k, v]) => w.floats(`${name}_${k}`, v.shape, v.data))];
  return w.op('BatchNormalization', inputs, out, [attrFloat('epsilon', Number(c.epsilon ?? 0.001)), attrFloat('momentum', Number(c.momentum ?? 0.99))]);
}

function zeroPadPairs(value: unknown): [[number, number], [number, number]] {
  if (typeof value === 'number') return [[value, value], [value, value]];
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return [[value[0], value[0]], [value[1], value[1]]];
  const v = value as unknown[];
  return [pairOf(v?.[0], [1, 1]), pairOf(v?.[1], [1, 1])];
}

function reshapeLayer(ctx: LayerContext, out: string): string {
  const { w, node } = ctx;
  const r = ctx.inShapes[0].length;
  const target = node.outputShape;
  const name = node.layerName;
  const last = r > 1 ? w.op('Transpose', [ctx.ins[0]], `${name}_channels_last`, [attrInts('perm', toChannelsLastPerm(r))]) : ctx.ins[0];
  const shaped = w.op('Reshape', [last, w.ints(`${name}_shape`, [-1, ...target])], target.length > 1 ? `${name}_reshaped` : out);
  return target.length > 1 ? w.op('Transpose', [shaped], out, [attrInts('perm', toChannelsFirstPerm(target.length))]) : shaped;
}

/** Writes one layer; returns the ONNX name of its output tensor. Throws for a class `onnxUnsupported` reports. */
export function writeLayer(ctx: LayerContext): string {
  const { w, node } = ctx;
  const c = node.layer!.config;
  const name = node.layerName;
  const act = typeof c.activation === 'string' ? c.activation : 'linear';
  // The op's own output is named after the layer unless an activation follows it.
  const main = act === 'linear' ? name : `${name}_preact`;
  const x = ctx.ins[0];
  const r = ctx.inShapes[0]?.length ?? 1;
  let y: string;
  switch (node.layer!.className) {
    case 'Conv2D': y = convLayer(ctx, 'conv', main); break;
    case 'DepthwiseConv2D': y = convLayer(ctx, 'depthwise', main); break;
    case 'SeparableConv2D': y = convLayer(ctx, 'separable', main); break;
    case 'Conv2DTranspose': y = convTransposeLayer(ctx, main); break;
    case 'DynamicConv2D': y = dynamicConvLayer(ctx, main); break;
    case 'MaxPooling2D':
      y = w.op('MaxPool', [x], main, windowAttrs(windowOf(node, ctx.inShapes[0]), false));
      break;
    case 'AveragePooling2D':
      // TensorFlow averages over the real pixels only: count_include_pad = 0.
      y = w.op('AveragePool', [x], main, [...windowAttrs(windowOf(node, ctx.inShapes[0]), false), attrInt('count_include_pad', 0)]);
      break;
    case 'GlobalAveragePooling2D': y = w.op('Flatten', [w.op('GlobalAveragePool', [x], `${name}_pool`)], main, [attrInt('axis', 1)]); break;
    case 'GlobalMaxPooling2D': y = w.op('Flatten', [w.op('GlobalMaxPool', [x], `${name}_pool`)], main, [attrInt('axis', 1)]); break;
    case 'ZeroPadding2D': {
      const [[t, b], [l, rr]] = zeroPadPairs(c.padding);
      y = w.op('Pad', [x, w.ints(`${name}_pads`, [0, 0, t, l, 0, 0, b, rr])], main, [attrString('mode', 'constant')]);
      break;
    }
    case 'BatchNormalization': y = batchNormLayer(ctx, main); break;
    case 'Dropout': y = w.op('Dropout', [x, w.floats(`${name}_ratio`, [], Float32Array.of(Number(c.rate ?? 0.5)))], main); break;
    case 'Activation': y = x; break;
    case 'LeakyReLU': y = w.op('LeakyRelu', [x], main, [attrFloat('alpha', Number(c.alpha ?? 0.3))]); break;
    case 'Flatten': {
      const last = r > 1 ? w.op('Transpose', [x], `${name}_channels_last`, [attrInts('perm', toChannelsLastPerm(r))]) : x;
      y = w.op('Flatten', [last], main, [attrInt('axis', 1)]);
      break;
    }
    case 'Dense': y = denseLayer(ctx, main); break;
    case 'Reshape': y = reshapeLayer(ctx, main); break;
    case 'Add': case 'Multiply': {
      const op = node.layer!.className === 'Add' ? 'Add' : 'Mul';
      y = ctx.ins.slice(1).reduce((acc, b, i) => w.op(op, [acc, b], i === ctx.ins.length - 2 ? main : `${name}_${i + 1}`), x);
      break;
    }
    case 'Concatenate':
      y = w.op('Concat', ctx.ins, main, [attrInt('axis', onnxAxis(Number(c.axis ?? -1), node.outputShape.length))]);
      break;
    default:
      throw new Error(`${node.name}: ${node.layer!.className} has no ONNX translation`);
  }
  return applyActivation(w, y, name, act, name);
}

/** Layer classes `writeLayer` can write. */
export const ONNX_LAYERS: ReadonlySet<string> = new Set([
  'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose', 'DynamicConv2D', 'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D',
  'GlobalMaxPooling2D', 'ZeroPadding2D', 'BatchNormalization', 'Dropout', 'Activation', 'LeakyReLU', 'Flatten', 'Dense', 'Reshape',
  'Add', 'Multiply', 'Concatenate',
]);
