/**
 * The WebGPU comparison of bench:gpu and bench:train: LayerLoom's training path on tfjs's webgpu backend (its
 * WGSL convolution gradients, fused Adam, metrics read back every N steps — what `layerloom train --backend
 * webgpu` runs) against tfjs's own (shipped kernels, tfjs Adam, `trainOnBatch` reading the loss every batch),
 * on two copies of the same model, timed in alternating windows.
 */
import * as tf from '@tensorflow/tfjs';
import { useWebGpuKernels } from '../engine/node/train/backends/webgpu-kernels/conv-grads';
import { DeferredMetrics, readbackInterval } from '../engine/node/train/deferred-metrics';
import { lossFunction, type ModelHeads } from '../engine/node/train/heads';
import { createTrainOptimizer } from '../engine/node/train/optim';
import { trainStepKept } from '../engine/node/train/step';
import { median, type Batches, type TimingPlan } from './train-lib';
import type { Contender, Window } from './train-rounds';

/** One of the two paths: a training step, and `settle` which waits until every step's results are back. */
interface Path {
  step(): Promise<void>;
  settle(): Promise<void>;
}

/** Builds both paths on webgpu (the caller made it active). Switching kernels between their windows is the caller's. */
function makePaths(build: () => tf.LayersModel, data: Batches, per: number) {
  const [h, w, c] = data.shape;
  const nBatches = Math.max(1, Math.floor(data.count / per));
  let cursor = 0;
  const next = () => {
    const i = cursor++ % nBatches;
    return {
      x: data.x.subarray(i * per * h * w * c, (i + 1) * per * h * w * c),
      y: data.y.subarray(i * per * data.classes, (i + 1) * per * data.classes),
      labels: new Uint8Array(per), // only the loss and accuracy use the one-hot y
      size: per,
    };
  };
  const oursModel = build();
  const theirsModel = build();
  theirsModel.compile({ optimizer: tf.train.adam(1e-3, 0.9, 0.999, 1e-7), loss: 'categoricalCrossentropy' });
  const opt = createTrainOptimizer(tf, { type: 'adam', learningRate: 1e-3, momentum: 0, nesterov: false, weightDecay: 0 });
  const heads: ModelHeads = { heads: [{ name: 'output', loss: 'categoricalCrossentropy', lossFn: lossFunction(tf, 'categoricalCrossentropy'), weight: 1 }], main: 0, inputs: 1 };
  const trainable = oursModel.trainableWeights.map((v) => v.read() as tf.Variable);
  const every = readbackInterval('webgpu');
  const metrics = new DeferredMetrics(tf, every);
  const ours: Path = {
    async step() {
      const batch = next();
      const kept = trainStepKept({ tf, model: oursModel, opt, trainable, kernels: [], heads, batch, exampleShape: data.shape, classes: data.classes, learningRate: 1e-3 });
      if (metrics.add(cursor, kept.loss, kept.accuracy, per, 1e-3)) await metrics.read();
    },
    settle: async () => void (await metrics.read()),
  };
  const theirs: Path = {
    async step() {
      const batch = next();
      const xs = tf.tensor4d(batch.x, [per, h, w, c]);
      const ys = tf.tensor2d(batch.y, [per, data.classes]);
      await theirsModel.trainOnBatch(xs, ys); // reads the loss back: tfjs's per-batch behaviour
      tf.dispose([xs, ys]);
    },
    settle: async () => undefined,
  };
  const dispose = () => {
    metrics.dispose();
    opt.optimizer.dispose();
    oursModel.dispose();
    theirsModel.dispose();
  };
  return { ours, theirs, every, dispose };
}

/** Runs `fn` on webgpu with LayerLoom's kernels (`mine`) or tfjs's, then restores the backend and kernels. */
async function withKernels<T>(mine: boolean, fn: () => Promise<T>): Promise<T> {
  const before = tf.getBackend();
  await tf.setBackend('webgpu');
  useWebGpuKernels(mine);
  try {
    return await fn();
  } finally {
    useWebGpuKernels(true);
    if (before !== 'webgpu') await tf.setBackend(before);
  }
}

/** Examples/s of both contenders (medians), and the per-window ratios (LayerLoom / tfjs). */
export interface WebGpuComparison {
  layerloom: number;
  tfjs: number;
  ratio: number;
  ratios: number[];
  windows: { layerloom: number[]; tfjs: number[] };
  readbackEvery: number;
}

/** bench:gpu: `plan.windows` alternating windows of `plan.batches` steps each, after `plan.warmup` steps per path. */
export async function compareWebGpuPaths(build: () => tf.LayersModel, data: Batches, plan: TimingPlan): Promise<WebGpuComparison> {
  await tf.setBackend('webgpu');
  const p = makePaths(build, data, plan.batch);
  const window = async (path: Path, mine: boolean) =>
    withKernels(mine, async () => {
      const t0 = performance.now();
      for (let i = 0; i < plan.batches; i++) await path.step();
      await path.settle(); // the window ends when its last step's results are back
      return (plan.batches * plan.batch) / ((performance.now() - t0) / 1000);
    });
  const windows = { layerloom: [] as number[], tfjs: [] as number[] };
  try {
    await withKernels(false, async () => { for (let i = 0; i < plan.warmup; i++) await p.theirs.step(); });
    await withKernels(true, async () => { for (let i = 0; i < plan.warmup; i++) await p.ours.step(); await p.ours.settle(); });
    for (let r = 0; r < plan.windows; r++) {
      windows.tfjs.push(await window(p.theirs, false));
      windows.layerloom.push(await window(p.ours, true));
    }
  } finally {
    p.dispose();
  }
  const ratios = windows.layerloom.map((v, i) => v / windows.tfjs[i]);
  return { layerloom: median(windows.layerloom), tfjs: median(windows.tfjs), ratio: median(ratios), ratios, windows, readbackEvery: p.every };
}

/** bench:train: the two paths as interleaved contenders ('webgpu' and 'webgpu-tfjs'), each window ≥ `seconds`. */
export async function webGpuContenders(build: () => tf.LayersModel, data: Batches, batch: number, adapter: string): Promise<Contender[]> {
  const p = await withKernels(true, async () => makePaths(build, data, batch));
  const contender = (name: string, path: Path, mine: boolean, note: string): Contender => ({
    name,
    note,
    window: (seconds) =>
      withKernels(mine, async (): Promise<Window> => {
        const t0 = performance.now();
        let steps = 0;
        while (steps === 0 || performance.now() - t0 < seconds * 1000) {
          await path.step();
          steps++;
        }
        await path.settle();
        return { examples: steps * batch, seconds: (performance.now() - t0) / 1000 };
      }),
    close: async () => undefined,
  });
  await withKernels(false, async () => { await p.theirs.step(); await p.theirs.step(); });
  await withKernels(true, async () => { await p.ours.step(); await p.ours.step(); await p.ours.settle(); });
  return [
    contender('webgpu', p.ours, true, `${adapter}: LayerLoom conv-gradient GEMMs, fused Adam, readback every ${p.every}`),
    { ...contender('webgpu-tfjs', p.theirs, false, `${adapter}: tfjs's kernels and Adam, loss read every batch`), close: async () => p.dispose() },
  ];
}
