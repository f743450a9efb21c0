/**
 * What the blocks' ONNX writers (`onnx` in each block's file) are written with: the layer context, windows and
 * TensorFlow 'same' padding as explicit pads, kernel layouts, activations. Every tensor of the exported graph is
 * channels first (ONNX's and PyTorch's convention), so what differs from TensorFlow is converted explicitly:
 * kernels are transposed, the asymmetric 'same' padding (extra pixel at the bottom/right) becomes explicit `pads`,
 * and layers that work on the channel axis move it last around the op. A leaf module (no protobuf, no registry).
 */
import type { FlatNode } from '../analysis/types';
import { ACTIVATIONS } from '../blocks/params';
import { samePadding } from '../blocks/shape-utils';
import type { Shape } from '../blocks/types';
import { windowConfig } from '../codegen/layer-config';
import { attrFloat, attrInt, attrInts } from './attrs';
import type { GraphWriter } from './graph-writer';
import { toChannelsFirstPerm, toChannelsLastPerm, transpose } from './layout';
import type { WeightArray } from './weights';

export { attrFloat, attrInt, attrInts, attrString } from './attrs';
export { onnxAxis, toChannelsFirstPerm, toChannelsLastPerm, transpose } from './layout';

/** What one layer's writer gets. */
export interface OnnxLayerContext {
  w: GraphWriter;
  node: FlatNode;
  /** ONNX tensor names of the inputs, in port order. */
  ins: string[];
  /** Design shapes of the inputs (channels last, no batch). */
  inShapes: Shape[];
  /** The layer's weights in Keras order and layout (empty for weightless layers). */
  weights: WeightArray[];
}

/** A weight of a layer in Keras order: what it is for (decides how a fresh one is initialized) and its shape. */
export interface WeightSpec {
  role: 'kernel' | 'bias' | 'gamma' | 'beta' | 'mean' | 'variance';
  shape: number[];
}

/** A conv/pool window with ONNX pads ([top, left, bottom, right]; TensorFlow's extra 'same' pixel goes after). */
export interface OnnxWindow {
  kernel: [number, number];
  strides: [number, number];
  dilation: [number, number];
  pads: [number, number, number, number];
}

/** The window of a conv/pool node for its input shape. */
export function windowOf(node: FlatNode, inShape: Shape): OnnxWindow {
  const { kernel, strides, dilation, padding } = windowConfig(node.layer!.config);
  if (padding !== 'same') return { kernel, strides, dilation, pads: [0, 0, 0, 0] };
  const [t, b] = samePadding(inShape[0], kernel[0], strides[0], dilation[0]);
  const [l, r] = samePadding(inShape[1], kernel[1], strides[1], dilation[1]);
  return { kernel, strides, dilation, pads: [t, l, b, r] };
}

/** kernel_shape, strides, pads (and dilations) attributes of a window. */
export const windowAttrs = (win: OnnxWindow, withDilation: boolean) => [
  attrInts('kernel_shape', win.kernel),
  attrInts('strides', win.strides),
  attrInts('pads', win.pads),
  ...(withDilation ? [attrInts('dilations', win.dilation)] : []),
];

/** `op` applied with the channel axis last (Keras' Dense, Flatten and Reshape order), then channels first again. */
export function channelsLastAround(ctx: OnnxLayerContext, out: string, rankOut: number, op: (x: string, out: string) => string): string {
  const { w } = ctx;
  const name = ctx.node.layerName;
  const r = ctx.inShapes[0].length;
  const last = r > 1 ? w.op('Transpose', [ctx.ins[0]], `${name}_channels_last`, [attrInts('perm', toChannelsLastPerm(r))]) : ctx.ins[0];
  if (rankOut <= 1) return op(last, out);
  const y = op(last, `${name}_last`);
  return w.op('Transpose', [y], out, [attrInts('perm', toChannelsFirstPerm(rankOut))]);
}

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
    default:
      throw new Error(`activation '${activation}' has no ONNX translation`);
  }
}

/** Activations `applyActivation` can write: every activation of the blocks. */
export const ONNX_ACTIVATIONS: ReadonlySet<string> = new Set(ACTIVATIONS);

/** Keras kernel [kh, kw, in, out] -> ONNX Conv weight [out, in, kh, kw] (also ConvTranspose's [kh, kw, out, in] -> [in, out, kh, kw]). */
export const convKernel = (k: WeightArray) => transpose(k.data, k.shape, [3, 2, 0, 1]);

/** Keras depthwise kernel [kh, kw, c, m] -> grouped Conv weight [c*m, 1, kh, kw] (output channel c*m + j, as TensorFlow orders them). */
export function depthwiseKernel(k: WeightArray): { dims: number[]; data: Float32Array } {
  const [kh, kw, c, m] = k.shape;
  const t = transpose(k.data, k.shape, [2, 3, 0, 1]);
  return { dims: [c * m, 1, kh, kw], data: t.data };
}

