/**
 * Test support: runs an imported ONNX model as a compiled tfjs model on ONNX-layout data (inputs converted
 * to the design's layout through the import's port index maps, outputs converted back).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { analyzeDesign } from '../analysis/analyze';
import { compileModel, type Tf } from '../compile/compile';
import type { OnnxImport, OnnxImportPort } from './import';
import type { FloatTensor } from './tensor';
import { applyWeights } from './weights';

/** ONNX-layout batch -> design-layout batch for one port. */
export function toDesignLayout(port: OnnxImportPort, t: FloatTensor): { dims: number[]; data: Float32Array } {
  const per = port.index.length;
  const batch = t.data.length / per;
  const out = new Float32Array(t.data.length);
  for (let b = 0; b < batch; b++) for (let i = 0; i < per; i++) out[b * per + i] = t.data[b * per + port.index[i]];
  return { dims: [batch, ...port.designShape], data: out };
}

/** Design-layout batch -> ONNX layout for one port. */
export function toOnnxLayout(port: OnnxImportPort, data: Float32Array): Float32Array {
  const per = port.index.length;
  const out = new Float32Array(data.length);
  for (let b = 0; b < data.length / per; b++) for (let i = 0; i < per; i++) out[b * per + port.index[i]] = data[b * per + i];
  return out;
}

/** Compiles the imported design, loads its weights, runs it on ONNX-layout inputs (by ONNX name); outputs by name. */
export function runImported(tf: Tf, imported: OnnxImport, feeds: Record<string, FloatTensor>): Record<string, Float32Array> {
  const analysis = analyzeDesign(imported.doc);
  const model: tfjs.LayersModel = compileModel(analysis, tf, { compile: false });
  try {
    applyWeights(tf, model, analysis, imported.weights);
    const order = (type: string) => analysis.flat.filter((n) => n.type === type).map((n) => n.id);
    const xs = order('Input').map((id) => {
      const port = imported.inputs.find((p) => p.nodeId === id)!;
      const feed = feeds[port.name];
      if (!feed) throw new Error(`no data for input '${port.name}'`);
      const d = toDesignLayout(port, feed);
      return tf.tensor(d.data, d.dims);
    });
    const ys = model.predict(xs.length === 1 ? xs[0] : xs) as tfjs.Tensor | tfjs.Tensor[];
    const outs = Array.isArray(ys) ? ys : [ys];
    const result: Record<string, Float32Array> = {};
    order('Output').forEach((id, i) => {
      const port = imported.outputs.find((p) => p.nodeId === id)!;
      result[port.name] = toOnnxLayout(port, outs[i].dataSync() as Float32Array);
    });
    [...xs, ...outs].forEach((t) => t.dispose());
    return result;
  } finally {
    model.dispose();
  }
}
