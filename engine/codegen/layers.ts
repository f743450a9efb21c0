/**
 * The layer vocabulary the generators understand (tfjs/Keras class names), plus the small readers and the
 * TensorFlow padding arithmetic the Python writers share.
 */
import type { CodegenNode } from './types';

/** How a node takes part in the model. */
export type NodeRole = 'input' | 'output' | 'layer';

/** Input nodes have no inputs and no layer; Output nodes have no layer and mark a model output. */
export function nodeRole(node: CodegenNode): NodeRole {
  if (node.layer) return 'layer';
  return node.inputs.length === 0 || node.type === 'Input' ? 'input' : 'output';
}

/** Merge layers: applied to a list of tensors. */
export const MERGE_LAYERS: ReadonlySet<string> = new Set(['Add', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate']);

/** A layer config value as a pair: `3` -> `[3, 3]`, `[3, 5]` as is; missing -> `fallback`. */
export function pairOf(value: unknown, fallback: [number, number]): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) return [value[0], value[1]];
  return fallback;
}

/** Kernel, strides, dilation and padding of a convolution or pooling layer config (Keras defaults filled in). */
export interface WindowConfig {
  kernel: [number, number];
  strides: [number, number];
  dilation: [number, number];
  padding: 'valid' | 'same';
}

/** Reads a conv/pool config; pooling strides default to the pool size, as in Keras. */
export function windowConfig(config: Record<string, unknown>): WindowConfig {
  const kernel = pairOf(config.kernelSize ?? config.poolSize, [1, 1]);
  const strides = pairOf(config.strides, config.poolSize !== undefined ? kernel : [1, 1]);
  return {
    kernel,
    strides,
    dilation: pairOf(config.dilationRate, [1, 1]),
    padding: config.padding === 'same' ? 'same' : 'valid',
  };
}

/**
 * TensorFlow's 'same' padding along one axis: output `ceil(in / stride)`, total padding split with the
 * extra pixel at the end (bottom/right). Returns `[before, after]`.
 */
export function tfSamePadding(inLen: number, kernel: number, stride: number, dilation = 1): [number, number] {
  const effective = dilation * (kernel - 1) + 1;
  const out = Math.ceil(inLen / stride);
  const total = Math.max((out - 1) * stride + effective - inLen, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Activation names of tfjs that the generators know. */
export const KNOWN_ACTIVATIONS: ReadonlySet<string> = new Set([
  'linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'hardSigmoid', 'tanh', 'softmax', 'softplus', 'softsign', 'swish', 'mish', 'gelu', 'gelu_new',
]);

/** The activation a layer applies after its main op (`linear` when none). */
export function activationOf(node: CodegenNode): string {
  const a = node.layer?.config.activation;
  return typeof a === 'string' ? a : 'linear';
}

/** Index of flat nodes by id. */
export function byId(nodes: readonly CodegenNode[]): Map<string, CodegenNode> {
  return new Map(nodes.map((n) => [n.id, n]));
}
