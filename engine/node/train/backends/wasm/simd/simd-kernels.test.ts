/**
 * LayerLoom's WASM SIMD kernels: the committed binaries keep off tfjs's memory (no data segments, only
 * `env.memory` imported), they load onto the running wasm backend, and each kernel gives what the JS loop it
 * replaces gives (and what tfjs's cpu backend gives) on odd sizes: channel counts that are not multiples of 4,
 * reductions over more rows than one float32 block, windows with ties, NaN and -Infinity.
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTraining } from '../index';
import { AdamUpdate } from '../adam';
import { ReluGrad } from '../cheap-kernels';
import { BatchNormTraining, BatchNormTrainingGrad } from '../batch-norm';
import { onBackend, relErr, rng, values } from '../test-helpers';
import { transpose, type WasmBackendLike } from '../kernel-utils';
import { outerSwap } from './transpose';
import { SIMD_BINARIES, setSimdKernelsEnabled, simdKernelStatus, wasmApi } from './loader';

const here = path.dirname(fileURLToPath(import.meta.url));

beforeAll(async () => {
  await registerWasmTraining(tf);
});
afterEach(() => setSimdKernelsEnabled(true));

/** Section ids of a wasm binary (11: data, 12: data count). */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let p = 8;
  while (p < bytes.length) {
    ids.push(bytes[p++]);
    let size = 0, shift = 0, b: number;
    do { b = bytes[p++]; size |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
    p += size;
  }
  return ids;
}

/** Run `fn` on wasm with the SIMD kernels, on wasm with the JS loops, and on cpu. */
async function threeWays(fn: () => tf.Tensor[]): Promise<{ simd: Float32Array[]; js: Float32Array[]; cpu: Float32Array[] }> {
  const simd = await onBackend('wasm', fn);
  setSimdKernelsEnabled(false);
  const js = await onBackend('wasm', fn);
  setSimdKernelsEnabled(true);
  return { simd, js, cpu: await onBackend('cpu', fn) };
}

const hasClang = ['clang', 'wasm-ld'].every((cmd) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0);
if (!hasClang) console.log('simd-kernels.test: clang or wasm-ld missing (Debian clang, lld): the rebuild check is skipped');

describe('the SIMD binaries', () => {
  it.runIf(hasClang)('match a fresh build of their C sources (npm run build:simd -- --check)', () => {
    const r = spawnSync(process.execPath, [path.join(here, '../../../../../../scripts/build-simd.js'), '--check'], { encoding: 'utf8' });
    if (/comparison is skipped/.test(r.stdout)) console.log(`simd-kernels.test: ${r.stdout.trim()}`);
    else expect(r.stderr + r.stdout).toMatch(/match their sources/);
    expect(r.status).toBe(0);
  });

  it.each([['plain', SIMD_BINARIES.plain, false], ['shared', SIMD_BINARIES.shared, true]] as const)(
    '%s: no data segments, imports only env.memory, runs on such a memory and writes only its outputs', (_l, file, shared) => {
      const bytes = Buffer.from(file, 'base64');
      const ids = sectionIds(bytes);
      expect(ids).toContain(10); // a code section: the parse above walked real sections
      expect(ids).not.toContain(11);
      expect(ids).not.toContain(12);
      const memory = new wasmApi.Memory({ initial: 2, maximum: 65536, shared });
      const module = new wasmApi.Module(bytes);
      const { exports } = new wasmApi.Instance(module, { env: { memory } }) as { exports: Record<'adam' | 'conv_forward', (...a: number[]) => void> };
      // Adam on 7 weights placed at byte 4096 onwards, checked against the formula.
      const f = new Float32Array(memory.buffer as ArrayBuffer);
      const low = new Uint8Array(memory.buffer as ArrayBuffer, 0, 4096).fill(0xa5); // stands for tfjs's own data
      const n = 7, base = 1024; // float index of x; m, v, g and the three outputs follow
      const src = values(rng(1), 4 * n);
      for (let i = 2 * n; i < 3 * n; i++) src[i] = Math.abs(src[i]); // v ≥ 0
      f.set(src, base);
      exports.adam(4 * base, 4 * (base + n), 4 * (base + 2 * n), 4 * (base + 3 * n), 4 * (base + 4 * n), 4 * (base + 5 * n), 4 * (base + 6 * n), n,
        0.9, 0.999, 0.1, 0.001, 0.01, 1, 1e-7);
      for (let i = 0; i < n; i++) {
        const [x, m, v, g] = [src[i], src[n + i], src[2 * n + i], src[3 * n + i]];
        const m1 = 0.9 * m + 0.1 * g, v1 = 0.999 * v + 0.001 * g * g;
        expect(f[base + 5 * n + i]).toBeCloseTo(m1, 6);
        expect(f[base + 6 * n + i]).toBeCloseTo(v1, 6);
        expect(f[base + 4 * n + i]).toBeCloseTo(x - (0.01 * m1) / (Math.sqrt(v1) + 1e-7), 5);
      }
      // A 1×1 convolution (2×2 map, 8 → 8 channels) at float 2048 onwards: x·w.
      const cx = values(rng(2), 32), cw = values(rng(3), 64), x0 = 2048, w0 = x0 + 32, y0 = w0 + 64;
      f.set(cx, x0);
      f.set(cw, w0);
      f.fill(0, y0, y0 + 32);
      exports.conv_forward(4 * x0, 4 * w0, 4 * y0, 1, 2, 2, 8, 2, 2, 8, 1, 1, 1, 1, 1, 1, 0, 0);
      for (let p = 0; p < 4; p++) {
        for (let o = 0; o < 8; o++) {
          let want = 0;
          for (let i = 0; i < 8; i++) want += cx[p * 8 + i] * cw[i * 8 + o];
          expect(f[y0 + p * 8 + o]).toBeCloseTo(want, 5);
        }
      }
      // Nothing else was written: no shadow stack (its frames would land below byte 1024, at the same address in
      // every thread's instance), no static data.
      expect(low.every((v) => v === 0xa5)).toBe(true);
      // The other kind of memory is refused (the loader picks the binary by the backend's memory).
      expect(() => new wasmApi.Instance(module, { env: { memory: new wasmApi.Memory({ initial: 2, maximum: 65536, shared: !shared }) } })).toThrow();
    });
});

describe('SIMD kernels on the wasm backend match the JS loops and cpu', () => {
  it('are loaded', () => {
    tf.tidy(() => tf.sum(tf.ones([9, 5]), 0).dataSync());
    expect(simdKernelStatus()).toMatch(/^LayerLoom WASM SIMD kernels/);
  });

  it.each([1, 7, 64, 1029])('Adam update over %i weights', async (n) => {
    const r = rng(n);
    const [x, m, g] = [values(r, n), values(r, n), values(r, n)];
    const v = values(r, n).map(Math.abs);
    const fn = () => tf.engine().runKernel(AdamUpdate,
      { value: tf.tensor1d(x), m: tf.tensor1d(m), v: tf.tensor1d(v), g: tf.tensor1d(g), accBeta1: tf.scalar(0.9 ** 3), accBeta2: tf.scalar(0.999 ** 3) },
      { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, learningRate: 0.01 }) as tf.Tensor[];
    const simd = await onBackend('wasm', fn);
    setSimdKernelsEnabled(false);
    const js = await onBackend('wasm', fn);
    simd.forEach((t, i) => expect(relErr(t, js[i]), `output ${i}`).toBeLessThan(1e-6));
    expect(relErr(simd[0], x)).toBeGreaterThan(1e-3); // the weights moved
  });

  it.each([
    { shape: [3, 5, 7] }, // 15 rows, 7 channels (one vector + 3 scalar)
    { shape: [130, 6] }, // three float32 blocks of rows, the last partial
    { shape: [2, 9, 9, 13] },
    { shape: [300, 1] },
    { shape: [2, 6, 6, 64] },
  ])('BatchNormalization forward and backward, $shape', async ({ shape }) => {
    const r = rng(shape.length * 31 + shape[0]);
    const c = shape[shape.length - 1], size = shape.reduce((a, b) => a * b);
    // Offsets far from zero per channel (the variance must not cancel), scales that differ.
    const xv = values(r, size).map((v, i) => v * (1 + (i % c)) + 10 * (i % c) - 3);
    const dyv = values(r, size), gv = values(r, c), bv = values(r, c);
    const fn = () => {
      const [y, mean, variance] = tf.engine().runKernel(BatchNormTraining,
        { x: tf.tensor(xv, shape), gamma: tf.tensor1d(gv), beta: tf.tensor1d(bv) }, { epsilon: 1e-3 }) as tf.Tensor[];
      const grads = tf.engine().runKernel(BatchNormTrainingGrad,
        { dy: tf.tensor(dyv, shape), x: tf.tensor(xv, shape), gamma: tf.tensor1d(gv), mean, variance }, { epsilon: 1e-3 }) as tf.Tensor[];
      return [y, mean, variance, ...grads];
    };
    const simd = await onBackend('wasm', fn);
    setSimdKernelsEnabled(false);
    const js = await onBackend('wasm', fn);
    ['y', 'mean', 'variance', 'dx', 'dgamma', 'dbeta'].forEach((name, i) => expect(relErr(simd[i], js[i]), name).toBeLessThan(2e-5));
  });

  it.each([
    { shape: [3, 5, 7, 13], axis: [0, 1, 2] },
    { shape: [200, 3], axis: [0] },
    { shape: [2, 70, 8], axis: [0, 1] },
  ])('Sum over the leading axes of $shape', async ({ shape, axis }) => {
    const xv = values(rng(shape[0]), shape.reduce((a, b) => a * b)).map((v) => v + 0.5);
    const { simd, js, cpu } = await threeWays(() => [tf.sum(tf.tensor(xv, shape), axis)]);
    expect(relErr(simd[0], js[0])).toBeLessThan(1e-5);
    expect(relErr(simd[0], cpu[0])).toBeLessThan(1e-5);
  });

  type Pool = { x: [number, number, number, number]; size: number; stride: number; pad: 'valid' | 'same' };
  it.each<Pool>([
    { x: [2, 6, 6, 8], size: 2, stride: 2, pad: 'valid' },
    { x: [2, 7, 5, 13], size: 2, stride: 2, pad: 'valid' }, // uncovered last row / column, 13 channels
    { x: [1, 7, 7, 5], size: 2, stride: 2, pad: 'same' }, // edge windows: the general kernel
    { x: [2, 9, 9, 6], size: 3, stride: 2, pad: 'same' }, // ResNet's stem pooling, overlapping windows
    { x: [1, 6, 5, 9], size: 3, stride: 1, pad: 'valid' },
  ])('MaxPoolGrad $x, $size×$size stride $stride $pad, with ties, NaN and -Infinity', async (c) => {
    const r = rng(c.x[3] * 7 + c.size);
    // Few distinct levels: many ties, so the first-maximum rule is exercised.
    const xv = values(r, c.x.reduce((a, b) => a * b)).map((v) => Math.round(v * 2) / 2);
    xv[1] = NaN; // channel 1 of the first window (a vector lane)
    for (const q of [2, 2 + c.x[3], 2 + c.x[2] * c.x[3], 2 + (c.x[2] + 1) * c.x[3]]) xv[q] = -Infinity; // channel 2 of window (0,0)
    xv[xv.length - 3] = NaN;
    const fn = () => {
      const x = tf.tensor4d(xv, c.x);
      const y = tf.maxPool(x, c.size, c.stride, c.pad);
      const w = tf.tensor(values(rng(6), y.size), y.shape);
      return [tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, c.size, c.stride, c.pad).mul(w).sum())(x)];
    };
    const { simd, js, cpu } = await threeWays(fn);
    expect(Array.from(simd[0])).toEqual(Array.from(js[0]));
    // cpu sums overlapping windows' contributions in another order: equal up to float32 rounding.
    expect(relErr(simd[0], cpu[0])).toBeLessThan(1e-6);
    expect(simd[0].filter((v) => v !== 0).length).toBeGreaterThan(xv.length / (c.size * c.size * 2));
  });
});

describe('the thin-input filter gradient (a first layer) as a SIMD kernel', () => {
  type Case = { x: [number, number, number, number]; k: [number, number]; co: number; stride: number; pad: 'valid' | 'same'; dilation: number };
  it.each<Case>([
    { x: [2, 11, 9, 1], k: [3, 3], co: 16, stride: 1, pad: 'valid', dilation: 1 },
    { x: [3, 10, 10, 3], k: [3, 3], co: 32, stride: 2, pad: 'same', dilation: 1 }, // 27 taps: odd, 2-tap tiles + 1
    { x: [2, 9, 8, 2], k: [2, 3], co: 48, stride: 1, pad: 'same', dilation: 1 },
    { x: [1, 12, 11, 1], k: [3, 3], co: 16, stride: 1, pad: 'same', dilation: 2 }, // dilated: wasm only (tfjs refuses it on cpu)
    { x: [2, 9, 9, 1], k: [3, 3], co: 20, stride: 1, pad: 'valid', dilation: 1 }, // Co not a multiple of 16: the other path
  ])('x $x, $k, Co $co, stride $stride $pad, dilation $dilation', async (c) => {
    const r = rng(c.co + c.x[3]);
    const xv = values(r, c.x.reduce((a, b) => a * b));
    const info = tf.backend_util.computeConv2DInfo(c.x, [...c.k, c.x[3], c.co], c.stride, c.dilation, c.pad);
    const dyShape = [c.x[0], info.outHeight, info.outWidth, c.co];
    const dyv = values(r, dyShape.reduce((a, b) => a * b));
    const fn = () => [tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor(xv, c.x), dy: tf.tensor(dyv, dyShape) },
      { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilation, filterShape: [...c.k, c.x[3], c.co] }) as tf.Tensor];
    const simd = await onBackend('wasm', fn);
    setSimdKernelsEnabled(false);
    const js = await onBackend('wasm', fn);
    setSimdKernelsEnabled(true);
    expect(relErr(simd[0], js[0])).toBeLessThan(1e-5);
    if (c.dilation === 1) expect(relErr(simd[0], (await onBackend('cpu', fn))[0])).toBeLessThan(1e-5);
    expect(Math.max(...simd[0].map(Math.abs))).toBeGreaterThan(0.1);
  });
});

describe('transposes that swap the outer axis groups as a SIMD kernel', () => {
  it.each([
    { shape: [2, 3, 4, 5], perm: [3, 1, 2, 0], sizes: [2, 12, 5] },
    { shape: [7, 9], perm: [1, 0], sizes: [7, 1, 9] },
    { shape: [2, 3, 4], perm: [2, 0, 1], sizes: [6, 1, 4] },
    { shape: [2, 3, 4], perm: [1, 2, 0], sizes: [2, 1, 12] },
    { shape: [2, 3, 4, 5], perm: [2, 3, 1, 0], sizes: [2, 3, 20] },
    { shape: [2, 3, 4, 5], perm: [1, 2, 0, 3], sizes: null }, // the trailing axis stays: not a swap
    { shape: [2, 3, 4], perm: [0, 1, 2], sizes: null },
  ])('recognizes $shape by $perm', ({ shape, perm, sizes }) => {
    expect(outerSwap(shape, perm)).toEqual(sizes);
  });

  it.each([
    { shape: [9, 5, 7, 13], perm: [3, 1, 2, 0] }, // edges on both sides of the 4×4 blocks
    { shape: [64, 3, 3, 64], perm: [3, 1, 2, 0] },
    { shape: [1030, 6], perm: [1, 0] },
    { shape: [5, 11, 8], perm: [2, 0, 1] },
    { shape: [6, 4, 4, 1], perm: [3, 1, 2, 0] }, // B = 1: the shipped kernel
  ])('$shape by $perm matches cpu', async ({ shape, perm }) => {
    const xv = values(rng(shape[0] + shape[1]), shape.reduce((a, b) => a * b));
    await tf.setBackend('wasm');
    const x = tf.tensor(xv, shape);
    const t = transpose(tf.backend() as unknown as WasmBackendLike, x, perm);
    const got = tf.engine().makeTensorFromTensorInfo(t);
    expect(got.shape).toEqual(perm.map((p) => shape[p]));
    const simd = got.dataSync().slice();
    tf.dispose([x, got]);
    const [cpu] = await onBackend('cpu', () => [tf.transpose(tf.tensor(xv, shape), perm)]);
    expect(Array.from(simd)).toEqual(Array.from(cpu));
  });
});

describe("ReLU's gradient as one kernel", () => {
  it.each([1, 6, 1029])('over %i elements (with 0, -0, NaN, ±Infinity among x and dy) matches the JS loop and cpu', async (n) => {
    const r = rng(n);
    const xv = values(r, n), dyv = values(r, n);
    const specials = [0, -0, NaN, Infinity, -Infinity];
    specials.forEach((s, i) => {
      if (i < n) xv[i] = s;
      if (n > 8 && i + 5 < n) dyv[i + 5] = s;
    });
    const fn = () => [tf.grad((a: tf.Tensor) => tf.relu(a).mul(tf.tensor1d(dyv)).sum())(tf.tensor1d(xv))];
    const { simd, js, cpu } = await threeWays(fn); // js: tfjs's Step, Cast, Multiply on wasm
    expect(Array.from(simd[0])).toEqual(Array.from(js[0]));
    expect(Array.from(simd[0])).toEqual(Array.from(cpu[0]));
    // The kernel's own JS loop (what it runs when called without the SIMD module) gives the same.
    setSimdKernelsEnabled(false);
    const [loop] = await onBackend('wasm', () => [tf.engine().runKernel(ReluGrad, { dy: tf.tensor1d(dyv), x: tf.tensor1d(xv) }) as tf.Tensor]);
    expect(Array.from(loop)).toEqual(Array.from(simd[0]));
  });

  it('replaces Step, Cast and Multiply on wasm', async () => {
    await tf.setBackend('wasm');
    const info = await tf.profile(() => {
      tf.grad((a: tf.Tensor) => tf.relu(a).sum())(tf.ones([4, 5])).dataSync();
    });
    const names = info.kernels.map((k) => k.name);
    expect(names).toContain('LayerLoomReluGrad');
    expect(names).not.toContain('Step');
  });

  it("keeps tfjs's gradient when the SIMD kernels are off", async () => {
    await tf.setBackend('wasm');
    setSimdKernelsEnabled(false);
    const info = await tf.profile(() => {
      tf.grad((a: tf.Tensor) => tf.relu(a).sum())(tf.ones([4, 5])).dataSync();
    });
    expect(info.kernels.map((k) => k.name)).toContain('Step');
  });
});
