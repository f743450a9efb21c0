/**
 * Several inputs and outputs in training. A design may have more than one Output block (GoogLeNet's auxiliary
 * classifiers) and more than one Input block. The datasets LayerLoom reads give one image and one label per
 * example, so every classifier head learns that same label (as GoogLeNet's auxiliary heads do) and every input is
 * fed that same image; a design whose inputs or heads need something else is refused with the reason.
 *
 * The training loss is Σ weightᵢ · lossᵢ over the outputs (Keras `loss_weights`); accuracy, the confusion matrix
 * and the predictions come from the main head: the first output with the largest weight.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { modelInputs, modelOutputs, type Tf } from '../../compile/compile';
import type { DesignAnalysis } from '../../analysis/types';
import { DesignError } from '../../errors';
import type { DesignDocument } from '../../schema/document';

/** A loss over a batch: one-hot labels and predictions in, a scalar mean out. */
export type LossFn = (y: tfjs.Tensor, pred: tfjs.Tensor) => tfjs.Scalar;

/** The tfjs loss for an Output block's loss name (labels are always one-hot here, so sparse = categorical). */
export function lossFunction(tf: Tf, name: string): LossFn {
  switch (name) {
    case 'binaryCrossentropy':
      return (y, p) => tf.mean(tf.metrics.binaryCrossentropy(y, p)) as tfjs.Scalar;
    case 'meanSquaredError':
      return (y, p) => tf.mean(tf.metrics.meanSquaredError(y, p)) as tfjs.Scalar;
    default:
      return (y, p) => tf.mean(tf.metrics.categoricalCrossentropy(y, p)) as tfjs.Scalar;
  }
}

/** One model output as training sees it. */
export interface TrainHead {
  /** The Output block's name (keys of `outputLosses` in events). */
  name: string;
  loss: string;
  lossFn: LossFn;
  weight: number;
}

/** The outputs of a model in `model.outputs` order, and which one accuracy reads. */
export interface ModelHeads {
  heads: TrainHead[];
  /** Index of the main head in `heads`. */
  main: number;
  /** How many inputs the model takes (each is fed the batch's images). */
  inputs: number;
}

/** The training heads of an analyzed (valid) design. */
export function headsFor(tf: Tf, analysis: DesignAnalysis): ModelHeads {
  const heads = modelOutputs(analysis).map((o) => ({ name: o.name, loss: o.loss, lossFn: lossFunction(tf, o.loss), weight: o.lossWeight }));
  let main = 0;
  for (let i = 1; i < heads.length; i++) if (heads[i].weight > heads[main].weight) main = i;
  return { heads, main, inputs: modelInputs(analysis).length };
}

/**
 * Refuses, with the reason and the field to change, what a one-image one-label dataset cannot train: inputs of
 * different shapes (there is only one image to feed them) and a design whose outputs all weigh 0.
 */
export function checkHeadsTrainable(doc: DesignDocument, analysis: DesignAnalysis): void {
  const inputs = modelInputs(analysis);
  const first = inputs[0];
  const other = inputs.find((i) => i.shape.join('x') !== first?.shape.join('x'));
  if (first && other) {
    throw new DesignError(
      'data-mismatch',
      `the design has inputs of different shapes ('${nameOf(doc, first.nodeId)}' ${first.shape.join('×')}, '${nameOf(doc, other.nodeId)}' ${other.shape.join('×')}), but the dataset gives one image per example: give every Input the same shape, or train it outside LayerLoom`,
      pathOf(doc, other.nodeId, 'shape'),
    );
  }
  const outputs = modelOutputs(analysis);
  if (outputs.length > 0 && outputs.every((o) => o.lossWeight === 0)) {
    throw new DesignError('invalid-params', 'every Output block has loss weight 0, so there is nothing to train: give the main output a weight above 0', pathOf(doc, outputs[0].nodeId, 'lossWeight'));
  }
}

/** The line for the run's log: how the data feeds several inputs and outputs (nothing for one of each). */
export function headsReport(h: ModelHeads): string | null {
  if (h.heads.length === 1 && h.inputs === 1) return null;
  const parts: string[] = [];
  if (h.inputs > 1) parts.push(`the dataset has one image per example: all ${h.inputs} inputs are fed the same image`);
  if (h.heads.length > 1) {
    const list = h.heads.map((x) => `${x.name} (${x.loss}, weight ${x.weight})`).join(', ');
    parts.push(`the dataset has one label per example: all ${h.heads.length} outputs learn it, loss = weighted sum of ${list}; accuracy is read from ${h.heads[h.main].name}`);
  }
  return parts.join('; ');
}

/** The model's inputs for a batch of images: the same tensor once per input. */
export function feedInputs(x: tfjs.Tensor, inputs: number): tfjs.Tensor | tfjs.Tensor[] {
  return inputs === 1 ? x : Array.from({ length: inputs }, () => x);
}

/** A model's prediction as a list (one tensor per output). */
export function asOutputs(pred: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor[] {
  return Array.isArray(pred) ? pred : [pred];
}

/** The weighted total loss and each head's own loss, for one batch (labels shared by every head). */
export function headLosses(tf: Tf, h: ModelHeads, y: tfjs.Tensor, preds: tfjs.Tensor[]): { total: tfjs.Scalar; each: tfjs.Scalar[] } {
  const each = h.heads.map((head, i) => head.lossFn(y, preds[i]));
  if (each.length === 1 && h.heads[0].weight === 1) return { total: each[0], each };
  const total = tf.addN(each.map((l, i) => tf.mul(l, h.heads[i].weight))) as tfjs.Scalar;
  return { total, each };
}

/** `{ name: loss }` for events, or undefined with a single output (whose loss is the event's `loss`). */
export function namedLosses(h: ModelHeads, values: readonly number[]): Record<string, number> | undefined {
  if (h.heads.length < 2) return undefined;
  return Object.fromEntries(h.heads.map((x, i) => [x.name, values[i]]));
}

function nameOf(doc: DesignDocument, id: string): string {
  const n = doc.nodes.find((x) => x.id === id);
  return n?.name || id;
}

function pathOf(doc: DesignDocument, id: string, field: string): string | undefined {
  const i = doc.nodes.findIndex((x) => x.id === id);
  return i >= 0 ? `nodes[${i}].params.${field}` : undefined;
}
