import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTraining } from './index';
import { directional, int, onBackend, relErr, rng, values } from './test-helpers';

type Pad = 'valid' | 'same' | [[0, 0], [number, number], [number, number], [0, 0]];
type Shape4 = [number, number, number, number];
interface ConvCase { name: string; x: Shape4; f: Shape4; stride: number; pad: Pad; dil: number }

/** Seeded random Conv2D cases plus fixed edge cases; strides and dilations never both > 1 (tfjs forbids it). */
function convCases(seed: number, n: number, depthwise: boolean): ConvCase[] {
  const r = rng(seed);
  const out: ConvCase[] = [];
  for (let i = 0; i < n; i++) {
    const stride = int(r, 1, 3);
    const dil = stride === 1 ? int(r, 1, 2) : 1;
    const kh = int(r, 1, 3), kw = int(r, 1, 3);
    const h = int(r, (kh - 1) * dil + 1, 9), w = int(r, (kw - 1) * dil + 1, 9);
    const ci = int(r, 1, 3), co = depthwise ? int(r, 1, 2) : int(r, 1, 4);
    const padKind = int(r, 0, 2);
    const pad: Pad = padKind === 0 ? 'valid' : padKind === 1 ? 'same'
      : [[0, 0], [int(r, 0, 2), int(r, 0, 2)], [int(r, 0, 2), int(r, 0, 2)], [0, 0]];
    out.push({ name: `random #${i}`, x: [int(r, 1, 2), h, w, ci], f: [kh, kw, ci, co], stride, pad, dil });
  }
  out.push({ name: '1x1 kernel', x: [2, 4, 5, 3], f: [1, 1, 3, 2], stride: 1, pad: 'valid', dil: 1 });
  out.push({ name: 'stride > kernel', x: [1, 9, 8, 2], f: [2, 2, 2, 2], stride: 3, pad: 'valid', dil: 1 });
  out.push({ name: 'kernel = input', x: [2, 3, 3, 2], f: [3, 3, 2, 2], stride: 1, pad: 'valid', dil: 1 });
  out.push({ name: 'same, stride 2, even size', x: [1, 8, 6, 2], f: [3, 3, 2, 3], stride: 2, pad: 'same', dil: 1 });
  // Stride phases: odd sizes, a phase with no rows (1×1 stride 2), kernels larger than the stride.
  out.push({ name: 'stride 2 phases, odd size, same', x: [2, 7, 9, 3], f: [3, 3, 3, 4], stride: 2, pad: 'same', dil: 1 });
  out.push({ name: 'stride 2 phases, valid', x: [1, 9, 8, 2], f: [3, 2, 2, 3], stride: 2, pad: 'valid', dil: 1 });
  out.push({ name: 'stride 3 phases, explicit pad', x: [1, 10, 11, 2], f: [4, 5, 2, 2], stride: 3, pad: [[0, 0], [2, 1], [0, 2], [0, 0]], dil: 1 });
  // Dead taps: windows that reach only padding on small maps.
  out.push({ name: 'dead taps, 1x1 map, 3x3 same', x: [3, 1, 1, 4], f: [3, 3, 4, 3], stride: 1, pad: 'same', dil: 1 });
  out.push({ name: 'dead taps, 1x8 map (cropped, not dense)', x: [2, 1, 8, 3], f: [3, 3, 3, 4], stride: 1, pad: 'same', dil: 1 });
  out.push({ name: 'dead taps, 2x9 map, stride 2 (phases, cropped)', x: [2, 2, 9, 3], f: [3, 3, 3, 2], stride: 2, pad: [[0, 0], [2, 2], [1, 1], [0, 0]], dil: 1 });
  out.push({ name: 'dead taps, 2x2 map, stride 2 same', x: [2, 2, 2, 3], f: [3, 3, 3, 4], stride: 2, pad: 'same', dil: 1 });
  out.push({ name: 'dead taps, wide padding', x: [1, 3, 2, 2], f: [3, 3, 2, 2], stride: 1, pad: [[0, 0], [3, 1], [2, 2], [0, 0]], dil: 1 });
  if (!depthwise) {
    // KH·KW·Ci ≤ Co: the filter gradient goes through explicit patches (first-layer shapes).
    out.push({ name: 'patches path, stride 2 same', x: [2, 7, 6, 1], f: [3, 3, 1, 9], stride: 2, pad: 'same', dil: 1 });
    out.push({ name: 'patches path, dilation 2 explicit pad', x: [1, 8, 7, 2], f: [2, 2, 2, 8], stride: 1, pad: [[0, 0], [1, 2], [0, 1], [0, 0]], dil: 2 });
    out.push({ name: 'patches path, valid', x: [3, 6, 6, 1], f: [3, 3, 1, 12], stride: 1, pad: 'valid', dil: 1 });
  }
  return out;
}

const label = (c: ConvCase) =>
  `${c.name}: x ${c.x.join('x')} f ${c.f.join('x')} s${c.stride} d${c.dil} pad ${JSON.stringify(c.pad)}`;

beforeAll(async () => {
  await registerWasmTraining(tf);
});

describe.each([
  { op: 'conv2d', depthwise: false },
  { op: 'depthwiseConv2d', depthwise: true },
])('$op gradients on wasm', ({ depthwise }) => {
  const apply = (c: ConvCase) => (x: tf.Tensor4D, f: tf.Tensor4D) =>
    depthwise
      ? tf.depthwiseConv2d(x, f, c.stride, c.pad, 'NHWC', c.dil)
      : tf.conv2d(x, f, c.stride, c.pad, 'NHWC', c.dil);

  it.each(convCases(depthwise ? 7 : 3, 10, depthwise).map((c) => [label(c), c] as const))('%s', async (_l, c) => {
    const r = rng(99);
    const xv = values(r, c.x.reduce((a, b) => a * b));
    const fv = values(r, c.f.reduce((a, b) => a * b));
    const op = apply(c);
    const outShape = tf.tidy(() => op(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.f) as tf.Tensor4D).shape);
    const rv = values(r, outShape.reduce((a, b) => a * b));
    const both = () => {
      const x = tf.tensor4d(xv, c.x as [number, number, number, number]);
      const f = tf.tensor4d(fv, c.f as [number, number, number, number]);
      const weights = tf.tensor(rv, outShape);
      const [gx, gf] = tf.grads((...t: tf.Tensor[]) => op(t[0] as tf.Tensor4D, t[1] as tf.Tensor4D).mul(weights).sum())([x, f]);
      return [gx, gf, op(x, f)];
    };
    const wasm = await onBackend('wasm', both);
    if (c.dil === 1) {
      // The cpu backend (reference) has no dilated conv gradients.
      const cpu = await onBackend('cpu', both);
      expect(relErr(wasm[0], cpu[0])).toBeLessThan(1e-5);
      expect(relErr(wasm[1], cpu[1])).toBeLessThan(1e-5);
      expect(relErr(wasm[2], cpu[2])).toBeLessThan(1e-5);
    }
    // Finite differences on wasm along a random direction, for both inputs.
    await tf.setBackend('wasm');
    const v = values(r, xv.length), vf = values(r, fv.length);
    const dx = tf.tidy(() => directional(
      (x) => op(x as tf.Tensor4D, tf.tensor4d(fv, c.f as [number, number, number, number])).mul(tf.tensor(rv, outShape)).sum(),
      tf.tensor(xv, c.x), tf.tensor(v, c.x)));
    const df = tf.tidy(() => directional(
      (f) => op(tf.tensor4d(xv, c.x as [number, number, number, number]), f as tf.Tensor4D).mul(tf.tensor(rv, outShape)).sum(),
      tf.tensor(fv, c.f), tf.tensor(vf, c.f)));
    expect(Math.abs(dx.numeric - dx.analytic)).toBeLessThan(1e-3 * Math.max(1, Math.abs(dx.numeric)));
    expect(Math.abs(df.numeric - df.analytic)).toBeLessThan(1e-3 * Math.max(1, Math.abs(df.numeric)));
  });
});

describe('ResNet-18 convolutions (fused bias + relu) on wasm match cpu', () => {
  type FusedCase = { name: string; x: Shape4; f: Shape4; stride: number; pad: Pad };
  const cases: FusedCase[] = [
    { name: '7x7 s2 stem, explicit pad', x: [2, 16, 16, 3], f: [7, 7, 3, 8], stride: 2, pad: [[0, 0], [3, 3], [3, 3], [0, 0]] },
    { name: '3x3 s2 same, 8x8 → 4x4', x: [2, 8, 8, 4], f: [3, 3, 4, 6], stride: 2, pad: 'same' },
    { name: '1x1 s2 projection', x: [2, 4, 4, 4], f: [1, 1, 4, 6], stride: 2, pad: 'valid' },
    { name: '3x3 s1 same on 1x1 (centre tap only)', x: [3, 1, 1, 5], f: [3, 3, 5, 4], stride: 1, pad: 'same' },
    { name: '3x3 s2 same on 2x2 → 1x1', x: [2, 2, 2, 3], f: [3, 3, 3, 4], stride: 2, pad: 'same' },
    // Dense products (dense-small-map.ts): 2×2 and 1×3 maps, where fewer positions than taps meet.
    { name: '3x3 s1 same on 2x2 (dense)', x: [3, 2, 2, 5], f: [3, 3, 5, 6], stride: 1, pad: 'same' },
    { name: '3x3 s1 same on 1x3 (dense)', x: [2, 1, 3, 4], f: [3, 3, 4, 3], stride: 1, pad: 'same' },
    { name: '5x5 s1 explicit pad on 2x3 (dense)', x: [2, 2, 3, 3], f: [5, 5, 3, 2], stride: 1, pad: [[0, 0], [2, 1], [2, 2], [0, 0]] },
  ];
  it.each(cases.map((c) => [`${c.name}: x ${c.x.join('x')} f ${c.f.join('x')}`, c] as const))('%s', async (_l, c) => {
    const r = rng(17);
    const xv = values(r, c.x.reduce((a, b) => a * b)), fv = values(r, c.f.reduce((a, b) => a * b)), bv = values(r, c.f[3]);
    const both = () => {
      const x = tf.tensor4d(xv, c.x), f = tf.tensor4d(fv, c.f), bias = tf.tensor1d(bv);
      const op = (a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
        tf.fused.conv2d({ x: a as tf.Tensor4D, filter: w as tf.Tensor4D, bias: b, strides: c.stride, pad: c.pad, activation: 'relu' });
      const y = op(x, f, bias);
      const weights = tf.tensor(values(rng(5), y.size), y.shape);
      return [y, ...tf.grads((a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => op(a, w, b).mul(weights).sum())([x, f, bias])];
    };
    const wasm = await onBackend('wasm', both);
    const cpu = await onBackend('cpu', both);
    wasm.forEach((v, i) => expect(relErr(v, cpu[i])).toBeLessThan(1e-5));
  });
});

describe('maxPool gradient on wasm', () => {
  const r = rng(11);
  const cases: { name: string; x: Shape4; size: number; stride: number; pad: 'valid' | 'same'; ties: boolean }[] = Array.from({ length: 6 }, (_, i) => {
    const size = int(r, 1, 3), stride = int(r, 1, 3);
    return { name: `random #${i}`, x: [int(r, 1, 2), int(r, size, 8), int(r, size, 8), int(r, 1, 4)], size, stride, pad: r() < 0.5 ? 'valid' as const : 'same' as const, ties: false };
  });
  cases.push({ name: 'ties (relu zeros)', x: [2, 6, 6, 3], size: 2, stride: 2, pad: 'valid', ties: true });
  cases.push({ name: '2x2 s2 same, odd size (edge windows)', x: [1, 7, 5, 3], size: 2, stride: 2, pad: 'same', ties: false });
  cases.push({ name: '2x2 s2 valid, odd size', x: [2, 5, 7, 4], size: 2, stride: 2, pad: 'valid', ties: true });
  cases.push({ name: 'overlapping windows', x: [1, 7, 7, 2], size: 3, stride: 1, pad: 'same', ties: false });
  it('2x2 s2 with NaN and all -Infinity windows matches cpu (NaN never wins; no gradient when nothing beats -Infinity)', async () => {
    const xv = values(rng(8), 2 * 4 * 4 * 3);
    xv[0] = NaN; // window (0,0), channel 0: NaN next to finite values
    for (const q of [1, 4, 13, 16]) xv[q] = -Infinity; // window (0,0), channel 1: all -Infinity
    for (const q of [2 + 6, 5 + 6, 14 + 6, 17 + 6]) xv[q] = NaN; // window (0,1), channel 2: all NaN
    const run = () => {
      const w = tf.tensor(values(rng(9), 2 * 2 * 2 * 3), [2, 2, 2, 3]);
      return [tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid').mul(w).sum())(tf.tensor4d(xv, [2, 4, 4, 3]))];
    };
    const [wg] = await onBackend('wasm', run);
    const [cg] = await onBackend('cpu', run);
    expect(Array.from(wg)).toEqual(Array.from(cg));
  });
  it.each(cases.map((c) => [`${c.name}: x ${c.x.join('x')} size ${c.size} s${c.stride} ${c.pad}`, c] as const))('%s', async (_l, c) => {
    const rr = rng(5);
    let xv = values(rr, c.x.reduce((a, b) => a * b));
    if (c.ties) xv = xv.map((v) => Math.max(0, v));
    const run = () => {
      const x = tf.tensor4d(xv, c.x as [number, number, number, number]);
      const y = tf.maxPool(x, c.size, c.stride, c.pad);
      const w = tf.tensor(values(rng(6), y.size), y.shape);
      return [y, tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, c.size, c.stride, c.pad).mul(w).sum())(x)];
    };
    const [wy, wg] = await onBackend('wasm', run);
    const [cy, cg] = await onBackend('cpu', run);
    expect(relErr(wy, cy)).toBe(0);
    expect(relErr(wg, cg)).toBeLessThan(1e-6);
  });
});

describe('matMul through the convolution path on wasm', () => {
  it.each([
    { m: 5, k: 7, n: 3, ta: false, tb: false, act: 'linear' as const, bias: false },
    { m: 4, k: 6, n: 5, ta: true, tb: false, act: 'relu' as const, bias: true },
    { m: 3, k: 8, n: 2, ta: false, tb: true, act: 'linear' as const, bias: true },
    { m: 6, k: 2, n: 4, ta: true, tb: true, act: 'relu' as const, bias: false },
    // m < n, no bias: computed as (bᵀ·aᵀ)ᵀ so the smaller operand is packed
    { m: 3, k: 5, n: 9, ta: false, tb: true, act: 'linear' as const, bias: false },
    { m: 2, k: 4, n: 7, ta: true, tb: false, act: 'linear' as const, bias: false },
    { m: 4, k: 3, n: 8, ta: true, tb: true, act: 'linear' as const, bias: false },
  ])('m$m k$k n$n transposeA=$ta transposeB=$tb $act bias=$bias', async (c) => {
    const r = rng(c.m * 100 + c.k);
    const av = values(r, c.m * c.k), bv = values(r, c.k * c.n), biasv = values(r, c.n), wv = values(r, c.m * c.n);
    const run = () => {
      const a = tf.tensor2d(av, c.ta ? [c.k, c.m] : [c.m, c.k]);
      const b = tf.tensor2d(bv, c.tb ? [c.n, c.k] : [c.k, c.n]);
      const bias = c.bias ? tf.tensor1d(biasv) : undefined;
      const w = tf.tensor2d(wv, [c.m, c.n]);
      const f = (x: tf.Tensor2D, y: tf.Tensor2D) =>
        tf.fused.matMul({ a: x, b: y, transposeA: c.ta, transposeB: c.tb, bias, activation: c.act });
      const [ga, gb] = tf.grads((...t: tf.Tensor[]) => f(t[0] as tf.Tensor2D, t[1] as tf.Tensor2D).mul(w).sum())([a, b]);
      return [f(a, b), ga, gb, tf.matMul(a, b, c.ta, c.tb)];
    };
    const wasm = await onBackend('wasm', run);
    const cpu = await onBackend('cpu', run);
    wasm.forEach((v, i) => expect(relErr(v, cpu[i])).toBeLessThan(1e-5));
  });
});
