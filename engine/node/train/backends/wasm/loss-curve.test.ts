import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { registerWasmTraining } from './index';
import { relErr, rng, seededWeights, values } from './test-helpers';
import { compileModel } from '../../../../compile/compile';
import { requireTemplate } from '../../../../../templates/index';

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
  const init = seededWeights(shapes, seedModel.getWeights().map((w) => w.dataSync() as Float32Array), 11);
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

/**
 * Loss and gradients of the resnet18 template at 16×16 (maps 8, 4, 2, 1, 1 after the stem: stride phases, 2×2
 * dense products, 1×1 crops, BatchNormalization, the unfused training Conv2D), with given initial weights.
 * Gradients, not Adam steps: Adam's first step is lr·sign(g), so float32 noise in near-zero gradients flips
 * whole updates and a step-by-step comparison would test that noise, not the kernels.
 */
async function resnetGradients(backend: string, init: Float32Array[] | null, x: Float32Array, y: Float32Array, batch: number) {
  await tf.setBackend(backend);
  const model = compileModel(requireTemplate('resnet18').build({ inputShape: [16, 16, 3], classes: 10 }), tf, { compile: false });
  const shapes = model.getWeights().map((w) => w.shape);
  const start = init ?? seededWeights(shapes, model.getWeights().map((w) => w.dataSync() as Float32Array), 1);
  model.setWeights(start.map((v, i) => tf.tensor(v, shapes[i])));
  const xs = tf.tensor4d(x, [batch, 16, 16, 3]), ys = tf.tensor2d(y, [batch, 10]);
  const vars = model.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val);
  const { value, grads } = tf.variableGrads(
    () => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, vars);
  const out = { loss: value.dataSync()[0], grads: vars.map((v) => grads[v.name].dataSync() as Float32Array), start };
  tf.dispose([xs, ys, value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

it('ResNet-18 (template, 16×16 input): loss and every gradient on wasm match the cpu backend', async () => {
  const batch = 4;
  const r = rng(77);
  const x = values(r, batch * 16 * 16 * 3);
  const y = new Float32Array(batch * 10);
  for (let i = 0; i < batch; i++) y[i * 10 + ((3 * i) % 10)] = 1;
  const cpu = await resnetGradients('cpu', null, x, y, batch);
  const wasm = await resnetGradients('wasm', cpu.start, x, y, batch);
  expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-3 * Math.max(1, cpu.loss));
  expect(wasm.grads.length).toBe(cpu.grads.length);
  // float32 through 18 layers and 20 BatchNormalizations over 4 examples (on the 1×1 maps, statistics of 4 values):
  // up to ~3e-3 of a tensor's largest entry; a wrong tap or phase is ~1e-1. The initial weights are seeded: with
  // tfjs's unseeded draw the worst gradient's error varied from 6e-5 to 3e-2 between runs (one run in ~12 failed, at
  // any load), while a given draw gives the same figures in every process, threaded or not, alone or beside another
  // run. Seed 1: 9e-5.
  wasm.grads.forEach((g, i) => expect(relErr(g, cpu.grads[i]), `gradient ${i}`).toBeLessThan(1e-2));
}, 120_000);
