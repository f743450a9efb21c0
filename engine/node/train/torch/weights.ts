/**
 * Weights between the tfjs model and the generated PyTorch module. The Node side always holds the truth in tfjs
 * layout: a run starts from the tfjs model's weights (fresh Glorot init, or a checkpoint loaded by the usual
 * `loadCheckpoint`), and whatever the Python trainer returns is set back into the tfjs model, so the run folder's
 * model, checkpoints and export are the ordinary tfjs files. The layout conversion itself (NHWC kernels ↔ NCHW
 * modules) happens once, in `tfjs_weights.py`, in both directions.
 *
 * The wire format is a JSON manifest (per layer: tfjs name, module attribute, weight shapes) plus one raw
 * little-endian float32 file with every layer's weights back to back in `layer.weights` order.
 */
import { readFile } from 'node:fs/promises';
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../../../compile/compile';
import type { MappedCode } from '../../../codegen/index';
import type { FlatNode } from '../../../analysis/types';
import { writeFileAtomic } from '../../fs-atomic';

/** One layer with weights: its tfjs name, the `nn.Module` attribute that holds it, and its tfjs weight shapes. */
export interface LayerWeights {
  name: string;
  attr: string;
  shapes: number[][];
}

/**
 * Maps tfjs layer names to the generated module's attributes. The writer allocates Python identifiers from the
 * layer names (and may rename a clash or keyword), so the attribute is read from the generated code itself: the
 * `self.<attr> = ...` line that the source map attributes to the node.
 */
export function moduleAttributes(code: MappedCode, flat: readonly Pick<FlatNode, 'id' | 'layerName'>[]): Map<string, string> {
  const lines = code.text.split('\n');
  const out = new Map<string, string>();
  for (const node of flat) {
    for (const range of code.sourceMap[node.id] ?? []) {
      for (let i = range.start; i <= range.end; i++) {
        const m = /^ {8}self\.([A-Za-z_][A-Za-z0-9_]*) = /.exec(lines[i - 1] ?? '');
        if (m) out.set(node.layerName, m[1]);
      }
    }
  }
  return out;
}

/** The manifest of `model`'s weighted layers; throws when a layer has no module attribute (a writer mismatch). */
export function weightManifest(model: tfjs.LayersModel, attrs: Map<string, string>): LayerWeights[] {
  return model.layers
    .filter((l) => l.weights.length > 0)
    .map((l) => {
      const attr = attrs.get(l.name);
      if (!attr) throw new Error(`layer '${l.name}' has weights but no attribute in the generated PyTorch module`);
      return { name: l.name, attr, shapes: l.weights.map((w) => [...w.shape] as number[]) };
    });
}

/** Writes every weighted layer's values (tfjs layout, float32, manifest order) to `file`, atomically. */
export async function writeWeights(model: tfjs.LayersModel, manifest: readonly LayerWeights[], file: string): Promise<void> {
  const parts: Float32Array[] = [];
  for (const entry of manifest) {
    for (const t of model.getLayer(entry.name).getWeights()) parts.push((await t.data()) as Float32Array);
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  await writeFileAtomic(file, new Uint8Array(all.buffer));
}

/** Reads weights written by the trainer (same layout as `writeWeights`) into `model`; checks the size first. */
export async function readWeights(tf: Tf, model: tfjs.LayersModel, manifest: readonly LayerWeights[], file: string): Promise<void> {
  const bytes = await readFile(file);
  const want = manifest.reduce((n, e) => n + e.shapes.reduce((m, s) => m + s.reduce((a, b) => a * b, 1), 0), 0);
  if (bytes.byteLength !== want * 4) throw new Error(`${file} holds ${bytes.byteLength} bytes, the model needs ${want * 4}`);
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  let at = 0;
  for (const entry of manifest) {
    const values = entry.shapes.map((shape) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const t = tf.tensor(all.subarray(at, at + n), shape, 'float32');
      at += n;
      return t;
    });
    model.getLayer(entry.name).setWeights(values);
    tf.dispose(values);
  }
}
