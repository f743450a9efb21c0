/**
 * The layer vocabulary the generators share: node roles, merge classes, known activations, small readers.
 * (Config readers are in `layer-config.ts`; TensorFlow's 'same' padding is the blocks' `samePadding`.)
 */
import { ACTIVATIONS } from '../blocks/params';
import { listBlocks } from '../blocks/registry';
import type { CodegenNode } from './types';

/** How a node takes part in the model. */
export type NodeRole = 'input' | 'output' | 'layer';

/** Input nodes have no inputs and no layer; Output nodes have no layer and mark a model output. */
export function nodeRole(node: CodegenNode): NodeRole {
  if (node.layer) return 'layer';
  return node.inputs.length === 0 || node.type === 'Input' ? 'input' : 'output';
}

/** Merge layers, applied to a list of tensors: the classes of the blocks with the `merges` trait. */
export const MERGE_LAYERS: ReadonlySet<string> = new Set(
  listBlocks().flatMap((b) => (b.kind === 'primitive' && b.traits?.merges ? Object.keys(b.tfjs) : [])),
);

/** Activation names the generators know: the blocks' activations (leaky ReLU is a layer class of its own). */
export const KNOWN_ACTIVATIONS: ReadonlySet<string> = new Set(ACTIVATIONS);

/** The activation a layer applies after its main op (`linear` when none). */
export function activationOf(node: CodegenNode): string {
  const a = node.layer?.config.activation;
  return typeof a === 'string' ? a : 'linear';
}

/** Index of flat nodes by id. */
export function byId(nodes: readonly CodegenNode[]): Map<string, CodegenNode> {
  return new Map(nodes.map((n) => [n.id, n]));
}

/** The loss an Output node declares and its weight in the model's total loss (defaults: categorical cross-entropy, 1). */
export function outputLoss(node: CodegenNode): { loss: string; weight: number } {
  return {
    loss: typeof node.params.loss === 'string' ? node.params.loss : 'categoricalCrossentropy',
    weight: typeof node.params.lossWeight === 'number' ? node.params.lossWeight : 1,
  };
}
