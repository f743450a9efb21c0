/**
 * Test helpers for the wasm training kernels: a seeded RNG, running the same
 * computation on two backends, and a directional finite-difference check.
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../../data/random';

/** Deterministic PRNG so "random" test cases are reproducible (the same mulberry32 the datasets use). */
export const rng = mulberry32;

/** Integer in [lo, hi]. */
export function int(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

/** `n` values uniform in [-1, 1). */
export function values(r: () => number, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}

/**
 * Seeded stand-ins for a model's initial weights: each weight tfjs drew at random (not constant) is replaced by
 * Glorot-uniform values from `rng(seed)` (fan-in = all axes but the last, times the kernel's taps for fan-out when
 * rank > 2, as tfjs's glorotUniform); constant ones (biases, BatchNormalization's γ, β and moving statistics) stay.
 * tfjs-layers' initializers draw from an unseeded source, so without this a numeric check meets a new model each run.
 */
export function seededWeights(shapes: number[][], drawn: Float32Array[], seed: number): Float32Array[] {
  const r = rng(seed);
  return drawn.map((w, i) => {
    if (w.every((v) => v === w[0])) return w;
    const s = shapes[i], fanOut = s[s.length - 1], taps = s.length > 2 ? w.length / (s[s.length - 2] * fanOut) : 1;
    const limit = Math.sqrt(6 / (w.length / fanOut + fanOut * taps));
    return values(r, w.length).map((v) => v * limit);
  });
}

/** Run `fn` with `backend` active and return the data of every tensor it returns. */
export async function onBackend(backend: string, fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(fn);
  const data = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose(out);
  return data;
}

/** Largest |a-b| relative to max(1, |b|∞). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let num = 0, den = 1;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

/**
 * Directional finite difference of the scalar `loss` along `v` at `x`
 * (central, step `eps`) next to the analytic ⟨∇loss(x), v⟩ on the active backend.
 */
export function directional(
  loss: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, v: tf.Tensor, eps = 1e-2,
): { numeric: number; analytic: number } {
  return tf.tidy(() => {
    const plus = loss(x.add(v.mul(eps))).dataSync()[0];
    const minus = loss(x.sub(v.mul(eps))).dataSync()[0];
    const g = tf.grad(loss)(x);
    return { numeric: (plus - minus) / (2 * eps), analytic: g.mul(v).sum().dataSync()[0] };
  });
}
