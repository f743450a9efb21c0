/**
 * Design document -> tfjs `LayersModel`, through the functional API and standard tfjs layers only, so the
 * model saved from it loads in any tfjs or Keras tooling. Composite blocks are already expanded by the
 * analysis (`analysis.flat`), so the compiler is a single pass over primitive layers in topological order.
 *
 * The tfjs namespace is a parameter: pass `@tensorflow/tfjs` (browser, plain Node) or `@tensorflow/tfjs-node`.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { analyzeDesign } from '../analysis/analyze';
import type { DesignAnalysis, FlatNode } from '../analysis/types';
import { LAYER_CLASSES } from '../blocks/registry';
import type { LayerMapping } from '../blocks/types';
import { DesignError } from '../errors';
import { detailedError, errorDetailEnglish, quoteDiagnostic, type ErrorDetail } from '../messages';
import type { DesignDocument, TrainingSettings } from '../schema/document';

/** The tfjs namespace (`import * as tf from '@tensorflow/tfjs'`, or tfjs-node). */
export type Tf = typeof tfjs;

type LayerFactory = (config: Record<string, unknown>) => tfjs.layers.Layer;

/**
 * Keras/tfjs class names the compiler can build, and the `tf.layers` factory for each: derived from the
 * blocks (each declares the classes its layer produces), so a class no block produces is not here.
 */
export const LAYER_FACTORIES: Readonly<Record<string, keyof Tf['layers']>> = Object.fromEntries(
  [...LAYER_CLASSES].flatMap(([className, spec]) => (typeof spec.factory === 'string' ? [[className, spec.factory]] : [])),
);

/** Options of `compileModel`. */
export interface CompileOptions {
  /** Also call `model.compile` with the Output blocks' losses and an optimizer (default true). */
  compile?: boolean;
  /** Optimizer for `model.compile`; defaults to the document's training settings (or Adam 1e-3). */
  optimizer?: tfjs.Optimizer | string;
  /** Model name (defaults to the document name, sanitized). */
  name?: string;
}

/** The outputs of a compiled design: one per Output block, in document order, with its loss and its weight. */
export interface ModelOutputSpec {
  nodeId: string;
  /** The Output block's layer name (unique, [A-Za-z0-9_]: `aux1_output`), for per-output losses in training events. */
  name: string;
  /** The flat node (layer) whose tensor is the output. */
  layerName: string;
  loss: string;
  /** The loss's weight in the model's total loss (Keras `loss_weights`). */
  lossWeight: number;
}

/** The inputs of a compiled design: one per Input block, in document order. */
export interface ModelInputSpec {
  nodeId: string;
  layerName: string;
  shape: readonly number[];
}

/** The model inputs of an analyzed design, in document order (as `compileModel` passes them to `tf.model`). */
export function modelInputs(analysis: DesignAnalysis): ModelInputSpec[] {
  return analysis.flat.filter((n) => n.type === 'Input').map((n) => ({ nodeId: n.id, layerName: n.layerName, shape: n.outputShape }));
}

function isAnalysis(input: DesignDocument | DesignAnalysis): input is DesignAnalysis {
  return Array.isArray((input as DesignAnalysis).flat);
}

/** Throws a `DesignError('invalid-graph')` listing every error diagnostic when the analysis is not valid. */
export function assertCompilable(analysis: DesignAnalysis): void {
  if (analysis.valid) return;
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  const details = errors.map((d) => (d.nodeId ? `${d.nodeId}: ${d.message}` : d.message));
  const more = details.length - 1;
  // The first error is quoted by code + values (the app writes it in its language); the English keeps its node id.
  const detail: ErrorDetail = {
    code: more > 1 ? 'compile-invalid-more' : more === 1 ? 'compile-invalid-more-one' : 'compile-invalid',
    values: { reason: details[0] ?? 'the design is not valid', ...(more > 0 ? { more } : {}) },
    ...(errors[0] ? { diagnostic: quoteDiagnostic(errors[0]) } : {}),
  };
  throw new DesignError('invalid-graph', errorDetailEnglish(detail), errors[0]?.nodeId ? `nodes.${errors[0].nodeId}` : undefined, details, detail);
}

/** The model outputs of an analyzed design, in document order: the input of every Output block, with its loss and weight. */
export function modelOutputs(analysis: DesignAnalysis): ModelOutputSpec[] {
  const byId = new Map(analysis.flat.map((n) => [n.id, n]));
  const outs: ModelOutputSpec[] = [];
  for (const n of analysis.flat) {
    if (n.type !== 'Output') continue;
    const src = byId.get(n.inputs[0] ?? '');
    if (!src) throw detailedError('invalid-graph', { code: 'compile-output-no-input', values: {} }, `nodes.${n.origin}`);
    outs.push({
      nodeId: n.id,
      name: n.layerName,
      layerName: src.layerName,
      loss: typeof n.params.loss === 'string' ? n.params.loss : 'categoricalCrossentropy',
      lossWeight: typeof n.params.lossWeight === 'number' ? n.params.lossWeight : 1,
    });
  }
  if (outs.length === 0) throw detailedError('invalid-graph', { code: 'compile-no-output', values: {} });
  return outs;
}

/** Builds one tfjs layer from its class name and camelCase config. */
export function createLayer(tf: Tf, mapping: LayerMapping, name: string): tfjs.layers.Layer {
  const custom = LAYER_CLASSES.get(mapping.className)?.factory;
  if (typeof custom === 'function') return custom(tf, { ...mapping.config, name });
  const factoryName = LAYER_FACTORIES[mapping.className];
  const factory = factoryName ? (tf.layers[factoryName] as unknown as LayerFactory | undefined) : undefined;
  if (!factory) throw new DesignError('unsupported-export', `no tfjs layer for class ${mapping.className}`, name);
  // Keras' default initializers where tfjs' differ (declared by the block), unless the config names its own.
  return factory({ ...LAYER_CLASSES.get(mapping.className)?.initializers, ...mapping.config, name });
}

/** A tfjs optimizer for the document's training settings (tfjs has no AdamW: weight decay is ignored there). */
export function createOptimizer(tf: Tf, training: TrainingSettings | undefined): tfjs.Optimizer {
  const o = training?.optimizer;
  if (!o) return tf.train.adam(0.001);
  switch (o.type) {
    case 'sgd':
      return o.momentum > 0 ? tf.train.momentum(o.learningRate, o.momentum, o.nesterov) : tf.train.sgd(o.learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(o.learningRate, 0.9, o.momentum);
    case 'adam':
    case 'adamw':
      return tf.train.adam(o.learningRate);
  }
}

/**
 * Compiles a design (document or its analysis) into a tfjs `LayersModel`. Layers are named after the flat
 * nodes' `layerName`, so `model.getLayer(flat.layerName)` finds each. Invalid designs throw a `DesignError`
 * listing the analysis' errors.
 */
export function compileModel(input: DesignDocument | DesignAnalysis, tf: Tf, options: CompileOptions = {}): tfjs.LayersModel {
  const analysis = isAnalysis(input) ? input : analyzeDesign(input);
  assertCompilable(analysis);
  const outputs = modelOutputs(analysis);
  const tensors = new Map<string, tfjs.SymbolicTensor>();
  const inputs: tfjs.SymbolicTensor[] = [];
  for (const node of analysis.flat) {
    const t = buildNode(tf, node, tensors);
    if (!t) continue;
    if (node.type === 'Input') inputs.push(t);
    tensors.set(node.id, t);
  }
  const docName = isAnalysis(input) ? undefined : input.name;
  const name = sanitizeName(options.name ?? docName ?? 'model');
  const byLayer = new Map(analysis.flat.map((n) => [n.layerName, n.id]));
  const outTensors = outputs.map((o) => tensors.get(byLayer.get(o.layerName) ?? '') as tfjs.SymbolicTensor);
  const model = tf.model({ inputs, outputs: outTensors.length === 1 ? outTensors[0] : outTensors, name });
  if (options.compile !== false) {
    const losses = outputs.map((o) => o.loss);
    const optimizer = options.optimizer ?? createOptimizer(tf, isAnalysis(input) ? undefined : input.training);
    model.compile({
      optimizer,
      loss: losses.length === 1 ? losses[0] : losses,
      // No lossWeights: tfjs-layers 4 accepts but does not apply them; LayerLoom's training loop weighs the
      // outputs' losses itself (engine/node/train/heads.ts).
      metrics: losses.every((l) => l.endsWith('Crossentropy')) ? ['accuracy'] : [],
    });
  }
  return model;
}

function buildNode(tf: Tf, node: FlatNode, tensors: Map<string, tfjs.SymbolicTensor>): tfjs.SymbolicTensor | undefined {
  if (node.type === 'Input') {
    return tf.input({ shape: [...node.outputShape], name: node.layerName });
  }
  const ins = node.inputs.map((id) => {
    const t = tensors.get(id);
    if (!t) throw new DesignError('invalid-graph', `input ${id} of ${node.name} is not built yet`, `nodes.${node.origin}`);
    return t;
  });
  // Output blocks compile to no layer; they mark the tensor they receive as a model output.
  if (!node.layer) return node.type === 'Output' ? undefined : ins[0];
  const layer = createLayer(tf, node.layer, node.layerName);
  return layer.apply(ins.length === 1 ? ins[0] : ins) as tfjs.SymbolicTensor;
}

function sanitizeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'model';
}
