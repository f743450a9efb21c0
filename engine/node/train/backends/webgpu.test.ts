import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initWebGpu } from './webgpu';
import { rng, values } from './wasm/test-helpers';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTraining } from '../loop';
import { TrainingControl } from '../control';
import { loadDataset } from '../data/dataset';
import { tinyCnn } from '../test-fixtures';
import type { TrainingEvent } from '../../../../contract/training-protocol';

// Here (no GPU) this runs on Chromium's SwiftShader Vulkan ICD; on a GPU machine, on the GPU.
const status = await initWebGpu(tf, { activate: false, swiftShaderFallback: true });
if (!status.ok) console.log(`webgpu tests skipped: ${status.reason}`);
else console.log(`webgpu adapter: ${status.adapter}${status.software ? ' (software)' : ''}`);

async function on(backend: string, fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(fn);
  const data = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>)); // webgpu has no dataSync in Node
  tf.dispose(out);
  return data;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let d = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe.skipIf(!status.ok)('webgpu backend (Dawn)', () => {
  it('initWebGpu reports the adapter and activates the backend', async () => {
    const st = await initWebGpu(tf);
    expect(st.ok).toBe(true);
    expect(st.adapter).toBeTruthy();
    expect(tf.getBackend()).toBe('webgpu');
  });

  it.each([
    ['matMul 33x17 · 17x9', () => { const r = rng(1); return [tf.matMul(tf.tensor2d(values(r, 33 * 17), [33, 17]), tf.tensor2d(values(r, 17 * 9), [17, 9]))]; }],
    ['conv2d same stride 2', () => { const r = rng(2); return [tf.conv2d(tf.tensor4d(values(r, 2 * 9 * 9 * 3), [2, 9, 9, 3]), tf.tensor4d(values(r, 3 * 3 * 3 * 4), [3, 3, 3, 4]), 2, 'same')]; }],
    ['maxPool 2x2 + relu + softmax', () => { const r = rng(3); return [tf.softmax(tf.relu(tf.maxPool(tf.tensor4d(values(r, 2 * 6 * 6 * 5), [2, 6, 6, 5]), 2, 2, 'valid')))]; }],
    ['conv2d gradients', () => {
      const r = rng(4);
      const x = tf.tensor4d(values(r, 2 * 7 * 7 * 2), [2, 7, 7, 2]);
      const f = tf.tensor4d(values(r, 3 * 3 * 2 * 3), [3, 3, 2, 3]);
      return tf.grads((...t: tf.Tensor[]) => tf.conv2d(t[0] as tf.Tensor4D, t[1] as tf.Tensor4D, 1, 'valid').square().sum())([x, f]);
    }],
  ] as [string, () => tf.Tensor[]][])('%s matches cpu', async (_name, fn) => {
    const gpu = await on('webgpu', fn);
    const cpu = await on('cpu', fn);
    gpu.forEach((g, i) => expect(maxAbsDiff(g, cpu[i])).toBeLessThan(1e-3));
  });

  it('one Adam training step of a small CNN matches cpu', async () => {
    const r = rng(5);
    const x = values(r, 4 * 12 * 12);
    const y = new Float32Array(4 * 3).map((_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0));
    const build = () => tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    const step = async (backend: string) => {
      await tf.setBackend(backend);
      const m = build();
      m.compile({ optimizer: tf.train.adam(1e-2), loss: 'categoricalCrossentropy' });
      const xs = tf.tensor4d(x, [4, 12, 12, 1]), ys = tf.tensor2d(y, [4, 3]);
      const loss0 = (await m.trainOnBatch(xs, ys)) as number;
      const loss1 = (await m.trainOnBatch(xs, ys)) as number;
      const w = await Promise.all(m.getWeights().map((t) => t.data() as Promise<Float32Array>));
      tf.dispose([xs, ys]);
      m.dispose();
      return { loss0, loss1, w };
    };
    const gpu = await step('webgpu');
    const cpu = await step('cpu');
    expect(Math.abs(gpu.loss0 - cpu.loss0)).toBeLessThan(1e-4);
    expect(Math.abs(gpu.loss1 - cpu.loss1)).toBeLessThan(1e-4);
    gpu.w.forEach((w, i) => expect(maxAbsDiff(w, cpu.w[i])).toBeLessThan(1e-4));
  });

  it('the training loop on webgpu (LayerLoom conv gradients, fused Adam, batched readback) tracks the cpu run', async () => {
    const data = loadDataset({ kind: 'default' });
    const run = async (backend: 'webgpu' | 'cpu') => {
      await tf.setBackend(backend);
      const events: TrainingEvent[] = [];
      await runTraining({
        tf, document: tinyCnn(), dataset: data, outDir: mkdtempSync(join(tmpdir(), 'layerloom-webgpu-')),
        overrides: { limitTrain: 320, limitTest: 32, batchSize: 32, epochs: 1, validationSplit: 0, optimizer: 'adam', learningRate: 0.01, maxBatchesPerEpoch: 10 },
        backend: { name: backend, reason: 'test', skipped: [] }, emit: (e) => events.push(e), control: new TrainingControl(),
      });
      return events.flatMap((e) => (e.type === 'batch' ? e.loss : [])) as number[];
    };
    const gpu = await run('webgpu');
    const cpu = await run('cpu');
    expect(gpu).toHaveLength(10); // read back every 8 steps, yet every batch reported
    gpu.forEach((l, i) => expect(Math.abs(l - cpu[i])).toBeLessThan(2e-3 * Math.max(1, cpu[i])));
  });
});
