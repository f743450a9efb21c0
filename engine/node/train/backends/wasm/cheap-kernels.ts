/**
 * Cheaper versions of small kernels that dominate a training step's
 * bookkeeping on the wasm backend:
 * - Identity and same-dtype Cast share the input's buffer (refcounted, as the
 *   `cpu` backend does) instead of copying it;
 * - Sum over leading axes (bias gradients: [N, H, W, C] → [C]) accumulates
 *   rows in one pass instead of transposing the whole tensor first (LayerLoom's SIMD kernel where it loads);
 * - ReLU's gradient dy·step(x) as one kernel instead of Step, Cast and Multiply (the Relu gradient is routed
 *   there while the wasm backend is active).
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { heapF32, run, type WasmBackendLike } from './kernel-utils';
import { simdRuntime } from './simd/loader';

type Args = { inputs: Record<string, TensorInfo>; backend: WasmBackendLike; attrs: NamedAttrMap };

/** A new tensor on `x`'s buffer (refcount bumped), like the wasm Reshape. */
function alias(b: WasmBackendLike, x: TensorInfo): TensorInfo {
  b.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/** Identity without a copy (strings keep the shipped kernel). */
export function identity(args: Args): TensorInfo {
  const { x } = args.inputs;
  return x.dtype === 'string' ? run(tfc.Identity, args.backend, args.inputs, args.attrs) : alias(args.backend, x);
}

/** Cast: a same-dtype cast shares the buffer; real conversions keep the shipped kernel. */
export function cast(args: Args): TensorInfo {
  const { x } = args.inputs;
  const { dtype } = args.attrs as { dtype: string };
  return x.dtype === dtype && dtype !== 'string' ? alias(args.backend, x) : run(tfc.Cast, args.backend, args.inputs, args.attrs);
}

/** Reduction axes as a sorted list, or null when they are not exactly the leading axes [0, k) with k < rank. */
function leadingAxes(axis: number | number[], rank: number): number | null {
  const axes = tfc.util.parseAxisParam(axis, [...Array(rank)].map(() => 1)).sort((p, q) => p - q);
  if (axes.length === 0 || axes.length >= rank) return null;
  return axes.every((a, i) => a === i) ? axes.length : null;
}

/** Sum: float32 reductions over the leading axes in one pass; everything else keeps the shipped kernel. */
export function sum(args: Args): TensorInfo {
  const { backend: b } = args;
  const { x } = args.inputs;
  const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
  const k = x.dtype === 'float32' ? leadingAxes(axis, x.shape.length) : null;
  if (k == null) return run(tfc.Sum, b, args.inputs, args.attrs);
  const rows = x.shape.slice(0, k).reduce((p, d) => p * d, 1);
  const inner = x.shape.slice(k);
  const cols = inner.reduce((p, d) => p * d, 1);
  const outShape = keepDims ? [...x.shape.slice(0, k).map(() => 1), ...inner] : inner;
  const out = b.makeOutput(outShape, 'float32');
  const simd = simdRuntime(b);
  if (simd) {
    simd.withScratch([32 * cols], ([scratch]) => simd.kernels.column_sums(simd.offset(x), rows, cols, simd.offset(out), scratch));
    return out;
  }
  const xv = heapF32(b, x), ov = heapF32(b, out);
  columnSums(xv, rows, cols, ov);
  return out;
}

/**
 * out[c] = Σ_r x[r·cols + c], eight columns per pass with scalar accumulators (float64), which V8
 * runs several times faster than one pass with an accumulator array.
 */
export function columnSums(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
  const end = rows * cols;
  let c = 0;
  for (; c + 8 <= cols; c += 8) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (let i = c; i < end; i += cols) {
      s0 += x[i]; s1 += x[i + 1]; s2 += x[i + 2]; s3 += x[i + 3];
      s4 += x[i + 4]; s5 += x[i + 5]; s6 += x[i + 6]; s7 += x[i + 7];
    }
    out[c] = s0; out[c + 1] = s1; out[c + 2] = s2; out[c + 3] = s3;
    out[c + 4] = s4; out[c + 5] = s5; out[c + 6] = s6; out[c + 7] = s7;
  }
  for (; c < cols; c++) {
    let s = 0;
    for (let i = c; i < end; i += cols) s += x[i];
    out[c] = s;
  }
}

/** Kernel name of the fused ReLU gradient (LayerLoom's own). */
export const ReluGrad = 'LayerLoomReluGrad';

/**
 * dy · step(x) with tfjs's step (1 where x > 0, NaN where x is NaN, else 0), float32. The JS loop is the
 * reference the SIMD kernel is tested against; training routes here only when the SIMD kernel runs.
 */
export function reluGrad(args: Args): TensorInfo {
  const { backend: b } = args;
  const { dy, x } = args.inputs;
  const out = b.makeOutput(x.shape, 'float32');
  const n = tfc.util.sizeFromShape(x.shape);
  const simd = simdRuntime(b);
  if (simd) {
    simd.kernels.relu_grad(simd.offset(dy), simd.offset(x), simd.offset(out), n);
    return out;
  }
  const dyv = heapF32(b, dy), xv = heapF32(b, x), ov = heapF32(b, out);
  for (let i = 0; i < n; i++) {
    const v = xv[i];
    ov[i] = dyv[i] * (v !== v ? v : v > 0 ? 1 : 0);
  }
  return out;
}

let reluGradInstalled = false;

/**
 * Route the Relu gradient to the fused kernel on the wasm backend for float32 while the SIMD kernels are loaded
 * (idempotent); tfjs's gradient elsewhere.
 */
export function installReluGrad(): void {
  if (reluGradInstalled) return;
  reluGradInstalled = true;
  const original = tfc.getGradient(tfc.Relu);
  if (!original) return;
  tfc.registerGradient({
    ...original,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const d = dy as tfc.Tensor;
      // Without the SIMD kernels tfjs's three shipped kernels beat a JS loop (18 against ~2 ms on 128×26×26×32).
      if (tfc.getBackend() !== 'wasm' || x.dtype !== 'float32' || d.dtype !== 'float32' || !tfc.util.arraysEqual(d.shape, x.shape)
        || !simdRuntime(tfc.backend() as unknown as WasmBackendLike)) {
        return original.gradFunc(dy, saved, attrs);
      }
      return { x: () => tfc.engine().runKernel(ReluGrad, { dy: d, x } as unknown as tfc.NamedTensorMap) as tfc.Tensor };
    },
  });
}

/** Kernel configs replacing the shipped Identity, Cast and Sum, and the fused ReLU gradient. */
export const cheapKernels: KernelConfig[] = [
  { kernelName: ReluGrad, backendName: 'wasm', kernelFunc: reluGrad as unknown as tfc.KernelFunc },
  { kernelName: tfc.Identity, backendName: 'wasm', kernelFunc: identity as unknown as tfc.KernelFunc },
  { kernelName: tfc.Cast, backendName: 'wasm', kernelFunc: cast as unknown as tfc.KernelFunc },
  { kernelName: tfc.Sum, backendName: 'wasm', kernelFunc: sum as unknown as tfc.KernelFunc },
];
