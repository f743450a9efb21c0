/**
 * Exporting a design to files, shared by the CLI (`layerloom export`) and the app's File ▸ Export… host service:
 * code targets (TypeScript, Keras, PyTorch + train.py) and tfjs model.json + weights, freshly initialized or the
 * trained weights of a training run folder (what `layerloom train --out DIR` and the app's runs write). Every
 * file is written atomically; nothing is written when the design cannot be exported.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { generateCode, prepareExport, type ExportTarget, type GeneratedFile } from '../codegen';
import { compileModel } from '../compile/compile';
import { importModelText } from '../import/import-model';
import type { DesignDocument } from '../schema/document';
import { writeFileAtomic } from './fs-atomic';
import { loadModelFiles, MODEL_JSON, saveModelFiles } from './model-files';
import { detailedError } from '../messages';

/** Where a run folder keeps a trained model, best first: the final model, then the best and last checkpoints. */
const RUN_MODEL_DIRS = ['model', path.join('checkpoints', 'best'), path.join('checkpoints', 'last')];

/** What an export wrote. */
export interface ExportResult {
  files: string[];
  /** Parameter count of the exported model (the engine's count for code targets). */
  params: number;
  /** The trained model.json whose weights were written, or null for fresh weights / code. */
  trainedFrom: string | null;
}

const isDir = (p: string) => stat(p).then((s) => s.isDirectory(), () => false);
const isFile = (p: string) => stat(p).then((s) => s.isFile(), () => false);

/** True when `dir` looks like a training run folder (run.json, or a trained model / checkpoint inside). */
export async function isRunFolder(dir: string): Promise<boolean> {
  if (!(await isDir(dir))) return false;
  if (await isFile(path.join(dir, 'run.json'))) return true;
  for (const sub of RUN_MODEL_DIRS) if (await isFile(path.join(dir, sub, MODEL_JSON))) return true;
  return false;
}

/** The trained `model.json` of a run folder (final model, else best, else last checkpoint). */
export async function runModelJson(runDir: string): Promise<string> {
  if (!(await isDir(runDir))) throw detailedError('invalid-document', { code: 'run-missing', values: { dir: runDir } }, 'runDir');
  for (const sub of RUN_MODEL_DIRS) {
    const file = path.join(runDir, sub, MODEL_JSON);
    if (await isFile(file)) return file;
  }
  throw detailedError('invalid-document', { code: 'run-no-model', values: { dir: runDir, expected: RUN_MODEL_DIRS.map((d) => `${d}/${MODEL_JSON}`).join(', ') } }, 'runDir');
}

/** The design a run trained, recovered from its saved model topology (layer names and order kept). */
export async function designOfRun(runDir: string): Promise<DesignDocument> {
  const file = await runModelJson(runDir);
  const name = path.basename(path.resolve(runDir));
  return importModelText(await readFile(file, 'utf8'), { fileName: path.basename(file), name });
}

/** Where each generated file goes: `out` is a file for ts/keras (or a folder to put model.ts/model.py in), a folder for pytorch. */
async function placeFiles(target: ExportTarget, out: string, files: GeneratedFile[]): Promise<{ file: string; contents: string }[]> {
  if (target === 'pytorch') {
    if (await isFile(out)) throw detailedError('invalid-document', { code: 'export-out-is-file', values: { path: out, target: 'PyTorch', files: 'model.py + train.py' } }, 'path');
    return files.map((f) => ({ file: path.join(out, f.path), contents: f.contents }));
  }
  const intoFolder = out.endsWith('/') || out.endsWith(path.sep) || (await isDir(out));
  return [{ file: intoFolder ? path.join(out, files[0].path) : out, contents: files[0].contents }];
}

/**
 * Writes `doc` as `target` at `out`. With `runDir` (tfjs only), the weights are the run's trained ones, checked
 * against the design layer by layer; a mismatch names the layer and refuses before anything is written.
 */
export async function exportModel(doc: DesignDocument, target: ExportTarget | 'onnx', out: string, options: { runDir?: string } = {}): Promise<ExportResult> {
  // ONNX has its own writer (trained or fresh weights); loaded on use so this module does not import it at start.
  if (target === 'onnx') return (await import('./onnx-files')).exportOnnxFile(doc, out, options);
  const { analysis } = prepareExport(doc, target);
  if (target !== 'tfjs') {
    if (options.runDir) throw detailedError('unsupported-export', { code: 'export-weights-tfjs-only', values: { target } }, 'runDir');
    const files = await placeFiles(target, out, generateCode(doc, target));
    for (const f of files) await writeFileAtomic(f.file, f.contents);
    return { files: files.map((f) => f.file), params: analysis.totals.params, trainedFrom: null };
  }
  if (await isFile(out)) throw detailedError('invalid-document', { code: 'export-out-is-file', values: { path: out, target: 'tfjs', files: 'model.json + weights.bin' } }, 'path');
  const tf = await import('@tensorflow/tfjs');
  // tfjs' cpu backend greets Node users with advice to install tfjs-node; in files written for the user it is noise.
  tf.env().set('PROD', true);
  const trainedFrom = options.runDir ? await runModelJson(options.runDir) : null;
  const model = compileModel(doc, tf, { compile: true });
  try {
    if (trainedFrom) {
      const trained = await loadModelFiles(tf, trainedFrom);
      try {
        copyWeights(model, trained, trainedFrom);
      } finally {
        trained.dispose();
      }
    }
    const saved = await saveModelFiles(model, out);
    return { files: [saved.modelJson, saved.weightsBin], params: model.countParams(), trainedFrom };
  } finally {
    model.dispose();
  }
}

type Model = Awaited<ReturnType<typeof loadModelFiles>>;

/** Copies trained weights into the design's model by layer order, refusing (naming the layer) when the shapes differ. */
function copyWeights(target: Model, source: Model, from: string): void {
  const dst = target.layers.filter((l) => l.getWeights().length > 0);
  const src = source.layers.filter((l) => l.getWeights().length > 0);
  if (dst.length !== src.length) {
    throw detailedError('invalid-document', { code: 'run-layer-count', values: { file: from, trained: src.length, mine: dst.length } }, 'runDir');
  }
  dst.forEach((layer, i) => {
    // getWeights() hands out the variables' own tensors: they are freed with their models, not here.
    const w = src[i].getWeights();
    const mine = layer.getWeights();
    const bad = mine.findIndex((t, j) => !w[j] || t.shape.join('x') !== w[j].shape.join('x'));
    const mismatch = w.length !== mine.length || bad >= 0;
    const shapes = mine.map((t) => t.shape.join('x'));
    if (mismatch) {
      const j = bad >= 0 ? bad : 0;
      const values = { file: from, layer: src[i].name, got: w.map((t) => t.shape.join('x')).join(', '), node: layer.name, want: shapes.join(', '), index: j };
      throw detailedError('invalid-document', { code: 'run-layer-weights', values }, 'runDir');
    }
    layer.setWeights(w);
  });
}
