/**
 * Checkpoints: a folder with the model in tfjs format (`model.json` + `weights.bin`, loadable by
 * `tf.loadLayersModel`), the optimizer's state (`optimizer.bin` + `optimizer.json`) and `state.json`
 * (completed epochs, best validation loss, history). A checkpoint is written into a temporary sibling folder
 * and renamed into place, so a crash mid-write leaves the previous checkpoint intact.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { saveModelFiles } from '../model-files';
import type { Tf } from '../../compile/compile';
import { writeFileAtomic } from '../fs-atomic';
import { DesignError } from '../../errors';

/** One epoch of the metrics history. */
export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  learningRate: number;
  seconds: number;
  /** With several outputs: each one's mean training and validation loss, by Output layer name. */
  outputLosses?: Record<string, number>;
  valOutputLosses?: Record<string, number>;
}

/** What `state.json` holds. */
export interface CheckpointState {
  version: 1;
  /** Epochs completed when the checkpoint was written (training resumes at this epoch index). */
  epochsDone: number;
  bestValLoss: number | null;
  epochsSinceBest: number;
  history: EpochRecord[];
}

/**
 * Puts back a checkpoint folder that a kill left between `saveCheckpoint`'s two renames: when `dir` is missing,
 * a complete new one (`dir.tmp-*` with its `state.json`, which is written last) or else the previous one
 * (`dir.old-*`) becomes `dir` again. Returns whether a checkpoint is there now.
 */
export async function recoverCheckpoint(dir: string): Promise<boolean> {
  if (existsSync(dir)) return true;
  const parent = path.dirname(dir);
  const base = path.basename(dir);
  const siblings = existsSync(parent) ? await readdir(parent) : [];
  const complete = siblings.filter((n) => n.startsWith(`${base}.tmp-`) && existsSync(path.join(parent, n, 'state.json')));
  const previous = siblings.filter((n) => n.startsWith(`${base}.old-`));
  const pick = complete[0] ?? previous[0];
  if (!pick) return false;
  await rename(path.join(parent, pick), dir);
  return true;
}

/** Writes a checkpoint of `model` and `optimizer` to `dir`, replacing what was there only once complete. */
export async function saveCheckpoint(tf: Tf, dir: string, model: tfjs.LayersModel, optimizer: tfjs.Optimizer, state: CheckpointState): Promise<void> {
  await recoverCheckpoint(dir);
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await saveModelFiles(model, tmp);
  const named = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(named);
  const bytes = Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : data;
  await writeFile(path.join(tmp, 'optimizer.bin'), new Uint8Array(bytes));
  await writeFile(path.join(tmp, 'optimizer.json'), JSON.stringify({ className: optimizer.getClassName(), specs }));
  await writeFile(path.join(tmp, 'state.json'), JSON.stringify(state, null, 2));
  const old = `${dir}.old-${process.pid}`;
  if (existsSync(dir)) await rename(dir, old);
  await rename(tmp, dir);
  await rm(old, { recursive: true, force: true });
}

/**
 * Restores weights (by order, checking shapes) and optimizer state from a checkpoint into a freshly built
 * model of the same design; returns the saved state. A missing folder or a different design is a `DesignError`.
 */
export async function loadCheckpoint(tf: Tf, dir: string, model: tfjs.LayersModel, optimizer: tfjs.Optimizer): Promise<CheckpointState> {
  await recoverCheckpoint(dir);
  const file = (name: string) => path.join(dir, name);
  if (!existsSync(file('state.json')) || !existsSync(file('model.json'))) {
    throw new DesignError('invalid-document', `${dir} is not a LayerLoom checkpoint (no state.json/model.json)`, 'resumeFrom');
  }
  const modelJson = JSON.parse(await readFile(file('model.json'), 'utf8')) as tfjs.io.ModelJSON;
  const specs = modelJson.weightsManifest.flatMap((g) => g.weights);
  const weightBytes = await readFile(file('weights.bin'));
  const decoded = tf.io.decodeWeights(toArrayBuffer(weightBytes), specs);
  const values = specs.map((s) => decoded[s.name]);
  const targets = model.weights;
  if (values.length !== targets.length || values.some((v, i) => v.shape.join() !== targets[i].shape.join())) {
    throw new DesignError('invalid-document', `checkpoint ${dir} was saved from a different design (its weights do not match this model's)`, 'resumeFrom');
  }
  model.setWeights(values);
  tf.dispose(values);
  const opt = JSON.parse(await readFile(file('optimizer.json'), 'utf8')) as { className: string; specs: tfjs.io.WeightsManifestEntry[] };
  if (opt.specs.length > 0) {
    if (opt.className !== optimizer.getClassName()) {
      throw new DesignError('invalid-document', `checkpoint ${dir} used the ${opt.className} optimizer, this run uses ${optimizer.getClassName()}`, 'resumeFrom');
    }
    const optMap = tf.io.decodeWeights(toArrayBuffer(await readFile(file('optimizer.bin'))), opt.specs);
    await optimizer.setWeights(opt.specs.map((s) => ({ name: s.name, tensor: optMap[s.name] })));
  }
  return JSON.parse(await readFile(file('state.json'), 'utf8')) as CheckpointState;
}

function toArrayBuffer(buf: Buffer): ArrayBuffer {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

/** Writes JSON atomically (the run record). */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}
