/**
 * BatchNormalization in training as two wasm kernels instead of the ~25 small
 * ops tfjs-layers emits (moments: Mean, Sub, Square, Mean; FusedBatchNorm; and
 * their gradients, where FusedBatchNorm's Tile broadcasts 1/σ to the whole
 * input). With m = rows (N·H·W), x̂ = (x − μ)·r, r = 1/√(σ² + ε):
 * - forward: μ, σ² per channel, then y = γ·x̂ + β (three passes);
 * - backward: Σdy and Σdy·(x − μ) per channel, then
 *   dx = γr·(dy − Σdy/m − x̂·r·Σdy(x−μ)/m), dγ = r·Σdy(x−μ), dβ = Σdy (two passes).
 * The layer's `call` is routed here on the wasm backend for training over the
 * last axis (tfjs-layers' default); everything else keeps tfjs-layers' path.
 * The batch mean and variance outputs only feed the moving averages (as in
 * tfjs-layers), so no gradient flows back through them.
 * Both run as LayerLoom's SIMD kernels (simd/adam-norm.c, same passes) where they load, else as the JS loops here.
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import { heapF32, type WasmBackendLike } from './kernel-utils';
import { simdRuntime } from './simd/loader';

/** Kernel names (LayerLoom's own; not tfjs kernels). */
export const BatchNormTraining = 'LayerLoomBatchNormTraining';
export const BatchNormTrainingGrad = 'LayerLoomBatchNormTrainingGrad';
export const BatchNormMovingAverages = 'LayerLoomBatchNormMovingAverages';

type Args = { inputs: Record<string, TensorInfo>; backend: WasmBackendLike; attrs: NamedAttrMap };

/**
 * Per channel k of `a` and `b` viewed as [rows, c]: sa[k] = Σ a, sab[k] = Σ a·(b − shift[k]) (b may be a).
 * Four channels per pass with scalar float64 accumulators, which V8 keeps in registers (an accumulator
 * array in the inner loop runs several times slower; see cheap-kernels' columnSums).
 */
function channelSums(a: Float32Array, b: Float32Array, shift: ArrayLike<number>, rows: number, c: number, sa: Float64Array, sab: Float64Array): void {
  const n = rows * c;
  let k = 0;
  for (; k + 4 <= c; k += 4) {
    const m0 = shift[k], m1 = shift[k + 1], m2 = shift[k + 2], m3 = shift[k + 3];
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    for (let i = k; i < n; i += c) {
      const a0 = a[i], a1 = a[i + 1], a2 = a[i + 2], a3 = a[i + 3];
      s0 += a0; s1 += a1; s2 += a2; s3 += a3;
      t0 += a0 * (b[i] - m0); t1 += a1 * (b[i + 1] - m1); t2 += a2 * (b[i + 2] - m2); t3 += a3 * (b[i + 3] - m3);
    }
    sa[k] = s0; sa[k + 1] = s1; sa[k + 2] = s2; sa[k + 3] = s3;
    sab[k] = t0; sab[k + 1] = t1; sab[k + 2] = t2; sab[k + 3] = t3;
  }
  for (; k < c; k++) {
    let s = 0, t = 0;
    const m = shift[k];
    for (let i = k; i < n; i += c) {
      s += a[i];
      t += a[i] * (b[i] - m);
    }
    sa[k] = s;
    sab[k] = t;
  }
}

/** Per-channel mean and (biased) variance of x viewed as [rows, c]: two passes, float64 accumulators. */
function moments(x: Float32Array, rows: number, c: number): { mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(c), variance = new Float64Array(c), sums = new Float64Array(c);
  // Pass 1: Σx (channelSums also forms Σx², unused: `variance` is only scratch here).
  channelSums(x, x, new Float64Array(c), rows, c, sums, variance);
  for (let k = 0; k < c; k++) mean[k] = sums[k] / rows;
  // Pass 2: Σx·(x − μ), relative to the mean, so no cancellation between large sums.
  const centered = new Float64Array(c), cross = new Float64Array(c);
  channelSums(x, x, mean, rows, c, centered, cross); // centered = Σx again, cross = Σx·(x − μ)
  // Σ(x − μ)² = Σx·(x − μ) − μ·Σ(x − μ) = cross − μ·(Σx − rows·μ).
  for (let k = 0; k < c; k++) variance[k] = Math.max(0, cross[k] - mean[k] * (centered[k] - rows * mean[k])) / rows;
  return { mean, variance };
}

/** Forward: inputs x [..., C], gamma [C], beta [C]; attrs epsilon. Outputs y, mean [C], variance [C]. */
export function batchNormTraining(args: Args): TensorInfo[] {
  const { backend: b } = args;
  const { x, gamma, beta } = args.inputs;
  const eps = args.attrs.epsilon as number;
  const c = x.shape[x.shape.length - 1];
  const rows = tfc.util.sizeFromShape(x.shape) / c;
  const simd = simdRuntime(b);
  if (simd) {
    const y = b.makeOutput(x.shape, 'float32');
    const meanOut = b.makeOutput([c], 'float32'), varOut = b.makeOutput([c], 'float32');
    const o = simd.offset;
    simd.withScratch([32 * c], ([scratch]) => simd.kernels.batch_norm_forward(o(x), o(gamma), o(beta), o(y), o(meanOut), o(varOut), rows, c, eps, scratch));
    return [y, meanOut, varOut];
  }
  const { mean, variance } = moments(heapF32(b, x), rows, c);
  const y = b.makeOutput(x.shape, 'float32');
  const meanOut = b.makeOutput([c], 'float32'), varOut = b.makeOutput([c], 'float32');
  const xv = heapF32(b, x), yv = heapF32(b, y), g = heapF32(b, gamma), be = heapF32(b, beta);
  // y = x·a + s per channel.
  const a = new Float32Array(c), s = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    a[k] = g[k] / Math.sqrt(variance[k] + eps);
    s[k] = be[k] - mean[k] * a[k];
  }
  const n = rows * c;
  for (let i = 0; i < n; i += c) for (let k = 0; k < c; k++) yv[i + k] = xv[i + k] * a[k] + s[k];
  heapF32(b, meanOut).set(mean);
  heapF32(b, varOut).set(variance);
  return [y, meanOut, varOut];
}

/** Backward: inputs dy, x, gamma, mean, variance; attrs epsilon. Outputs dx, dgamma, dbeta. */
export function batchNormTrainingGrad(args: Args): TensorInfo[] {
  const { backend: b } = args;
  const { dy, x, gamma, mean, variance } = args.inputs;
  const eps = args.attrs.epsilon as number;
  const c = x.shape[x.shape.length - 1];
  const rows = tfc.util.sizeFromShape(x.shape) / c;
  const n = rows * c;
  const dx = b.makeOutput(x.shape, 'float32');
  const dg = b.makeOutput([c], 'float32'), db = b.makeOutput([c], 'float32');
  const simd = simdRuntime(b);
  if (simd) {
    const o = simd.offset;
    simd.withScratch([32 * c], ([scratch]) => simd.kernels.batch_norm_backward(o(dy), o(x), o(gamma), o(mean), o(variance), o(dx), o(dg), o(db), rows, c, eps, scratch));
    return [dx, dg, db];
  }
  const dyv = heapF32(b, dy), xv = heapF32(b, x), mu = heapF32(b, mean), va = heapF32(b, variance), g = heapF32(b, gamma);
  const sdy = new Float64Array(c), sdyx = new Float64Array(c);
  channelSums(dyv, xv, mu, rows, c, sdy, sdyx);
  // dx = k1·dy + k2·x + k3 per channel.
  const k1 = new Float32Array(c), k2 = new Float32Array(c), k3 = new Float32Array(c);
  const dgv = heapF32(b, dg), dbv = heapF32(b, db);
  for (let k = 0; k < c; k++) {
    const r = 1 / Math.sqrt(va[k] + eps);
    k1[k] = g[k] * r;
    k2[k] = (-g[k] * r * r * r * sdyx[k]) / rows;
    k3[k] = (-g[k] * r * sdy[k]) / rows - k2[k] * mu[k];
    dgv[k] = sdyx[k] * r;
    dbv[k] = sdy[k];
  }
  const dxv = heapF32(b, dx);
  for (let i = 0; i < n; i += c) for (let k = 0; k < c; k++) dxv[i + k] = k1[k] * dyv[i + k] + k2[k] * xv[i + k] + k3[k];
  return [dx, dg, db];
}

/** out = v − (v − batch)·decay, elementwise, rounded to float32 after each operation. */
function movingAverage(v: Float32Array, batch: Float32Array, out: Float32Array, decay: number): void {
  for (let k = 0; k < v.length; k++) out[k] = v[k] - Math.fround(Math.fround(v[k] - batch[k]) * decay);
}

/**
 * Both moving averages in one kernel (tfjs-layers runs Sub, Mul, Sub for each: six dispatches per layer and
 * step): inputs movingMean, movingVariance, mean, variance [C]; attrs momentum. Outputs the new moving mean
 * and variance, v − (v − batch)·(1 − momentum), rounded to float32 after each operation as tfjs's ops are.
 */
export function batchNormMovingAverages(args: Args): TensorInfo[] {
  const { backend: b } = args;
  const { movingMean, movingVariance, mean, variance } = args.inputs;
  const decay = Math.fround(1 - (args.attrs.momentum as number));
  const c = movingMean.shape[0];
  const outMean = b.makeOutput([c], 'float32'), outVar = b.makeOutput([c], 'float32');
  movingAverage(heapF32(b, movingMean), heapF32(b, mean), heapF32(b, outMean), decay);
  movingAverage(heapF32(b, movingVariance), heapF32(b, variance), heapF32(b, outVar), decay);
  return [outMean, outVar];
}

/** The kernels, on the wasm backend. */
export const batchNormKernels: KernelConfig[] = [
  { kernelName: BatchNormMovingAverages, backendName: 'wasm', kernelFunc: batchNormMovingAverages as unknown as tfc.KernelFunc },
  { kernelName: BatchNormTraining, backendName: 'wasm', kernelFunc: batchNormTraining as unknown as tfc.KernelFunc },
  { kernelName: BatchNormTrainingGrad, backendName: 'wasm', kernelFunc: batchNormTrainingGrad as unknown as tfc.KernelFunc },
];

/** What the routed `call` reads of a tfjs-layers BatchNormalization (its fields are private in the typings). */
interface BatchNormLayer {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma: { read(): Tensor } | null;
  beta: { read(): Tensor } | null;
  movingMean: { read(): Tensor; write(v: Tensor): void };
  movingVariance: { read(): Tensor; write(v: Tensor): void };
}
type Call = (this: BatchNormLayer, inputs: Tensor | Tensor[], kwargs: Record<string, unknown>) => Tensor | Tensor[];

let installed = false;

/**
 * Route tfjs-layers' BatchNormalization training calls to the fused kernels while the wasm backend is active
 * (idempotent). Inference, other backends, other axes, and layers without γ or β keep the original `call`.
 */
export function installBatchNormTraining(): void {
  if (installed) return;
  installed = true;
  tfc.registerGradient({
    kernelName: BatchNormTraining,
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [false, true, true],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const [x, gamma, mean, variance] = saved;
      const dyY = Array.isArray(dy) ? dy[0] : dy;
      // Computed here, not in the per-input thunks: tfjs runs each thunk in its own tidy, which would dispose
      // the other two outputs of one shared kernel call.
      const [dx, dGamma, dBeta] = tfc.engine().runKernel(BatchNormTrainingGrad,
        { dy: dyY, x, gamma, mean, variance } as unknown as tfc.NamedTensorMap, attrs) as Tensor[];
      return { x: () => dx, gamma: () => dGamma, beta: () => dBeta };
    },
  });
  const proto = Object.getPrototypeOf(layers.batchNormalization({})) as { call: Call };
  const original = proto.call;
  proto.call = function (this: BatchNormLayer, inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const rank = x.shape.length;
    const axis = this.axis >= 0 ? this.axis : this.axis + rank;
    if (tfc.getBackend() !== 'wasm' || !kwargs?.training || axis !== rank - 1 || rank < 2 || x.dtype !== 'float32' || !this.gamma || !this.beta
      || (Array.isArray(inputs) && inputs.length !== 1)) {
      return original.call(this, inputs, kwargs);
    }
    return tfc.tidy(() => {
      const [y, mean, variance] = tfc.engine().runKernel(BatchNormTraining,
        { x, gamma: this.gamma!.read(), beta: this.beta!.read() } as unknown as tfc.NamedTensorMap, { epsilon: this.epsilon }) as Tensor[];
      // The moving averages, as tfjs-layers updates them: v ← v − (v − batch)·(1 − momentum), in one kernel.
      const [nextMean, nextVariance] = tfc.engine().runKernel(BatchNormMovingAverages,
        { movingMean: this.movingMean.read(), movingVariance: this.movingVariance.read(), mean, variance } as unknown as tfc.NamedTensorMap,
        { momentum: this.momentum }) as Tensor[];
      this.movingMean.write(nextMean);
      this.movingVariance.write(nextVariance);
      return y;
    });
  };
}
