import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTraining } from './index';
import { BatchNormTraining, BatchNormTrainingGrad } from './batch-norm';
import { onBackend, relErr, rng, values } from './test-helpers';

beforeAll(async () => {
  await registerWasmTraining(tf);
});

/**
 * One training call of a BatchNormalization layer with seeded γ, β and moving statistics: the output, the
 * gradients of a weighted sum with respect to the input, γ and β, and the moving mean and variance afterwards.
 */
function trainingCall(shape: number[], seed: number) {
  return () => {
    const r = rng(seed);
    const c = shape[shape.length - 1];
    const size = shape.reduce((a, b) => a * b);
    // Channels with different offsets and scales, so mean and variance matter.
    const xv = values(r, size).map((v, i) => v * (1 + (i % c)) + (i % c) - 1);
    const layer = tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-3 });
    layer.build(shape);
    layer.setWeights([tf.tensor1d(values(r, c)), tf.tensor1d(values(r, c)), tf.tensor1d(values(r, c)), tf.tensor1d(values(r, c).map((v) => 1 + Math.abs(v)))]);
    const x = tf.tensor(xv, shape);
    const w = tf.tensor(values(r, size), shape);
    const loss = (input: tf.Tensor) => (layer.apply(input, { training: true }) as tf.Tensor).mul(w).sum() as tf.Scalar;
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const { grads } = tf.variableGrads(() => loss(x), layer.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val));
    const dx = tf.grad(loss)(x);
    // γ's and β's gradients by variable name; the last four weights: γ, β, moving mean, moving variance.
    const names = Object.keys(grads).sort();
    return [y, dx, ...names.map((n) => grads[n]), ...layer.getWeights().slice(2)];
  };
}

describe('BatchNormalization training on wasm (fused kernels) matches cpu (tfjs-layers ops)', () => {
  it.each([
    { shape: [4, 5, 3, 8] },
    { shape: [2, 3, 3, 5] },
    { shape: [16, 1, 1, 12] },
    { shape: [7, 6] },
  ])('x $shape', async ({ shape }) => {
    const wasm = await onBackend('wasm', trainingCall(shape, shape.length * 10 + shape[0]));
    const cpu = await onBackend('cpu', trainingCall(shape, shape.length * 10 + shape[0]));
    expect(wasm.length).toBe(6);
    wasm.forEach((v, i) => expect(relErr(v, cpu[i]), `output ${i}`).toBeLessThan(2e-5));
  });

  it('runs the fused kernels (and no Tile) in a training step on wasm', async () => {
    await tf.setBackend('wasm');
    const info = await tf.profile(() => {
      tf.tidy(() => {
        trainingCall([4, 3, 3, 6], 1)().forEach((t) => t.dataSync());
      });
    });
    const names = new Set(info.kernels.map((k) => k.name));
    expect(names).toContain(BatchNormTraining);
    expect(names).toContain(BatchNormTrainingGrad);
    expect(names).not.toContain('Tile');
  });
});
