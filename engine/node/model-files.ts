/**
 * Saving and loading tfjs Layers model files (`model.json` + one `weights.bin`) on disk, without tfjs-node:
 * the model's save artifacts are written by hand in the format `tf.loadLayersModel` reads. Node-only.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { writeFileAtomic } from './fs-atomic';
import type { Tf } from '../compile/compile';

/** File names written by `saveModelFiles`. */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** What `saveModelFiles` wrote. */
export interface SavedModelFiles {
  modelJson: string;
  weightsBin: string;
  weightBytes: number;
}

function weightBytes(data: tfjs.io.WeightData | undefined): Uint8Array {
  if (!data) return new Uint8Array(0);
  const parts = Array.isArray(data) ? data : [data];
  const total = parts.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of parts) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out;
}

/** The `model.json` object for save artifacts whose weights are stored in `weightsPath`. */
export function modelJsonFor(artifacts: tfjs.io.ModelArtifacts, weightsPath = WEIGHTS_BIN): tfjs.io.ModelJSON {
  const json: tfjs.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as tfjs.io.ModelJSON['modelTopology'],
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [weightsPath], weights: artifacts.weightSpecs ?? [] }],
  };
  if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
  return json;
}

/** Saves `model` (trained or not) as `dir/model.json` + `dir/weights.bin`, each written atomically. */
export async function saveModelFiles(model: tfjs.LayersModel, dir: string): Promise<SavedModelFiles> {
  let saved: SavedModelFiles | undefined;
  await model.save({
    save: async (artifacts) => {
      const bin = weightBytes(artifacts.weightData);
      const modelJson = path.join(dir, MODEL_JSON);
      const weightsBin = path.join(dir, WEIGHTS_BIN);
      await writeFileAtomic(weightsBin, bin);
      await writeFileAtomic(modelJson, JSON.stringify(modelJsonFor(artifacts)));
      saved = { modelJson, weightsBin, weightBytes: bin.byteLength };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bin.byteLength } };
    },
  });
  if (!saved) throw new Error('tfjs did not call the save handler');
  return saved;
}

/** Loads a `model.json` (and the weight files its manifest names, from the same folder) into a LayersModel. */
export async function loadModelFiles(tf: Tf, modelJsonPath: string): Promise<tfjs.LayersModel> {
  const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as tfjs.io.ModelJSON;
  const dir = path.dirname(modelJsonPath);
  const manifest = json.weightsManifest ?? [];
  const buffers: ArrayBuffer[] = [];
  for (const group of manifest) {
    for (const p of group.paths) {
      const buf = await readFile(path.join(dir, p));
      buffers.push(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
    }
  }
  const artifacts = await tf.io.getModelArtifactsForJSON(json, async () => [manifest.flatMap((g) => g.weights), buffers]);
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}
