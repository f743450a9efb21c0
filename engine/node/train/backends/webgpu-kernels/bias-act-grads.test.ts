import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initWebGpu } from '../webgpu';
import { rng, values, relErr } from '../wasm/test-helpers';

const status = await initWebGpu(tf, { activate: false, swiftShaderFallback: true });
if (!status.ok) console.log(`webgpu bias/activation gradient tests skipped: ${status.reason}`);

async function on(backend: string, fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(fn);
  const data = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(out);
  return data;
}

describe.skipIf(!status.ok)('webgpu bias and ReLU gradients match the cpu backend', () => {
  it.each([
    ['conv bias: [2,9,9,7] over [0,1,2]', [2, 9, 9, 7], [0, 1, 2], false],
    ['conv bias, many rows (split): [4,32,32,5]', [4, 32, 32, 5], [0, 1, 2], false],
    ['dense bias: [33,70] over 0, keepDims', [33, 70], [0], true],
    ['negative axes [-4,-3,-2]', [3, 4, 5, 6], [-4, -3, -2], false],
    ['not leading axes (tfjs kernel): [3,4,5] over [1,2]', [3, 4, 5], [1, 2], false],
  ] as [string, number[], number[], boolean][])('sum %s', async (_n, shape, axes, keepDims) => {
    const fn = () => [tf.sum(tf.tensor(values(rng(shape.length * 7 + shape[0]), shape.reduce((a, b) => a * b)), shape), axes, keepDims)];
    const [gpu] = await on('webgpu', fn);
    const [cpu] = await on('cpu', fn);
    expect(relErr(gpu, cpu)).toBeLessThan(1e-5);
  });

  it('a conv bias gradient sums dy without transposing it', async () => {
    await tf.setBackend('webgpu');
    const dy = tf.tensor4d(values(rng(3), 2 * 8 * 8 * 16), [2, 8, 8, 16]);
    const profile = await tf.profile(() => tf.sum(dy, [0, 1, 2]));
    expect(profile.kernelNames).toEqual(['Sum']);
    tf.dispose([dy, profile.result as tf.Tensor]);
  });

  it('ReLU’s gradient is one program and matches cpu (zeros and negatives included)', async () => {
    const fn = () => {
      const x = tf.tensor(Float32Array.from(values(rng(5), 4 * 6 * 6 * 3), (v, i) => (i % 17 === 0 ? 0 : v)), [4, 6, 6, 3]);
      const w = tf.tensor(values(rng(6), 4 * 6 * 6 * 3), [4, 6, 6, 3]);
      return [tf.grad((t: tf.Tensor) => tf.relu(t).mul(w).sum())(x)];
    };
    const [gpu] = await on('webgpu', fn);
    const [cpu] = await on('cpu', fn);
    expect(relErr(gpu, cpu)).toBeLessThan(1e-6);
    await tf.setBackend('webgpu');
    const x = tf.tensor1d([-1, 0, 2]);
    const profile = await tf.profile(() => tf.grad((t: tf.Tensor) => tf.relu(t).sum())(x));
    expect(profile.kernelNames).toContain('LayerLoomReluGrad');
    expect(profile.kernelNames).not.toContain('Step');
    expect(Array.from(await (profile.result as tf.Tensor).data())).toEqual([0, 0, 1]);
    tf.dispose([x, profile.result as tf.Tensor]);
  });
});
