/**
 * Shared pieces of the training benchmarks: the reference CNN, Fashion-MNIST
 * batches, and a timer that reports the median examples/s over windows.
 */
import type * as TF from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DesignBuilder } from '../engine/build/design-builder';
import { parseIdx } from '../engine/node/train/data/idx';
import type { DesignDocument } from '../engine/schema/document';

/** Where Debian's `dataset-fashion-mnist` puts its files. */
export const FASHION_DIR = '/usr/share/datasets/fashion-mnist';

/** A batch-ready slice of a dataset: images NHWC in [0,1], one-hot labels. */
export interface Batches {
  x: Float32Array;
  y: Float32Array;
  count: number;
  shape: [number, number, number];
  classes: number;
  source: string;
}

/** The first `count` Fashion-MNIST training examples, or seeded noise (labelled so) when the dataset is absent. */
export function loadFashion(count: number, dir = FASHION_DIR): Batches {
  const img = join(dir, 'train-images-idx3-ubyte.gz');
  const lbl = join(dir, 'train-labels-idx1-ubyte.gz');
  const x = new Float32Array(count * 784);
  const y = new Float32Array(count * 10);
  if (existsSync(img) && existsSync(lbl)) {
    const images = parseIdx(readFileSync(img), img);
    const labels = parseIdx(readFileSync(lbl), lbl);
    for (let i = 0; i < count * 784; i++) x[i] = images.data[i] / 255;
    for (let i = 0; i < count; i++) y[i * 10 + labels.data[i]] = 1;
    return { x, y, count, shape: [28, 28, 1], classes: 10, source: dir };
  }
  let s = 1;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < x.length; i++) x[i] = rnd();
  for (let i = 0; i < count; i++) y[i * 10 + (i % 10)] = 1;
  return { x, y, count, shape: [28, 28, 1], classes: 10, source: 'random (Fashion-MNIST not found)' };
}

/** The reference CNN as a design (the same layers as `referenceCnn` below and `torch_ref.py`). */
export function referenceDesign(): DesignDocument {
  const b = new DesignBuilder('reference CNN');
  let x = b.input([28, 28, 1]);
  x = b.add('Conv2D', { filters: 32, kernelSize: [3, 3], activation: 'relu' }, x, 'conv1');
  x = b.add('MaxPool2D', { poolSize: [2, 2] }, x, 'pool1');
  x = b.add('Conv2D', { filters: 64, kernelSize: [3, 3], activation: 'relu' }, x, 'conv2');
  x = b.add('MaxPool2D', { poolSize: [2, 2] }, x, 'pool2');
  x = b.add('Flatten', {}, x, 'flatten');
  x = b.add('Dense', { units: 128, activation: 'relu' }, x, 'fc1');
  x = b.add('Dense', { units: 10, activation: 'softmax' }, x, 'fc2');
  b.output(x);
  return b.build();
}

/** Conv 32 3×3 relu → MaxPool 2 → Conv 64 3×3 relu → MaxPool 2 → Flatten → Dense 128 relu → Dense 10 softmax, Adam. */
export function referenceCnn(tf: typeof TF, inputShape: [number, number, number] = [28, 28, 1], classes = 10, seed = 1): TF.LayersModel {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed + k });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape, filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init(0) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: init(3) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

/** Median of a non-empty list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Timing plan: warm-up batches, then `windows` timed windows of `batches` batches each. */
export interface TimingPlan {
  batch: number;
  warmup: number;
  batches: number;
  windows: number;
}

/** Result of timing one backend. */
export interface TimingResult {
  examplesPerSec: number;
  windows: number[];
  lastLoss: number;
}

/** Train `model` on consecutive batches of `data` and time it (model.trainOnBatch, as fit does per batch). */
export async function timeTraining(tf: typeof TF, model: TF.LayersModel, data: Batches, plan: TimingPlan): Promise<TimingResult> {
  const [h, w, c] = data.shape;
  const per = plan.batch;
  const nBatches = Math.max(1, Math.floor(data.count / per));
  let cursor = 0;
  let lastLoss = NaN;
  const step = async () => {
    const i = cursor++ % nBatches;
    const xs = tf.tensor4d(data.x.subarray(i * per * h * w * c, (i + 1) * per * h * w * c), [per, h, w, c]);
    const ys = tf.tensor2d(data.y.subarray(i * per * data.classes, (i + 1) * per * data.classes), [per, data.classes]);
    const loss = await model.trainOnBatch(xs, ys);
    lastLoss = Array.isArray(loss) ? loss[0] : loss;
    xs.dispose();
    ys.dispose();
  };
  for (let i = 0; i < plan.warmup; i++) await step();
  const windows: number[] = [];
  for (let wdx = 0; wdx < plan.windows; wdx++) {
    const t0 = performance.now();
    for (let i = 0; i < plan.batches; i++) await step();
    windows.push((plan.batches * per) / ((performance.now() - t0) / 1000));
  }
  return { examplesPerSec: median(windows), windows, lastLoss };
}
