/**
 * A design's weights outside tfjs: per flat node id, the layer's weight arrays in Keras/tfjs order and layout
 * (Conv2D: kernel [kh, kw, in, out] then bias; BatchNormalization: gamma, beta, moving mean, moving variance).
 * The ONNX exporter reads them, the importer produces them, and `applyWeights`/`weightsFromModel` move them
 * in and out of a compiled tfjs model (the tfjs namespace is a parameter, as in the compiler).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { DesignAnalysis, FlatNode } from '../analysis/types';
import type { Shape } from '../blocks/types';
import { getPrimitive } from '../blocks/registry';
import { mulberry32 } from '../random';
import type { Tf } from '../compile/compile';
import type { WeightSpec } from './export-helpers';

/** One weight array of a layer, row-major. */
export interface WeightArray {
  shape: number[];
  data: Float32Array;
}

/** Weights of a whole design: flat node id -> its layer's weights in Keras order. */
export type DesignWeights = Record<string, WeightArray[]>;

/** The weights a flat node's layer has, in Keras order, from its input shape (its block's `weightSpecs`). Empty for weightless layers. */
export function weightSpecs(node: FlatNode, inShape: Shape): WeightSpec[] {
  return (node.layer && getPrimitive(node.type)?.weightSpecs?.(node.layer.config, inShape)) || [];
}

/** Input shape of each flat node (its first input's output shape). */
export function inputShapes(analysis: DesignAnalysis): Map<string, Shape> {
  const byId = new Map(analysis.flat.map((n) => [n.id, n]));
  return new Map(analysis.flat.map((n) => [n.id, byId.get(n.inputs[0] ?? '')?.outputShape ?? []]));
}

/**
 * Freshly initialized weights as Keras initializes them (Glorot uniform kernels, zero biases, BatchNorm
 * gamma 1, beta 0, mean 0, variance 1), from a seed: what an export writes when no trained weights exist.
 */
export function freshWeights(analysis: DesignAnalysis, seed = 42): DesignWeights {
  const next = mulberry32(seed);
  const ins = inputShapes(analysis);
  const out: DesignWeights = {};
  for (const node of analysis.flat) {
    const specs = weightSpecs(node, ins.get(node.id) ?? []);
    if (specs.length === 0) continue;
    out[node.id] = specs.map(({ role, shape }) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      if (role === 'kernel') {
        // Glorot fans of a conv kernel [kh, kw, in, out] (or a Dense [in, out]): receptive field times in/out.
        const field = shape.slice(0, -2).reduce((a, b) => a * b, 1);
        const limit = Math.sqrt(6 / (field * shape[shape.length - 2] + field * shape[shape.length - 1]));
        for (let i = 0; i < n; i++) data[i] = (next() * 2 - 1) * limit;
      } else if (role === 'gamma' || role === 'variance') data.fill(1);
      return { shape, data };
    });
  }
  return out;
}

/** Checks that `weights` has, for every layer with weights, arrays of the shapes the design needs. */
export function checkWeights(analysis: DesignAnalysis, weights: DesignWeights): void {
  const ins = inputShapes(analysis);
  for (const node of analysis.flat) {
    const specs = weightSpecs(node, ins.get(node.id) ?? []);
    if (specs.length === 0) continue;
    const got = weights[node.id];
    if (!got) throw new Error(`no weights for layer '${node.name}' (${node.id})`);
    if (got.length !== specs.length) throw new Error(`layer '${node.name}' needs ${specs.length} weight arrays, got ${got.length}`);
    specs.forEach((s, i) => {
      const g = got[i];
      if (g.shape.length !== s.shape.length || g.shape.some((d, a) => d !== s.shape[a])) {
        throw new Error(`layer '${node.name}' weight ${i}: expected shape [${s.shape.join(', ')}], got [${g.shape.join(', ')}]`);
      }
      if (g.data.length !== s.shape.reduce((a, b) => a * b, 1)) throw new Error(`layer '${node.name}' weight ${i}: ${g.data.length} values for shape [${s.shape.join(', ')}]`);
    });
  }
}

/** Reads every layer's weights out of a model compiled from `analysis` (layers are named by `layerName`). */
export function weightsFromModel(model: tfjs.LayersModel, analysis: DesignAnalysis): DesignWeights {
  const out: DesignWeights = {};
  for (const node of analysis.flat) {
    if (!node.layer) continue;
    const layer = model.getLayer(node.layerName);
    const ws = layer.getWeights();
    if (ws.length === 0) continue;
    out[node.id] = ws.map((t) => ({ shape: [...t.shape], data: Float32Array.from(t.dataSync() as Float32Array) }));
  }
  return out;
}

/** Sets the weights of a model compiled from `analysis` (e.g. weights read from an ONNX file). */
export function applyWeights(tf: Tf, model: tfjs.LayersModel, analysis: DesignAnalysis, weights: DesignWeights): void {
  checkWeights(analysis, weights);
  for (const node of analysis.flat) {
    const ws = weights[node.id];
    if (!node.layer || !ws) continue;
    const tensors = ws.map((w) => tf.tensor(w.data, w.shape, 'float32'));
    try {
      model.getLayer(node.layerName).setWeights(tensors);
    } finally {
      tensors.forEach((t) => t.dispose());
    }
  }
}
