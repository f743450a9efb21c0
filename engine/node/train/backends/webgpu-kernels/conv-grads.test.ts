import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initWebGpu } from '../webgpu';
import { rng, values, relErr } from '../wasm/test-helpers';
import { planSplitK } from './gemm';
import { useWebGpuKernels } from './conv-grads';

// Chromium's SwiftShader Vulkan ICD here and in CI; the GPU on a GPU machine.
const status = await initWebGpu(tf, { activate: false, swiftShaderFallback: true });
if (!status.ok) console.log(`webgpu kernel tests skipped: ${status.reason}`);

/** Both gradients of sum(conv2d(x, f) · w) (a fixed random weighting, so every dy element differs). */
function convGrads(x: number[], f: number[], stride: number, pad: 'same' | 'valid', seed: number) {
  return () => {
    const r = rng(seed);
    const xs = tf.tensor4d(values(r, x.reduce((a, b) => a * b)), x as [number, number, number, number]);
    const fs = tf.tensor4d(values(r, f.reduce((a, b) => a * b)), f as [number, number, number, number]);
    const y = tf.conv2d(xs, fs, stride, pad);
    const w = tf.tensor(values(r, y.size), y.shape);
    return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad).mul(w).sum())([xs, fs]);
  };
}

async function on(backend: string, fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(fn);
  const data = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(out);
  return data;
}

describe('planSplitK', () => {
  it('splits a long K over a small filter and keeps one split for a large one', () => {
    const small = planSplitK(27, 64, 64 * 32 * 32);
    expect(small.splits).toBeGreaterThan(1);
    expect(small.kChunk * small.splits).toBeGreaterThanOrEqual(64 * 32 * 32);
    expect(small.kChunk % 16).toBe(0);
    expect(planSplitK(4608, 512, 256).splits).toBe(1);
    expect(planSplitK(72, 16, 1024)).toEqual({ splits: 4, kChunk: 256 });
  });
});

describe.skipIf(!status.ok)('LayerLoom webgpu conv gradients match the cpu backend', () => {
  // [name, x shape, filter shape, stride, padding]: the layer kinds of ResNet-18 at 32×32 and of the reference
  // CNN, with batch, size and channels cut down so SwiftShader (a CPU emulation) runs them in seconds, plus odd
  // sizes that leave partial tiles. K = batch·outH·outW ≥ 512 makes the filter gradient split.
  it.each([
    ['stem-like 3x3 s1 same 3->16 (2 splits)', [2, 16, 16, 3], [3, 3, 3, 16], 1, 'same'],
    ['3x3 s1 same 8->16 (4 splits)', [4, 16, 16, 8], [3, 3, 8, 16], 1, 'same'],
    ['3x3 s2 same 16->32 (downsampling block)', [2, 8, 8, 16], [3, 3, 16, 32], 2, 'same'],
    ['1x1 s2 shortcut 16->32', [2, 8, 8, 16], [1, 1, 16, 32], 2, 'same'],
    ['3x3 s1 same 64->64 at 4x4 (full width tiles)', [1, 4, 4, 64], [3, 3, 64, 64], 1, 'same'],
    ['reference 3x3 valid 1->32 at 28x28', [1, 28, 28, 1], [3, 3, 1, 32], 1, 'valid'],
    ['reference 3x3 valid 32->64 at 13x13', [1, 13, 13, 32], [3, 3, 32, 64], 1, 'valid'],
    ['odd 5x5 s2 valid 5->7 at 11x9', [3, 11, 9, 5], [5, 5, 5, 7], 2, 'valid'],
    ['odd 3x3 s2 same 7->33 at 9x10', [2, 9, 10, 7], [3, 3, 7, 33], 2, 'same'],
  ] as [string, number[], number[], number, 'same' | 'valid'][])('%s', async (_name, x, f, stride, pad) => {
    const fn = convGrads(x, f, stride, pad, x[1] * 31 + f[3]);
    const gpu = await on('webgpu', fn);
    const cpu = await on('cpu', fn);
    expect(relErr(gpu[0], cpu[0])).toBeLessThan(1e-4); // dx
    expect(relErr(gpu[1], cpu[1])).toBeLessThan(1e-4); // dW
  });

  it('tfjs’s shipped kernels can be put back and give the same gradients', async () => {
    const fn = convGrads([2, 8, 8, 4], [3, 3, 4, 8], 2, 'same', 9);
    const ours = await on('webgpu', fn);
    useWebGpuKernels(false);
    try {
      const theirs = await on('webgpu', fn);
      expect(relErr(ours[0], theirs[0])).toBeLessThan(1e-5);
      expect(relErr(ours[1], theirs[1])).toBeLessThan(1e-5);
    } finally {
      useWebGpuKernels(true);
    }
  });
});
