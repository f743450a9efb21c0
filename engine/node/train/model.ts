/**
 * The one seam between training and the compiler: builds the tfjs model for a design and describes where its
 * input shape and class count live in the document (for `data-mismatch` errors that name the field to fix).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { analyzeDesign } from '../../analysis/analyze';
import { compileModel, type Tf } from '../../compile/compile';
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

/** The model's input shape and output width, with the document paths of the Input block and the last layer. */
export function fitInfoFor(doc: DesignDocument, model: tfjs.LayersModel): DesignFitInfo {
  const inputIdx = doc.nodes.findIndex((n) => n.type === 'Input');
  const outIdx = doc.nodes.findIndex((n) => n.type === 'Output');
  const outNode = outIdx >= 0 ? doc.nodes[outIdx] : undefined;
  const lastId = outNode ? doc.edges.find((e) => e.target.node === outNode.id)?.source.node : undefined;
  const lastIdx = lastId ? doc.nodes.findIndex((n) => n.id === lastId) : -1;
  const outShape = model.outputs[0].shape;
  return {
    inputShape: model.inputs[0].shape.slice(1),
    outputUnits: outShape.length === 2 ? outShape[1] : null,
    inputPath: inputIdx >= 0 ? `nodes[${inputIdx}].params.shape` : undefined,
    outputPath: lastIdx >= 0 && doc.nodes[lastIdx].type === 'Dense' ? `nodes[${lastIdx}].params.units` : undefined,
  };
}
