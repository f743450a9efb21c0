/**
 * ONNX files on disk, shared by the CLI (`layerloom export --format onnx`, `layerloom import model.onnx`) and the
 * app's File ▸ Export… / Import model… host service. Export writes the trained weights of a training run folder
 * when one is given (checked layer by layer against the design), else seeded fresh ones; the file is written
 * atomically and nothing is written when the design cannot be exported. Node-only (reads and writes files).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { analyzeDesign } from '../analysis/analyze';
import { exportOnnx } from '../onnx/export';
import { importOnnx, type OnnxImport } from '../onnx/import';
import { weightSpecs, inputShapes, type DesignWeights } from '../onnx/weights';
import type { DesignDocument } from '../schema/document';
import { writeFileAtomic } from './fs-atomic';
import { loadModelFiles } from './model-files';
import { runModelJson } from './export-model';
import { detailedError } from '../messages';

/** Default file name when the output path is a folder. */
export const ONNX_FILE = 'model.onnx';

/** Largest .onnx file the importer reads (weights included). */
export const MAX_ONNX_BYTES = 1024 * 1024 * 1024;

/** What `exportOnnxFile` wrote. */
export interface OnnxFileExport {
  files: string[];
  params: number;
  /** The trained model.json whose weights were written, or null for fresh weights. */
  trainedFrom: string | null;
}

const isDir = (p: string) => stat(p).then((s) => s.isDirectory(), () => false);

/** The trained weights of a run, mapped onto the design's layers in order; a mismatch names the layer. */
async function runWeights(doc: DesignDocument, modelJson: string): Promise<DesignWeights> {
  const tf = await import('@tensorflow/tfjs');
  tf.env().set('PROD', true);
  const analysis = analyzeDesign(doc);
  const ins = inputShapes(analysis);
  const mine = analysis.flat.filter((n) => weightSpecs(n, ins.get(n.id) ?? []).length > 0);
  const trained = await loadModelFiles(tf, modelJson);
  try {
    const theirs = trained.layers.filter((l) => l.getWeights().length > 0);
    if (theirs.length !== mine.length) {
      throw detailedError('invalid-document', { code: 'run-layer-count', values: { file: modelJson, trained: theirs.length, mine: mine.length } }, 'runDir');
    }
    const out: DesignWeights = {};
    mine.forEach((node, i) => {
      const specs = weightSpecs(node, ins.get(node.id) ?? []);
      const ws = theirs[i].getWeights();
      const want = specs.map((s) => s.shape.join('x')).join(', ');
      const got = ws.map((t) => t.shape.join('x')).join(', ');
      if (want !== got) throw detailedError('invalid-document', { code: 'run-layer-weights-onnx', values: { file: modelJson, layer: theirs[i].name, got, node: node.name, want } }, 'runDir');
      out[node.id] = ws.map((t) => ({ shape: [...t.shape], data: Float32Array.from(t.dataSync() as Float32Array) }));
    });
    return out;
  } finally {
    trained.dispose();
  }
}

/**
 * Writes `doc` as ONNX at `out` (a file, or a folder to put model.onnx in). With `runDir`, the run's trained
 * weights; otherwise fresh ones. Refusals (invalid design, unsupported layers, mismatched run) write nothing.
 */
export async function exportOnnxFile(doc: DesignDocument, out: string, options: { runDir?: string } = {}): Promise<OnnxFileExport> {
  const trainedFrom = options.runDir ? await runModelJson(options.runDir) : null;
  const analysis = analyzeDesign(doc);
  const weights = trainedFrom ? await runWeights(doc, trainedFrom) : undefined;
  const { bytes } = exportOnnx(doc, weights);
  const file = out.endsWith('/') || out.endsWith(path.sep) || (await isDir(out)) ? path.join(out, ONNX_FILE) : out;
  await writeFileAtomic(file, bytes);
  return { files: [file], params: analysis.totals.params, trainedFrom };
}

/** True when a path names an ONNX file (by extension). */
export function isOnnxPath(file: string): boolean {
  return /\.onnx$/i.test(file);
}

/** Reads and imports an .onnx file; refusals are `DesignError('import-failed')` naming the operator and node. */
export async function importOnnxFile(file: string, options: { name?: string } = {}): Promise<OnnxImport> {
  const info = await stat(file);
  if (info.size > MAX_ONNX_BYTES) throw detailedError('import-failed', { code: 'onnx-too-large', values: { path: file, size: info.size, max: MAX_ONNX_BYTES } }, 'path');
  const bytes = new Uint8Array(await readFile(file));
  return importOnnx(bytes, { fileName: path.basename(file), name: options.name });
}
