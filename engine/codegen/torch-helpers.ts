/**
 * What a block's PyTorch translation is written with (a leaf module, so block files can import it): the op
 * context and result types, literal writers, NHWC <-> NCHW conversions and TensorFlow padding as `F.pad`.
 * The design is channels-last (NHWC) and the generated module channels-first (NCHW), so channel axes,
 * flattening order and TensorFlow's asymmetric 'same' padding are converted explicitly from the analysed shapes.
 */
import { samePadding } from '../blocks/shape-utils';
import type { Shape } from '../blocks/types';
import { windowConfig } from './layer-config';
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
  /** Helper functions the module file must define, or modules it must import. */
  helpers: Set<OpHelper>;
}

/** What a layer's code may need at the top of model.py: a helper function, or the torchvision import. */
export type OpHelper = 'avg_pool_same' | 'torchvision';

/** A layer's PyTorch code: the constructor (without `self.x = `), if it has weights, and its forward expression. */
export interface OpCode {
  init?: string;
  /** One Python expression computing the layer's output from `ctx.ins`. */
  forward: string;
}

/** Writes a number, refusing anything but finite numbers (document values never reach code unchecked). */
export function num(value: unknown, where: string): string {
  if (typeof value !== 'number') throw new Error(`${where}: expected a number, got ${typeof value}`);
  return numberLiteral(value, where);
}

/** Writes an integer, refusing anything else. */
export function int(value: unknown, where: string): string {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`${where}: expected an integer`);
  return String(value);
}

/** A Python tuple of integers. */
export const tuple = (a: readonly number[]): string => `(${a.map((v) => int(v, 'size')).join(', ')})`;

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
    default: throw new Error(`activation '${name}' has no PyTorch equivalent`);
  }
}

/** Zero (or `value`) padding as `F.pad`, whose order is (left, right, top, bottom). */
export function padExpr(x: string, pads: [[number, number], [number, number]], value?: string): string {
  const [[t, b], [l, r]] = pads;
  return `F.pad(${x}, (${l}, ${r}, ${t}, ${b})${value ? `, value=${value}` : ''})`;
}

/** Padding for a conv/pool window: symmetric pairs go into the layer, asymmetric ones into an explicit `F.pad`. */
export function windowPadding(ctx: OpContext): { pads: [[number, number], [number, number]]; symmetric: boolean } {
  const w = windowConfig(ctx.node.layer!.config);
  const [h, wd] = ctx.inShapes[0];
  const pads: [[number, number], [number, number]] =
    w.padding === 'same'
      ? [samePadding(h, w.kernel[0], w.strides[0], w.dilation[0]), samePadding(wd, w.kernel[1], w.strides[1], w.dilation[1])]
      : [[0, 0], [0, 0]];
  return { pads, symmetric: pads[0][0] === pads[0][1] && pads[1][0] === pads[1][1] };
}

/** Brings an operand of a lower rank to the output rank the way Keras broadcasts (leading axes of size 1). */
export function broadcastOperand(expr: string, shape: Shape, rank: number): string {
  if (shape.length === rank) return expr;
  if (shape.length === 1 && rank === 3) return `${expr}[:, :, None, None]`;
  const ones = Array<number>(rank - shape.length).fill(1);
  return toChannelsFirst(`${toChannelsLast(expr, shape.length)}.reshape(-1, ${[...ones, ...shape].join(', ')})`, rank);
}
