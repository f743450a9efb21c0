import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTraining } from './index';
import { onBackend, relErr, rng, values } from './test-helpers';

beforeAll(async () => {
  await registerWasmTraining(tf);
});

describe('Sum on wasm (leading axes in one pass, others through the shipped kernel)', () => {
  it.each([
    { shape: [6, 5, 4, 32], axis: [0, 1, 2], keepDims: false },
    { shape: [7, 3, 13], axis: [1, 0], keepDims: true }, // unsorted axes, columns not a multiple of 8
    { shape: [9, 10], axis: 0, keepDims: false },
    { shape: [4, 3, 5], axis: [-3], keepDims: false },
    { shape: [4, 3, 5], axis: [1, 2], keepDims: false }, // innermost: shipped kernel
    { shape: [4, 3, 5], axis: [0, 2], keepDims: true }, // not leading: shipped kernel
    { shape: [4, 3, 5], axis: [0, 1, 2], keepDims: false }, // all axes: shipped kernel
  ])('shape $shape axis $axis keepDims $keepDims matches cpu', async (c) => {
    const xv = values(rng(c.shape.length * 31 + c.shape[0]), c.shape.reduce((p, d) => p * d, 1));
    const run = () => {
      const s = tf.sum(tf.tensor(xv, c.shape), c.axis, c.keepDims);
      return [s, tf.tensor1d(s.shape.map(Number))];
    };
    const [ws, wShape] = await onBackend('wasm', run);
    const [cs, cShape] = await onBackend('cpu', run);
    expect(Array.from(wShape)).toEqual(Array.from(cShape));
    expect(relErr(ws, cs)).toBeLessThan(1e-6);
  });
});

describe('Identity and same-dtype Cast on wasm share the buffer', () => {
  it('clone and cast stay valid after the source is disposed, and free their memory with the last reference', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numBytes;
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const c = x.clone();
    const k = tf.cast(x, 'float32');
    const flags = tf.tensor1d([1, 0, 1], 'bool');
    const i = tf.cast(flags, 'float32'); // a real conversion still converts
    x.dispose();
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3, 4]);
    expect(Array.from(k.dataSync())).toEqual([1, 2, 3, 4]);
    expect(i.dtype).toBe('float32');
    expect(Array.from(i.dataSync())).toEqual([1, 0, 1]);
    c.dispose();
    expect(Array.from(k.dataSync())).toEqual([1, 2, 3, 4]);
    tf.dispose([k, i, flags]);
    expect(tf.memory().numBytes).toBe(before);
  });
});

describe('tall-matrix transposes (split as [64, rows/64, cols]) inside the wasm matmul', () => {
  it.each([
    { rows: 2048, m: 7, n: 5 },
    { rows: 4096, m: 3, n: 9 },
    { rows: 1000, m: 6, n: 4 }, // not a multiple of 64: the shipped 2-D transpose
  ])('aᵀ·b with a [$rows, $m] matches cpu', async (c) => {
    const av = values(rng(c.rows + c.m), c.rows * c.m);
    const bv = values(rng(c.rows + c.n + 1), c.rows * c.n);
    const run = () => [tf.matMul(tf.tensor2d(av, [c.rows, c.m]), tf.tensor2d(bv, [c.rows, c.n]), true, false)];
    const [w] = await onBackend('wasm', run);
    const [cpu] = await onBackend('cpu', run);
    expect(relErr(w, cpu)).toBeLessThan(1e-5);
  });
});
