import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTraining } from './index';
import { MaxPool2x2, MaxPool2x2Grad } from './max-pool-2x2';
import { setSimdKernelsEnabled } from './simd/loader';
import { onBackend, rng, values } from './test-helpers';

beforeAll(async () => {
  await registerWasmTraining(tf);
});
afterEach(() => setSimdKernelsEnabled(true));

/** y and dL/dx of a MaxPooling2D layer (L = Σ y·w, w seeded) on x with many ties, NaN and -Infinity windows. */
function poolAndGrad(shape: [number, number, number, number], padding: 'valid' | 'same', xv: Float32Array) {
  return () => {
    const layer = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding });
    const x = tf.tensor4d(xv, shape);
    const y = layer.apply(x) as tf.Tensor;
    const w = tf.tensor(values(rng(6), y.size), y.shape);
    const dx = tf.grad((a: tf.Tensor) => (layer.apply(a) as tf.Tensor).mul(w).sum())(x);
    return [y, dx];
  };
}

function input(shape: number[]): Float32Array {
  const [, , w, c] = shape;
  // Few distinct levels: many ties, so the first-maximum rule matters.
  const xv = values(rng(shape[3] * 3 + shape[1]), shape.reduce((a, b) => a * b)).map((v) => Math.round(v * 2) / 2);
  xv[1] = NaN; // window (0, 0), channel 1: NaN beside finite values
  for (const q of [2, 2 + c, 2 + w * c, 2 + (w + 1) * c]) xv[q] = -Infinity; // window (0, 0), channel 2: all -Infinity
  for (const q of [3, 3 + c, 3 + w * c, 3 + (w + 1) * c]) xv[q] = NaN; // channel 3: all NaN
  return xv;
}

describe('MaxPooling2D 2×2 / stride 2 on wasm: the winners recorded forward, the gradient from them', () => {
  it.each([
    { shape: [2, 6, 6, 8] as [number, number, number, number], padding: 'valid' as const },
    { shape: [2, 7, 5, 13] as [number, number, number, number], padding: 'valid' as const }, // uncovered last row / column
    { shape: [1, 4, 6, 5] as [number, number, number, number], padding: 'same' as const }, // even: no padding needed
  ])('$shape $padding matches cpu (y and dx, exactly)', async ({ shape, padding }) => {
    const xv = input(shape);
    const [wy, wdx] = await onBackend('wasm', poolAndGrad(shape, padding, xv));
    const [cy, cdx] = await onBackend('cpu', poolAndGrad(shape, padding, xv));
    expect(Array.from(wy)).toEqual(Array.from(cy));
    expect(Array.from(wdx)).toEqual(Array.from(cdx));
    expect(wdx.filter((v) => v !== 0).length).toBeGreaterThan(wy.length / 2);
  });

  it('runs the two kernels instead of MaxPool and MaxPoolGrad', async () => {
    await tf.setBackend('wasm');
    const info = await tf.profile(() => {
      tf.dispose(poolAndGrad([1, 4, 4, 4], 'valid', input([1, 4, 4, 4]))());
    });
    const names = info.kernels.map((k) => k.name);
    expect(names).toEqual(expect.arrayContaining([MaxPool2x2, MaxPool2x2Grad]));
    expect(names).not.toContain('MaxPoolGrad');
  });

  it.each([
    { what: '3×3 windows', make: () => tf.layers.maxPooling2d({ poolSize: 3, strides: 2 }), simd: true },
    { what: "odd sizes with 'same' (edge windows)", make: () => tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'same' }), simd: true },
    { what: 'the SIMD kernels off', make: () => tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }), simd: false },
  ])("keeps tfjs's MaxPool for $what", async ({ make, simd }) => {
    await tf.setBackend('wasm');
    setSimdKernelsEnabled(simd);
    const info = await tf.profile(() => {
      tf.dispose(make().apply(tf.ones([1, 5, 5, 4])) as tf.Tensor);
    });
    expect(info.kernels.map((k) => k.name)).toContain('MaxPool');
  });
});
