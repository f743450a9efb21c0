import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { registerWasmTraining } from './index';
import { rng, values } from './test-helpers';

/** The reference CNN of bench/train.ts, with fixed initial weights passed in. */
function referenceCnn(weights?: tf.Tensor[]): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  if (weights) model.setWeights(weights);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

async function lossCurve(backend: string, init: Float32Array[], shapes: number[][], x: Float32Array, y: Float32Array, batch: number, steps: number) {
  await tf.setBackend(backend);
  const model = referenceCnn(init.map((v, i) => tf.tensor(v, shapes[i])));
  const xs = tf.tensor4d(x, [batch, 28, 28, 1]);
  const ys = tf.tensor2d(y, [batch, 10]);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) losses.push((await model.trainOnBatch(xs, ys)) as number);
  const final = model.getWeights().map((w) => w.dataSync() as Float32Array);
  tf.dispose([xs, ys]);
  model.dispose();
  return { losses, final };
}

beforeAll(async () => {
  await registerWasmTraining(tf);
});

it('the reference CNN trains on wasm along the cpu backend\'s loss curve (same initial weights, 3 Adam steps)', async () => {
  const batch = 4;
  const r = rng(2024);
  await tf.setBackend('cpu');
  const seedModel = referenceCnn();
  const shapes = seedModel.getWeights().map((w) => w.shape);
  const init = seedModel.getWeights().map((w) => w.dataSync() as Float32Array);
  seedModel.dispose();
  const x = values(r, batch * 784).map((v) => (v + 1) / 2);
  const y = new Float32Array(batch * 10);
  for (let i = 0; i < batch; i++) y[i * 10 + (i % 10)] = 1;
  const cpu = await lossCurve('cpu', init, shapes, x, y, batch, 3);
  const wasm = await lossCurve('wasm', init, shapes, x, y, batch, 3);
  console.log(`loss cpu ${cpu.losses.map((l) => l.toFixed(6)).join(' ')} | wasm ${wasm.losses.map((l) => l.toFixed(6)).join(' ')}`);
  expect(cpu.losses[2]).toBeLessThan(cpu.losses[0]); // it does learn
  wasm.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i])).toBeLessThan(1e-4 * Math.max(1, cpu.losses[i])));
  // The weights after three updates agree too (Adam amplifies sign errors, so this is a strict check).
  wasm.final.forEach((w, i) => {
    let d = 0;
    for (let j = 0; j < w.length; j++) d = Math.max(d, Math.abs(w[j] - cpu.final[i][j]));
    expect(d).toBeLessThan(1e-4);
  });
});
