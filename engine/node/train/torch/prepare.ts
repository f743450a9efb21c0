/**
 * What the Python trainer is given, prepared by the Node side in a private temporary folder: the generated
 * `model.py`, the data splits as raw uint8 files, the initial weights (tfjs layout) and `spec.json`.
 *
 * Why the Node side hands over the data instead of Python reading the dataset itself: every dataset LayerLoom
 * reads (the embedded subset, IDX, CIFAR-10 batches, folders of images decoded and resized by Node libraries) is
 * loaded by one loader, and the validation split and `limitTrain`/`limitTest` are the tfjs loop's own, so a
 * torch run sees exactly the examples a tfjs run sees. The cost is one copy of uint8 pixels (47 MB for
 * Fashion-MNIST, written in well under a second), which Python reads with `numpy.fromfile`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { MappedCode } from '../../../codegen/index';
import type { RunConfig } from '../config';
import type { ImageSet } from '../data/types';
import { writeWeights, type LayerWeights } from './weights';

/** The three splits a run trains, validates and tests on. */
export interface RunSplits {
  train: ImageSet;
  val: ImageSet | null;
  test: ImageSet;
  classes: number;
}

/** The spec file's content (read by trainer.py; field names are its contract). */
export interface TrainerSpec {
  modelDir: string;
  workDir: string;
  device: 'cuda' | 'mps' | 'cpu';
  threads?: number;
  loss: string;
  /** The outputs in forward()'s order: the Output block's name, loss and weight in the total loss. */
  heads: Array<{ name: string; loss: string; weight: number }>;
  layers: LayerWeights[];
  initialWeights: string;
  optimizerState: string | null;
  config: RunConfig;
  startEpoch: number;
  batchesPerEpoch: number;
  data: {
    dir: string;
    shape: [number, number, number];
    classes: number;
    train: { count: number };
    val: { count: number } | null;
    test: { count: number };
  };
}

async function writeSplit(dir: string, name: string, set: ImageSet): Promise<void> {
  await writeFile(path.join(dir, `${name}-x.u8`), set.images.subarray(0, set.count * set.shape[0] * set.shape[1] * set.shape[2]));
  await writeFile(path.join(dir, `${name}-y.u8`), set.labels.subarray(0, set.count));
}

/** What `prepareTrainer` needs. */
export interface PrepareInput {
  workDir: string;
  code: MappedCode;
  model: tfjs.LayersModel;
  manifest: LayerWeights[];
  splits: RunSplits;
  spec: Omit<TrainerSpec, 'modelDir' | 'workDir' | 'layers' | 'initialWeights' | 'data'>;
}

/** Writes model.py, the data, the initial weights and spec.json into `workDir`; returns the spec file's path. */
export async function prepareTrainer(p: PrepareInput): Promise<string> {
  const dataDir = path.join(p.workDir, 'data');
  await mkdir(dataDir, { recursive: true });
  await writeFile(path.join(p.workDir, 'model.py'), p.code.text);
  const { train, val, test, classes } = p.splits;
  await writeSplit(dataDir, 'train', train);
  if (val) await writeSplit(dataDir, 'val', val);
  await writeSplit(dataDir, 'test', test);
  const initialWeights = path.join(p.workDir, 'initial-weights.bin');
  await writeWeights(p.model, p.manifest, initialWeights);
  const spec: TrainerSpec = {
    ...p.spec,
    modelDir: p.workDir,
    workDir: p.workDir,
    layers: p.manifest,
    initialWeights,
    data: { dir: dataDir, shape: train.shape, classes, train: { count: train.count }, val: val ? { count: val.count } : null, test: { count: test.count } },
  };
  const file = path.join(p.workDir, 'spec.json');
  await writeFile(file, JSON.stringify(spec, null, 1));
  return file;
}
