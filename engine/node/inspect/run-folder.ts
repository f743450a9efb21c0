/**
 * A training run folder as the inspector reads it: the trained model (`model/`, or the last checkpoint of a
 * run still training), the design when the folder has it (`design.json`, written by the app's run history;
 * `layerloom train --out DIR` folders have the model only, so layers go by their tfjs names there), the
 * dataset it was trained on (`run.json`'s spec, or `request.json`'s) and samples from its test split or an
 * image file. Every problem is a `DesignError` naming the file or argument at fault.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { analyzeDesign } from '../../analysis/analyze';
import type { DesignAnalysis } from '../../analysis/types';
import type { Tf } from '../../compile/compile';
import { DesignError } from '../../errors';
import { inspectableLayers, type InspectLayer } from '../../inspect/layers';
import { parseDocument } from '../../schema/load';
import type { DesignDocument } from '../../schema/document';
import { loadModelFiles, MODEL_JSON } from '../model-files';
import { loadDataset, parseDatasetSpec } from '../train/data/dataset';
import { decodeImage, resizeInto } from '../train/data/folder';
import { imageSize, type Dataset, type DatasetSpec } from '../train/data/types';

/** A loaded run: the model and what names its layers. */
export interface InspectRun {
  dir: string;
  /** Which model file was loaded (`model/model.json` or `checkpoints/last/model.json`). */
  modelPath: string;
  model: tfjs.LayersModel;
  /** Input shape [h, w, c]. */
  inputShape: [number, number, number];
  design: { document: DesignDocument; analysis: DesignAnalysis } | null;
  layers: InspectLayer[];
  dataset: DatasetSpec | null;
  classNames: string[] | null;
}

/** An 8-bit HWC sample the model can take, and where it came from. */
export interface InspectSample {
  pixels: Uint8Array;
  shape: [number, number, number];
  source: string;
  /** The true label for dataset samples. */
  label: number | null;
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The model file of a run: the final model when training finished, else the last epoch's checkpoint. */
export function runModelPath(dir: string): string | null {
  for (const rel of [path.join('model', MODEL_JSON), path.join('checkpoints', 'last', MODEL_JSON)]) {
    if (existsSync(path.join(dir, rel))) return path.join(dir, rel);
  }
  return null;
}

/** The dataset a run trained on, from `run.json` or `request.json`; null when neither says. */
export function runDataset(dir: string): { spec: DatasetSpec | null; classNames: string[] | null } {
  const record = readJson(path.join(dir, 'run.json'));
  const ds = record?.dataset as { spec?: unknown; classNames?: unknown } | undefined;
  const classNames = Array.isArray(ds?.classNames) ? ds.classNames.map(String) : null;
  if (typeof ds?.spec === 'string') {
    try {
      return { spec: parseDatasetSpec(ds.spec), classNames };
    } catch {
      // fall through to the request
    }
  }
  const req = readJson(path.join(dir, 'request.json'))?.dataset as { kind?: unknown; dir?: unknown } | undefined;
  if (req?.kind === 'default') return { spec: { kind: 'default' }, classNames };
  if ((req?.kind === 'idx' || req?.kind === 'cifar' || req?.kind === 'folder') && typeof req.dir === 'string') return { spec: { kind: req.kind, dir: req.dir }, classNames };
  return { spec: null, classNames };
}

/** Loads a run folder; `DesignError` when it is not one or holds no trained model yet. */
export async function loadInspectRun(tf: Tf, dir: string): Promise<InspectRun> {
  if (!existsSync(dir)) throw new DesignError('invalid-document', `run folder ${dir} does not exist`, 'run-dir');
  const modelPath = runModelPath(dir);
  if (!modelPath) throw new DesignError('invalid-document', `${dir} holds no trained model (no model/model.json and no checkpoints/last/model.json): train first, e.g. layerloom train fashion-cnn --dataset default --out ${dir}`, 'run-dir');
  let model: tfjs.LayersModel;
  try {
    model = await loadModelFiles(tf, modelPath);
  } catch (err) {
    throw new DesignError('invalid-document', `cannot load the model in ${modelPath}: ${(err as Error).message}`, 'run-dir');
  }
  const shape = model.inputs[0].shape.slice(1);
  if (shape.length !== 3 || shape.some((d) => !d)) throw new DesignError('invalid-document', `the model in ${modelPath} does not take images (input ${shape.join('×')})`, 'run-dir');
  let design: InspectRun['design'] = null;
  const raw = readJson(path.join(dir, 'design.json'));
  if (raw) {
    try {
      const document = parseDocument(raw);
      design = { document, analysis: analyzeDesign(document) };
    } catch {
      // A design that no longer loads only costs the canvas names; the model itself is intact.
      design = null;
    }
  }
  const { spec, classNames } = runDataset(dir);
  return { dir, modelPath, model, inputShape: shape as [number, number, number], design, layers: inspectableLayers(model, design ?? undefined), dataset: spec, classNames };
}

/**
 * A test sample of the run's dataset (`--sample INDEX`) or an image file (`--sample FILE`, PNG or JPEG, the
 * model's exact size; converted to its channel count). `dataset` may be passed when already loaded.
 */
export function loadSample(run: InspectRun, sample: string | number | undefined, dataset?: Dataset): InspectSample {
  const [h, w, c] = run.inputShape;
  const asIndex = typeof sample === 'number' ? sample : sample === undefined ? 0 : /^\d+$/.test(sample) ? Number(sample) : null;
  if (asIndex === null) {
    const file = sample as string;
    if (!existsSync(file)) throw new DesignError('data-mismatch', `no image file ${file} (and it is not a test-sample index)`, 'sample');
    if (!/\.(png|jpe?g)$/i.test(file)) throw new DesignError('data-mismatch', `${file} is not a PNG or JPEG image`, 'sample');
    const img = decodeImage(file);
    if (img.height !== h || img.width !== w) throw new DesignError('data-mismatch', `${file} is ${img.height}×${img.width} but the model takes ${h}×${w} images`, 'sample');
    const pixels = new Uint8Array(h * w * c);
    resizeInto(img, h, w, c === 1 ? 1 : 3, pixels, 0);
    return { pixels, shape: [h, w, c], source: file, label: null };
  }
  const data = dataset ?? loadRunDataset(run);
  const set = data.test;
  if (asIndex >= set.count) throw new DesignError('data-mismatch', `sample ${asIndex} is out of range: the test split of ${data.name} has ${set.count} images (0–${set.count - 1})`, 'sample');
  if (set.shape.join() !== run.inputShape.join()) throw new DesignError('data-mismatch', `${data.name} has ${set.shape.join('×')} images but the model takes ${run.inputShape.join('×')}`, 'sample');
  const size = imageSize(set.shape);
  return { pixels: set.images.slice(asIndex * size, (asIndex + 1) * size), shape: [h, w, c], source: `${data.name} test #${asIndex}`, label: set.labels[asIndex] };
}

/** The run's dataset; a `DesignError` when the folder does not say which. */
export function loadRunDataset(run: InspectRun): Dataset {
  if (!run.dataset) throw new DesignError('data-mismatch', `${run.dir} does not record its dataset (no run.json or request.json): pass --sample FILE`, 'sample');
  return loadDataset(run.dataset, run.inputShape);
}

/** The model's input tensor for samples: pixels / 255, as in training. */
export function sampleTensor(tf: Tf, samples: InspectSample[]): tfjs.Tensor4D {
  const [h, w, c] = samples[0].shape;
  const buf = new Float32Array(samples.length * h * w * c);
  samples.forEach((s, i) => {
    for (let j = 0; j < s.pixels.length; j++) buf[i * h * w * c + j] = s.pixels[j] / 255;
  });
  return tf.tensor4d(buf, [samples.length, h, w, c]);
}
