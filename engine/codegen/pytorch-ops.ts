/**
 * PyTorch translation of each tfjs/Keras layer, shape-exact: the design is channels-last (NHWC) and the
 * generated module is channels-first (NCHW), so channel axes, flattening order and TensorFlow's asymmetric
 * 'same' padding (extra pixel at the bottom/right) are converted explicitly from the analysed shapes.
 */
import type { Shape } from '../blocks/types';
import { pairOf, tfSamePadding, windowConfig } from './layers';
import { numberLiteral } from './sanitize';
import type { CodegenNode } from './types';

/** What one layer needs to write itself. */
export interface OpContext {
  node: CodegenNode;
  /** Python expressions of the inputs, in port order. */
  ins: string[];
  /** Their shapes (no batch, channels last). */
  inShapes: Shape[];
  /** The submodule attribute (`self.<attr>`) and local variable name. */
  attr: string;
  /** The activation to apply after the op (the final softmax may have been moved to `predict`). */
  activation: string;
  /** Helper functions the module file must define. */
  helpers: Set<'avg_pool_same'>;
}

/** Constructor line (without `self.x = `) and forward expression lines; the last line is the result expression. */
export interface OpCode {
  init?: string;
  forward: string[];
}

/** Writes a number, refusing anything but finite numbers (document values never reach code unchecked). */
function num(value: unknown, where: string): string {
  if (typeof value !== 'number') throw new Error(`${where}: expected a number, got ${typeof value}`);
  return numberLiteral(value, where);
}

function int(value: unknown, where: string): string {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`${where}: expected an integer`);
  return String(value);
}

const tuple = (a: readonly number[]) => `(${a.map((v) => int(v, 'size')).join(', ')})`;

/** Channels-first tensor -> channels-last, for an unbatched rank `r`. */
export function toChannelsLast(expr: string, r: number): string {
  return r === 3 ? `${expr}.permute(0, 2, 3, 1)` : r === 2 ? `${expr}.permute(0, 2, 1)` : expr;
}

/** Channels-last tensor -> channels-first, for an unbatched rank `r`. */
export function toChannelsFirst(expr: string, r: number): string {
  return r === 3 ? `${expr}.permute(0, 3, 1, 2)` : r === 2 ? `${expr}.permute(0, 2, 1)` : expr;
}

/** A Keras axis (batched, channels last; negative from the end) -> the PyTorch dim in channels-first layout. */
export function torchDim(axis: number, rank: number): number {
  const b = axis < 0 ? rank + 1 + axis : axis;
  if (b < 1 || b > rank) throw new Error(`axis ${axis} is out of range for rank ${rank}`);
  if (rank === 1) return b;
  return b === rank ? 1 : b + 1;
}

/** The activation as a function applied to `expr` (tfjs semantics). */
export function applyActivation(expr: string, name: string): string {
  switch (name) {
    case 'linear': return expr;
    case 'relu': return `F.relu(${expr})`;
    case 'relu6': return `F.relu6(${expr})`;
    case 'elu': return `F.elu(${expr})`;
    case 'selu': return `F.selu(${expr})`;
    case 'sigmoid': return `torch.sigmoid(${expr})`;
    // tfjs/tf.keras 2 hard sigmoid (0.2x + 0.5); F.hardsigmoid is x/6 + 0.5, a different function.
    case 'hardSigmoid': return `torch.clamp(0.2 * ${expr} + 0.5, 0.0, 1.0)`;
    case 'tanh': return `torch.tanh(${expr})`;
    case 'softmax': return `F.softmax(${expr}, dim=1)`;
    case 'softplus': return `F.softplus(${expr})`;
    case 'softsign': return `F.softsign(${expr})`;
    case 'swish': return `F.silu(${expr})`;
    case 'mish': return `F.mish(${expr})`;
    case 'gelu': return `F.gelu(${expr})`;
    case 'gelu_new': return `F.gelu(${expr}, approximate="tanh")`;
    default: throw new Error(`activation '${name}' has no PyTorch equivalent`);
  }
}

/** `F.pad` order is (left, right, top, bottom). */
function padExpr(x: string, pads: [[number, number], [number, number]], value?: string): string {
  const [[t, b], [l, r]] = pads;
  return `F.pad(${x}, (${l}, ${r}, ${t}, ${b})${value ? `, value=${value}` : ''})`;
}

/** Padding for a conv/pool window: symmetric pairs go into the layer, asymmetric ones into an explicit `F.pad`. */
function windowPadding(ctx: OpContext): { pads: [[number, number], [number, number]]; symmetric: boolean } {
  const w = windowConfig(ctx.node.layer!.config);
  const [h, wd] = ctx.inShapes[0];
  const pads: [[number, number], [number, number]] =
    w.padding === 'same'
      ? [tfSamePadding(h, w.kernel[0], w.strides[0], w.dilation[0]), tfSamePadding(wd, w.kernel[1], w.strides[1], w.dilation[1])]
      : [[0, 0], [0, 0]];
  return { pads, symmetric: pads[0][0] === pads[0][1] && pads[1][0] === pads[1][1] };
}

function convOp(ctx: OpContext, kind: 'conv' | 'depthwise' | 'separable'): OpCode {
  const c = ctx.node.layer!.config;
  const w = windowConfig(c);
  const inC = ctx.inShapes[0][2];
  const { pads, symmetric } = windowPadding(ctx);
  const padding = symmetric ? `(${pads[0][0]}, ${pads[1][0]})` : '(0, 0)';
  const x = symmetric || (pads[0][0] === 0 && pads[0][1] === 0 && pads[1][0] === 0 && pads[1][1] === 0) ? ctx.ins[0] : padExpr(ctx.ins[0], pads);
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
  return { init, forward: [applyActivation(`self.${ctx.attr}(${x})`, ctx.activation)] };
}

function convTransposeOp(ctx: OpContext): OpCode {
  const c = ctx.node.layer!.config;
  const w = windowConfig(c);
  const [h, wd, inC] = ctx.inShapes[0];
  const out = ctx.node.outputShape;
  // Full transposed-conv length, TensorFlow's crop at the start, then PyTorch's output_padding or a slice at the end.
  const axis = (inLen: number, target: number, k: number, s: number) => {
    const full = (inLen - 1) * s + k;
    const before = w.padding === 'same' ? tfSamePadding(target, k, s)[0] : 0;
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
  return { init, forward: [applyActivation(y, ctx.activation)] };
}

function poolOp(ctx: OpContext, kind: 'max' | 'avg'): OpCode {
  const w = windowConfig(ctx.node.layer!.config);
  const { pads } = windowPadding(ctx);
  const padded = pads.some(([a, b]) => a > 0 || b > 0);
  const window = `kernel_size=${tuple(w.kernel)}, stride=${tuple(w.strides)}`;
  if (kind === 'max') {
    const x = padded ? padExpr(ctx.ins[0], pads, 'float("-inf")') : ctx.ins[0];
    return { init: `nn.MaxPool2d(${window})`, forward: [`self.${ctx.attr}(${x})`] };
  }
  if (!padded) return { init: `nn.AvgPool2d(${window})`, forward: [`self.${ctx.attr}(${ctx.ins[0]})`] };
  ctx.helpers.add('avg_pool_same');
  const [[t, b], [l, r]] = pads;
  return { forward: [`avg_pool_same(${ctx.ins[0]}, ${tuple(w.kernel)}, ${tuple(w.strides)}, (${l}, ${r}, ${t}, ${b}))`] };
}

function zeroPadOp(ctx: OpContext): OpCode {
  const p = ctx.node.layer!.config.padding;
  let pads: [[number, number], [number, number]];
  if (typeof p === 'number') pads = [[p, p], [p, p]];
  else if (Array.isArray(p) && p.every((v) => typeof v === 'number')) pads = [[p[0], p[0]], [p[1], p[1]]];
  else pads = [pairOf((p as unknown[])?.[0], [1, 1]), pairOf((p as unknown[])?.[1], [1, 1])];
  pads.flat().forEach((v) => int(v, 'padding'));
  return { forward: [padExpr(ctx.ins[0], pads)] };
}

function batchNormOp(ctx: OpContext): OpCode {
  const c = ctx.node.layer!.config;
  const shape = ctx.inShapes[0];
  const momentum = c.momentum === undefined ? 0.99 : Number(num(c.momentum, 'momentum'));
  const eps = c.epsilon === undefined ? 0.001 : Number(num(c.epsilon, 'epsilon'));
  const affine = c.center === false ? 'False' : 'True';
  const cls = shape.length === 3 ? 'BatchNorm2d' : 'BatchNorm1d';
  // PyTorch's momentum weighs the new batch statistic; Keras' weighs the running value.
  const torchMomentum = Number((1 - momentum).toPrecision(12));
  return {
    init: `nn.${cls}(${shape[shape.length - 1]}, eps=${numberLiteral(eps, 'epsilon')}, momentum=${numberLiteral(torchMomentum, 'momentum')}, affine=${affine})`,
    forward: [`self.${ctx.attr}(${ctx.ins[0]})`],
  };
}

function denseOp(ctx: OpContext): OpCode {
  const c = ctx.node.layer!.config;
  const shape = ctx.inShapes[0];
  const init = `nn.Linear(${shape[shape.length - 1]}, ${int(c.units, 'units')}, bias=${c.useBias === false ? 'False' : 'True'})`;
  // Keras applies Dense to the last (channel) axis; move channels last and back for rank > 1.
  const y = shape.length === 1 ? `self.${ctx.attr}(${ctx.ins[0]})` : `self.${ctx.attr}(${ctx.ins[0]}.movedim(1, -1)).movedim(-1, 1)`;
  return { init, forward: [applyActivation(y, ctx.activation)] };
}

/** Brings an operand of a lower rank to the output rank the way Keras broadcasts (leading axes of size 1). */
function broadcastOperand(expr: string, shape: Shape, rank: number): string {
  if (shape.length === rank) return expr;
  if (shape.length === 1 && rank === 3) return `${expr}[:, :, None, None]`;
  const ones = Array<number>(rank - shape.length).fill(1);
  return toChannelsFirst(`${toChannelsLast(expr, shape.length)}.reshape(-1, ${[...ones, ...shape].join(', ')})`, rank);
}

function mergeOp(ctx: OpContext, className: string): OpCode {
  const rank = ctx.node.outputShape.length;
  const xs = ctx.ins.map((x, i) => broadcastOperand(x, ctx.inShapes[i], rank));
  switch (className) {
    case 'Add': return { forward: [xs.join(' + ')] };
    case 'Multiply': return { forward: [xs.join(' * ')] };
    case 'Average': return { forward: [`(${xs.join(' + ')}) / ${xs.length}`] };
    case 'Maximum': return { forward: [xs.slice(1).reduce((acc, x) => `torch.maximum(${acc}, ${x})`, xs[0])] };
    case 'Minimum': return { forward: [xs.slice(1).reduce((acc, x) => `torch.minimum(${acc}, ${x})`, xs[0])] };
    default: {
      const axis = ctx.node.layer!.config.axis === undefined ? -1 : Number(int(ctx.node.layer!.config.axis, 'axis'));
      return { forward: [`torch.cat([${xs.join(', ')}], dim=${torchDim(axis, rank)})`] };
    }
  }
}

/** The PyTorch code of one layer node; throws for a class `unsupportedFeatures` would have reported. */
export function torchOp(ctx: OpContext): OpCode {
  const layer = ctx.node.layer!;
  const c = layer.config;
  const x = ctx.ins[0];
  const r = ctx.inShapes[0]?.length ?? 1;
  switch (layer.className) {
    case 'Conv2D': return convOp(ctx, 'conv');
    case 'DepthwiseConv2D': return convOp(ctx, 'depthwise');
    case 'SeparableConv2D': return convOp(ctx, 'separable');
    case 'Conv2DTranspose': return convTransposeOp(ctx);
    case 'MaxPooling2D': return poolOp(ctx, 'max');
    case 'AveragePooling2D': return poolOp(ctx, 'avg');
    case 'GlobalAveragePooling2D': return { forward: [`${x}.mean(dim=(2, 3)${c.keepDims ? ', keepdim=True' : ''})`] };
    case 'GlobalMaxPooling2D': return { forward: [`${x}.amax(dim=(2, 3)${c.keepDims ? ', keepdim=True' : ''})`] };
    case 'ZeroPadding2D': return zeroPadOp(ctx);
    case 'BatchNormalization': return batchNormOp(ctx);
    case 'Dropout': return { init: `nn.Dropout(p=${num(c.rate, 'rate')})`, forward: [`self.${ctx.attr}(${x})`] };
    case 'Activation': return { forward: [applyActivation(x, ctx.activation)] };
    case 'ReLU':
      return { forward: [c.maxValue == null ? `F.relu(${x})` : `torch.clamp(${x}, min=0.0, max=${num(c.maxValue, 'maxValue')})`] };
    case 'LeakyReLU': return { forward: [`F.leaky_relu(${x}, negative_slope=${c.alpha === undefined ? '0.3' : num(c.alpha, 'alpha')})`] };
    case 'ELU': return { forward: [`F.elu(${x}, alpha=${c.alpha === undefined ? '1.0' : num(c.alpha, 'alpha')})`] };
    case 'Softmax':
      return ctx.activation === 'linear'
        ? { forward: [x] }
        : { forward: [`F.softmax(${x}, dim=${torchDim(c.axis === undefined ? -1 : Number(int(c.axis, 'axis')), r)})`] };
    case 'Flatten': return { forward: [r === 1 ? x : `torch.flatten(${toChannelsLast(x, r)}, 1)`] };
    case 'Dense': return denseOp(ctx);
    case 'Reshape': {
      const out = ctx.node.outputShape;
      return { forward: [toChannelsFirst(`${toChannelsLast(x, r)}.reshape(-1, ${out.map((v) => int(v, 'targetShape')).join(', ')})`, out.length)] };
    }
    case 'Add': case 'Multiply': case 'Average': case 'Maximum': case 'Minimum': case 'Concatenate':
      return mergeOp(ctx, layer.className);
    default:
      throw new Error(`${ctx.node.name}: ${layer.className} has no PyTorch equivalent`);
  }
}

/** Layer classes `torchOp` can write. */
export const TORCH_LAYERS: ReadonlySet<string> = new Set([
  'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose', 'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D',
  'GlobalMaxPooling2D', 'ZeroPadding2D', 'BatchNormalization', 'Dropout', 'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'Softmax',
  'Flatten', 'Dense', 'Reshape', 'Add', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate',
]);
