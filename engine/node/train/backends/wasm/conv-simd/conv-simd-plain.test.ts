// The single-threaded tfjs-backend-wasm build (plain memory, as `LAYERLOOM_WASM_THREADS=1` and the benchmarks run it):
// the SIMD convolution kernels load their plain-memory module there. conv-simd.test.ts covers the threaded build.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTraining } from '../index';
import { onBackend, relErr, rng, values } from '../test-helpers';
import type { WasmBackendLike } from '../kernel-utils';
import { convSimdAvailable } from './index';

beforeAll(async () => {
  await registerWasmTraining(tf, { threads: 1 });
});

describe('SIMD convolution kernels on the single-threaded wasm build', () => {
  it('load on its plain (not shared) memory', async () => {
    await tf.setBackend('wasm');
    const b = tf.backend() as unknown as WasmBackendLike & { wasm: { asm?: { memory?: { buffer: unknown } }; wasmMemory?: { buffer: unknown } } };
    const memory = b.wasm.asm?.memory ?? b.wasm.wasmMemory;
    expect(memory?.buffer instanceof SharedArrayBuffer).toBe(false);
    expect(convSimdAvailable(b)).toBe(true);
  });

  it.each([
    { x: [2, 9, 8, 16], f: [3, 3, 16, 8], stride: 1, pad: 'same' as const },
    { x: [3, 7, 7, 8], f: [3, 3, 8, 16], stride: 2, pad: 'valid' as const },
    { x: [2, 11, 10, 3], f: [7, 7, 3, 8], stride: 2, pad: 'same' as const },
  ])('conv2d and both gradients match cpu: x $x f $f s$stride $pad', async (c) => {
    const r = rng(77);
    const xv = values(r, c.x.reduce((p, d) => p * d)), fv = values(r, c.f.reduce((p, d) => p * d));
    const run = () => {
      const x = tf.tensor4d(xv, c.x as [number, number, number, number]), f = tf.tensor4d(fv, c.f as [number, number, number, number]);
      const op = (a: tf.Tensor, w: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, c.stride, c.pad);
      const y = op(x, f);
      const weights = tf.tensor(values(rng(5), y.size), y.shape);
      return [y, ...tf.grads((a: tf.Tensor, w: tf.Tensor) => op(a, w).mul(weights).sum())([x, f])];
    };
    const wasm = await onBackend('wasm', run);
    const cpu = await onBackend('cpu', run);
    wasm.forEach((v, i) => expect(relErr(v, cpu[i])).toBeLessThan(1e-5));
  });
});
