/**
 * The one seam between training and the compiler: builds the tfjs model for a design and describes where its
 * input shape and class count live in the document (for `data-mismatch` errors that name the field to fix).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { analyzeDesign } from '../../analysis/analyze';
import { compileModel, modelInputs, modelOutputs, type Tf } from '../../compile/compile';
import { applyWeights, freshWeights } from '../../onnx/weights';
import type { DesignDocument } from '../../schema/document';
import type { DesignFitInfo } from './data/dataset';

/**
 * Compiles the design into an uncompiled `LayersModel` (the training loop brings its own optimizer and loss).
 * With `seed`, its standard layers get their Keras initial weights (Glorot-uniform kernels, zero biases,
 * BatchNorm 1/0/0/1) drawn from it, so the run's seed fixes its starting point as it fixes shuffles and splits
 * (tfjs' own initializers draw from an unseeded generator); LayerLoom's custom layers keep their own.
 */
export function buildModelFor(doc: DesignDocument, tf: Tf, seed?: number): tfjs.LayersModel {
  const analysis = analyzeDesign(doc);
  const model = compileModel(analysis, tf, { compile: false, name: doc.name });
  if (seed !== undefined) applyWeights(tf, model, analysis, freshWeights(analysis, seed));
  return model;
}

/** The loss of the design's (first) Output block; categorical cross-entropy when none is set. */
export function lossNameFor(doc: DesignDocument): string {
  const out = doc.nodes.find((n) => n.type === 'Output');
  return typeof out?.params.loss === 'string' ? out.params.loss : 'categoricalCrossentropy';
}

/**
 * The model's inputs (shapes) and outputs (widths) in `model.inputs` / `model.outputs` order, with the document
 * paths of each Input block's shape and of the Dense layer before each Output (when it is one).
 */
export function fitInfoFor(doc: DesignDocument, model: tfjs.LayersModel): DesignFitInfo {
  const analysis = analyzeDesign(doc);
  const indexOf = (id: string) => doc.nodes.findIndex((n) => n.id === id);
  const inputs = modelInputs(analysis).map((spec, i) => {
    const idx = indexOf(spec.nodeId);
    return { shape: model.inputs[i].shape.slice(1), ...(idx >= 0 ? { path: `nodes[${idx}].params.shape` } : {}) };
  });
  const outputs = modelOutputs(analysis).map((spec, i) => {
    const shape = model.outputs[i].shape;
    const lastId = doc.edges.find((e) => e.target.node === spec.nodeId)?.source.node;
    const lastIdx = lastId ? indexOf(lastId) : -1;
    const path = lastIdx >= 0 && doc.nodes[lastIdx].type === 'Dense' ? `nodes[${lastIdx}].params.units` : undefined;
    return { units: shape.length === 2 ? shape[1] : null, name: spec.name, ...(path ? { path } : {}) };
  });
  return { inputs, outputs };
}
