import * as tf from '@tensorflow/tfjs';
import * as tfc from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerWasmTraining } from '../index';
import { directional, int, onBackend, relErr, rng, values } from '../test-helpers';
import type { WasmBackendLike } from '../kernel-utils';
import { convSimdRuntime } from '../simd/loader';
import { createPool } from './pool';
import { convSimdAvailable, convSimdThreads, setConvSimd, simdConvFilterGrad, simdConvForward, simdConvInputGrad, simdMatMul } from './index';

type Shape4 = [number, number, number, number];
type Pad = 'valid' | 'same' | [[0, 0], [number, number], [number, number], [0, 0]];
interface Case { name: string; x: Shape4; f: Shape4; stride: number; pad: Pad; dil: number; act: 'linear' | 'relu' | 'relu6' }

/** Seeded cases with channel counts the SIMD kernels take (Ci, Co multiples of 8), plus fixed edge cases. */
function cases(): Case[] {
  const r = rng(2026);
  const out: Case[] = [];
  const acts = ['linear', 'relu', 'relu6'] as const;
  for (let i = 0; i < 12; i++) {
    const stride = int(r, 1, 3);
    const dil = stride === 1 ? int(r, 1, 2) : 1;
    const kh = int(r, 1, 4), kw = int(r, 1, 4);
    const h = int(r, (kh - 1) * dil + 1, 11), w = int(r, (kw - 1) * dil + 1, 11);
    const padKind = int(r, 0, 2);
    const pad: Pad = padKind === 0 ? 'valid' : padKind === 1 ? 'same'
      : [[0, 0], [int(r, 0, 3), int(r, 0, 3)], [int(r, 0, 3), int(r, 0, 3)], [0, 0]];
    out.push({ name: `random #${i}`, x: [int(r, 1, 3), h, w, 8 * int(r, 1, 3)], f: [kh, kw, 0, 8 * int(r, 1, 3)], stride, pad, dil, act: acts[i % 3] });
  }
  out.push({ name: 'reference CNN conv2 shape (valid 3x3), odd map', x: [1, 13, 13, 32], f: [3, 3, 32, 64], stride: 1, pad: 'valid', dil: 1, act: 'relu' });
  out.push({ name: '3x3 same on 1x1 map (batch fills the tiles)', x: [5, 1, 1, 16], f: [3, 3, 16, 8], stride: 1, pad: 'same', dil: 1, act: 'relu' });
  out.push({ name: '3x3 same on 2x2 map', x: [3, 2, 2, 8], f: [3, 3, 8, 16], stride: 1, pad: 'same', dil: 1, act: 'linear' });
  out.push({ name: '3x3 s2 same, odd size', x: [2, 7, 9, 16], f: [3, 3, 16, 8], stride: 2, pad: 'same', dil: 1, act: 'relu' });
  out.push({ name: '1x1 s2 projection', x: [2, 5, 6, 8], f: [1, 1, 8, 16], stride: 2, pad: 'valid', dil: 1, act: 'linear' });
  out.push({ name: 'stride > kernel', x: [1, 9, 8, 8], f: [2, 2, 8, 8], stride: 3, pad: 'valid', dil: 1, act: 'linear' });
  out.push({ name: 'wide padding (taps only meet padding for some rows)', x: [2, 3, 4, 8], f: [3, 3, 8, 8], stride: 1, pad: [[0, 0], [3, 1], [2, 2], [0, 0]], dil: 1, act: 'relu6' });
  out.push({ name: 'dead taps on one axis, stride 2 (cropped filter)', x: [2, 2, 9, 8], f: [3, 3, 8, 8], stride: 2, pad: [[0, 0], [2, 2], [1, 1], [0, 0]], dil: 1, act: 'relu' });
  // Thin inputs (Ci % 4 ≠ 0, KH·KW·Ci > 32): the filter gradient by filter rows, horizontal padding made real.
  out.push({ name: 'stem-like 7x7 s2, explicit pad, Ci 3', x: [2, 13, 12, 3], f: [7, 7, 3, 8], stride: 2, pad: [[0, 0], [3, 3], [3, 2], [0, 0]], dil: 1, act: 'relu' });
  out.push({ name: 'stem-like 7x7 s2 valid on a pre-padded input, Ci 3', x: [2, 15, 16, 3], f: [7, 7, 3, 16], stride: 2, pad: 'valid', dil: 1, act: 'linear' });
  out.push({ name: 'thin 3x3 same, Ci 5', x: [3, 6, 7, 5], f: [3, 3, 5, 8], stride: 1, pad: 'same', dil: 1, act: 'linear' });
  out.push({ name: 'filter gradient only (Ci = 4: no SIMD dx or forward)', x: [2, 6, 5, 4], f: [3, 3, 4, 8], stride: 1, pad: 'same', dil: 1, act: 'linear' });
  return out.map((c) => ({ ...c, f: [c.f[0], c.f[1], c.x[3], c.f[3]] as Shape4 }));
}

const label = (c: Case) => `${c.name}: x ${c.x.join('x')} f ${c.f.join('x')} s${c.stride} d${c.dil} pad ${JSON.stringify(c.pad)} ${c.act}`;

beforeAll(async () => {
  await registerWasmTraining(tf);
});

afterEach(() => setConvSimd(true));

describe('SIMD convolution kernels (conv-simd) on wasm', () => {
  it('compile and are in use under Node', async () => {
    await tf.setBackend('wasm');
    expect(convSimdAvailable(tf.backend() as unknown as WasmBackendLike)).toBe(true);
  });

  it.each(cases().map((c) => [label(c), c] as const))('%s', async (_l, c) => {
    const r = rng(41);
    const xv = values(r, c.x.reduce((a, b) => a * b)), fv = values(r, c.f.reduce((a, b) => a * b)), bv = values(r, c.f[3]);
    const op = (a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.fused.conv2d({
      x: a as tf.Tensor4D, filter: w as tf.Tensor4D, bias: b, strides: c.stride, pad: c.pad, dilations: c.dil, activation: c.act,
    });
    const outShape = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.f) as tf.Tensor4D, c.stride, c.pad, 'NHWC', c.dil).shape);
    const wv = values(r, outShape.reduce((a, b) => a * b));
    const run = () => {
      const x = tf.tensor4d(xv, c.x), f = tf.tensor4d(fv, c.f), bias = tf.tensor1d(bv), weights = tf.tensor(wv, outShape);
      const loss = (a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => op(a, w, b).mul(weights).sum();
      // conv2d without bias too: its gradients are the Conv2DBackprop kernels themselves.
      const plain = (a: tf.Tensor, w: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, c.stride, c.pad, 'NHWC', c.dil).mul(weights).sum();
      return [op(x, f, bias), ...tf.grads(loss)([x, f, bias]), ...tf.grads(plain)([x, f])];
    };

    // The case really runs the SIMD kernels: each returns a result for these shapes.
    await tf.setBackend('wasm');
    const b = tf.backend() as unknown as WasmBackendLike;
    const info = tfc.backend_util.computeConv2DInfo(c.x, c.f, c.stride, c.dil, c.pad);
    tf.tidy(() => {
      const x = tf.tensor4d(xv, c.x), f = tf.tensor4d(fv, c.f), dy = tf.tensor(wv, outShape);
      const got = [simdConvFilterGrad(b, x, dy, info), simdConvInputGrad(b, dy, f, info), simdConvForward(b, x, f, info)];
      expect(got[0]).not.toBeNull(); // every case here takes the SIMD filter gradient
      expect(got[1] != null).toBe(c.x[3] % 8 === 0);
      expect(got[2] != null).toBe(c.x[3] >= 8);
      for (const t of got) if (t) b.disposeData(t.dataId);
    });

    const simd = await onBackend('wasm', run);
    setConvSimd(false);
    const xnnpack = await onBackend('wasm', run);
    setConvSimd(true);
    // Against the XNNPACK-based paths (these handle dilation; the cpu backend has no dilated gradients).
    simd.forEach((v, i) => expect(relErr(v, xnnpack[i])).toBeLessThan(1e-5));
    if (c.dil === 1) {
      const cpu = await onBackend('cpu', run);
      simd.forEach((v, i) => expect(relErr(v, cpu[i])).toBeLessThan(1e-5));
    } else {
      // Finite differences on the SIMD path along a random direction, for both inputs.
      await tf.setBackend('wasm');
      const v = values(r, xv.length), vf = values(r, fv.length);
      const f = (a: tf.Tensor, w: tf.Tensor): tf.Scalar => tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, c.stride, c.pad, 'NHWC', c.dil).mul(tf.tensor(wv, outShape)).sum();
      const dx = tf.tidy(() => directional((a) => f(a, tf.tensor(fv, c.f)), tf.tensor(xv, c.x), tf.tensor(v, c.x)));
      const df = tf.tidy(() => directional((w) => f(tf.tensor(xv, c.x), w), tf.tensor(fv, c.f), tf.tensor(vf, c.f)));
      expect(Math.abs(dx.numeric - dx.analytic)).toBeLessThan(1e-3 * Math.max(1, Math.abs(dx.numeric)));
      expect(Math.abs(df.numeric - df.analytic)).toBeLessThan(1e-3 * Math.max(1, Math.abs(df.numeric)));
    }
  });

  it('NaN in the input propagates through the SIMD forward and both gradients as on cpu', async () => {
    const xv = values(rng(3), 2 * 5 * 5 * 8), fv = values(rng(4), 3 * 3 * 8 * 8);
    xv[17] = NaN;
    const run = () => {
      const x = tf.tensor4d(xv, [2, 5, 5, 8]), f = tf.tensor4d(fv, [3, 3, 8, 8]);
      return [tf.conv2d(x, f, 1, 'same'), ...tf.grads((a: tf.Tensor, w: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, 1, 'same').sum())([x, f])];
    };
    const wasm = await onBackend('wasm', run);
    const cpu = await onBackend('cpu', run);
    wasm.forEach((v, i) => expect(Array.from(v, Number.isNaN)).toEqual(Array.from(cpu[i], Number.isNaN)));
  });
});

describe('matrix products through the SIMD kernels (Dense layers)', () => {
  it.each([
    { m: 12, k: 20, n: 16, ta: false, tb: false, act: 'relu' as const, bias: true, simd: true },
    { m: 5, k: 9, n: 8, ta: false, tb: false, act: 'relu6' as const, bias: true, simd: true },
    { m: 6, k: 33, n: 24, ta: false, tb: false, act: 'linear' as const, bias: false, simd: true },
    { m: 8, k: 5, n: 24, ta: true, tb: false, act: 'linear' as const, bias: false, simd: true },
    { m: 7, k: 9, n: 16, ta: false, tb: true, act: 'linear' as const, bias: false, simd: true },
    // Not taken: n % 8 ≠ 0, both transposed, k < 8 in the plain form (XNNPACK's path runs).
    { m: 6, k: 12, n: 10, ta: false, tb: false, act: 'linear' as const, bias: false, simd: false },
    { m: 8, k: 12, n: 16, ta: true, tb: true, act: 'linear' as const, bias: false, simd: false },
  ])('m$m k$k n$n transposeA=$ta transposeB=$tb $act bias=$bias (SIMD: $simd)', async (c) => {
    const r = rng(c.m * 1000 + c.k * 10 + c.n);
    const av = values(r, c.m * c.k), bv = values(r, c.k * c.n), biasv = values(r, c.n), wv = values(r, c.m * c.n);
    const aShape: [number, number] = c.ta ? [c.k, c.m] : [c.m, c.k], bShape: [number, number] = c.tb ? [c.n, c.k] : [c.k, c.n];
    await tf.setBackend('wasm');
    const b = tf.backend() as unknown as WasmBackendLike;
    tf.tidy(() => {
      const got = simdMatMul(b, tf.tensor2d(av, aShape), tf.tensor2d(bv, bShape), c.m, c.k, c.n, c.ta, c.tb,
        c.bias ? tf.tensor1d(biasv) : null, c.act);
      expect(got != null).toBe(c.simd);
      if (got) b.disposeData(got.dataId);
    });
    const run = () => {
      const a = tf.tensor2d(av, aShape), bm = tf.tensor2d(bv, bShape), w = tf.tensor2d(wv, [c.m, c.n]);
      const bias = c.bias ? tf.tensor1d(biasv) : undefined;
      const f = (x: tf.Tensor, y: tf.Tensor) =>
        tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, transposeA: c.ta, transposeB: c.tb, bias, activation: c.act });
      // Rank 3 with a batch of 1 takes the same path.
      const a3 = a.reshape([1, ...aShape]) as tf.Tensor3D, b3 = bm.reshape([1, ...bShape]) as tf.Tensor3D;
      return [f(a, bm), ...tf.grads((x: tf.Tensor, y: tf.Tensor) => f(x, y).mul(w).sum())([a, bm]), tf.matMul(a3, b3, c.ta, c.tb)];
    };
    const wasm = await onBackend('wasm', run);
    const cpu = await onBackend('cpu', run);
    wasm.forEach((v, i) => expect(relErr(v, cpu[i])).toBeLessThan(1e-5));
  });
});

describe('SIMD kernels split over worker threads (threaded build)', () => {
  it('large convolutions and products match cpu with their work split over the threads', async () => {
    await tf.setBackend('wasm');
    const threads = convSimdThreads(tf.backend() as unknown as WasmBackendLike);
    if (threads < 2) {
      console.log(`conv-simd: skipping the threaded check — the wasm backend runs ${threads} thread here (one CPU)`);
      return;
    }
    // ≥ 4 M multiply-adds each, so every kernel splits: images (forward, dx), input channels (dW), rows (Dense).
    const r = rng(90);
    const xv = values(r, 6 * 12 * 11 * 32), fv = values(r, 3 * 3 * 32 * 40), av = values(r, 70 * 240), bv = values(r, 240 * 256);
    const run = () => {
      const x = tf.tensor4d(xv, [6, 12, 11, 32]), f = tf.tensor4d(fv, [3, 3, 32, 40]);
      const a = tf.tensor2d(av, [70, 240]), bm = tf.tensor2d(bv, [240, 256]);
      const conv = (p: tf.Tensor, w: tf.Tensor) => tf.conv2d(p as tf.Tensor4D, w as tf.Tensor4D, 1, 'same');
      const weights = tf.tensor(values(rng(91), 6 * 12 * 11 * 40), [6, 12, 11, 40]);
      const mm = (p: tf.Tensor, q: tf.Tensor) => tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D);
      return [conv(x, f), ...tf.grads((p: tf.Tensor, w: tf.Tensor) => conv(p, w).mul(weights).sum())([x, f]),
        mm(a, bm), ...tf.grads((p: tf.Tensor, q: tf.Tensor) => mm(p, q).sum())([a, bm])];
    };
    const wasm = await onBackend('wasm', run);
    const cpu = await onBackend('cpu', run);
    wasm.forEach((v, i) => expect(relErr(v, cpu[i]), `output ${i}`).toBeLessThan(1e-5));
  });
});

describe('the worker pool', () => {
  it('a worker that never takes its share: the call finishes right on the calling thread, the pool drops to one thread', async () => {
    await tf.setBackend('wasm');
    const rt = convSimdRuntime(tf.backend() as unknown as WasmBackendLike);
    if (!rt?.shared) {
      console.log('conv-simd: skipping the stalled-worker check — the wasm backend runs its single-threaded build here');
      return;
    }
    const pool = createPool(rt.module, rt.memory, 2, { claimMs: 50 });
    expect(pool?.size).toBe(2);
    await pool!.close(); // its one worker is gone: the share posted to it is never taken
    // A 1×1 convolution over two 3×3 images, 8 → 8 channels, split by image: share 1 is the worker's.
    const img = 9 * 8, xv = values(rng(5), 2 * img), wv = values(rng(6), 64);
    const [xa, wa, ya] = [2 * img, 64, 2 * img].map((n) => rt.malloc(4 * n));
    new Float32Array(rt.memory.buffer, xa, 2 * img).set(xv);
    new Float32Array(rt.memory.buffer, wa, 64).set(wv);
    new Float32Array(rt.memory.buffer, ya, 2 * img).fill(0);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const shares = [0, 1].map((i) => ({ fn: 'conv_forward' as const, args: [xa + 4 * i * img, wa, ya + 4 * i * img, 1, 3, 3, 8, 3, 3, 8, 1, 1, 1, 1, 1, 1, 0, 0] }));
      pool!.run(shares, (s) => rt.kernels[s.fn](...s.args));
      expect(pool!.size).toBe(1);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/did not take its share.*one thread for the rest of this run/);
    } finally {
      warn.mockRestore();
    }
    const y = new Float32Array(rt.memory.buffer, ya, 2 * img).slice();
    for (const p of [0, 8, 9, 17]) { // positions in both images
      for (let o = 0; o < 8; o++) {
        let want = 0;
        for (let i = 0; i < 8; i++) want += xv[p * 8 + i] * wv[i * 8 + o];
        expect(y[p * 8 + o]).toBeCloseTo(want, 5);
      }
    }
    [xa, wa, ya].forEach((p) => rt.free(p));
  });

  it('never keeps Node alive: a process that split a convolution over the workers exits by itself', () => {
    const root = path.resolve(__dirname, '../../../../../..');
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'exit-fixture.ts')], {
      cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, LAYERLOOM_WASM_THREADS: '2' },
    });
    expect(r.signal, `stderr: ${r.stderr}`).toBeNull(); // not killed by the timeout
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/centre 288\b/); // 3×3 taps × 32 channels of ones
    const threads = Number(/threads (\d+)/.exec(r.stdout)?.[1]);
    if (threads < 2) console.log(`conv-simd: the exit check ran on ${threads} thread (the threaded build did not start here)`);
  }, 70_000);
});
