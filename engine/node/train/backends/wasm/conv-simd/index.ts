/**
 * The wasm path's own SIMD convolution kernels (`simd/conv-grads.c`, in the module simd/loader.ts loads):
 * forward convolution, input gradient and filter gradient as tap-by-tap implicit GEMMs, and Dense products as
 * 1×1 convolutions. The kernels read and write tensors on tfjs-backend-wasm's own memory
 * in place (heap offsets; scratch from tfjs's malloc). On the threaded build, calls of ≥ 4 M multiply-adds are split
 * over worker threads (`pool.ts`: images for the forward pass and the input gradient, input channels for the
 * filter gradient, rows for Dense products). Returns null where a kernel does not apply (channel counts
 * not multiples of 8 (or 4), NCHW, no WebAssembly SIMD, `LAYERLOOM_CONV_SIMD=0`), so the caller keeps its
 * XNNPACK-based path.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type * as tfc from '@tensorflow/tfjs-core';
import { heapF32, type WasmBackendLike } from '../kernel-utils';
import { liveTapRange } from '../live-taps';
import { convSimdRuntime, setConvSimdEnabled, type ConvKernels, type SimdRuntime } from '../simd/loader';
import { createPool, type Pool, type Share } from './pool';

type Info = ReturnType<typeof tfc.backend_util.computeConv2DInfo>;

/** The kernels bound to one backend's memory. */
interface Kernels {
  k: ConvKernels;
  /** The module on that memory (offsets, scratch, heap views). */
  rt: SimdRuntime;
  /** Worker threads for the threaded build (created at the first call big enough to split), null when none. */
  pool(): Pool | null;
}

let threads = 1;

/**
 * Threads the kernels may use (the wasm backend's XNNPACK thread count; index.ts sets it). They use them only on
 * the threaded build's shared memory; `LAYERLOOM_CONV_SIMD_THREADS` overrides it.
 */
export function setConvSimdThreads(n: number): void {
  const env = Number(process.env.LAYERLOOM_CONV_SIMD_THREADS);
  threads = Number.isInteger(env) && env >= 1 ? Math.min(env, 8) : Math.max(1, Math.min(8, n));
}
const byRuntime = new WeakMap<SimdRuntime, Kernels>();

/** The kernels on `b`'s memory, or null where they cannot load or are off (`LAYERLOOM_CONV_SIMD=0`). */
function kernels(b: WasmBackendLike): Kernels | null {
  const rt = convSimdRuntime(b);
  if (!rt) return null;
  let kr = byRuntime.get(rt);
  if (!kr) {
    let pool: Pool | null | undefined;
    kr = {
      k: rt.kernels, rt,
      pool: () => (rt.shared && threads > 1 ? (pool === undefined ? (pool = createPool(rt.module, rt.memory, threads)) : pool) : null),
    };
    byRuntime.set(rt, kr);
  }
  return kr;
}

/** Whether the SIMD convolution kernels are in use on `b` (`LAYERLOOM_CONV_SIMD=0` turns them off). */
export function convSimdAvailable(b: WasmBackendLike): boolean {
  return kernels(b) != null;
}

/** Threads a large kernel call is split over on `b` (1 on the single-threaded build or when the workers failed). */
export function convSimdThreads(b: WasmBackendLike): number {
  return kernels(b)?.pool()?.size ?? 1;
}

/** Turn the SIMD kernels off (the XNNPACK-based paths run instead) or back on; for A/B tests and benchmarks. */
export const setConvSimd = setConvSimdEnabled;

/** Scratch buffers on tfjs's heap for the duration of `fn` (float counts in, byte offsets out). */
function withScratch<T>(kr: Kernels, floats: number[], fn: (ptrs: number[]) => T): T {
  return kr.rt.withScratch(floats.map((n) => Math.max(16, 4 * n)), fn);
}

/** A fresh view of `n` floats at byte `ptr` of the backend's heap (fresh: the heap may have grown since the last). */
function f32(kr: Kernels, ptr: number, n: number): Float32Array {
  return kr.rt.f32(ptr, n);
}

const size = (t: TensorInfo) => t.shape.reduce((p, d) => p * d, 1);

/** Multiply-adds below which a call stays on one thread (a dispatch costs tens of microseconds). */
const MIN_SPLIT_MACS = 4e6;

/** Up to `parts` contiguous non-empty ranges covering [0, n), each a multiple of `align` long (the last aside). */
function ranges(n: number, parts: number, align = 1): [number, number][] {
  const units = Math.ceil(n / align), per = Math.ceil(units / Math.max(1, Math.min(parts, units)));
  const out: [number, number][] = [];
  for (let u = 0; u < units; u += per) out.push([u * align, Math.min(n, (u + per) * align)]);
  return out;
}

/** How many shares a call of `macs` multiply-adds gets (1: run it here). */
function sharesFor(kr: Kernels, macs: number): number {
  if (macs < MIN_SPLIT_MACS) return 1;
  const pool = kr.pool();
  return pool ? pool.size : 1;
}

/** Run the shares: on the pool's threads when there is more than one, else here. */
function runShares(kr: Kernels, shares: Share[]): void {
  const here = (s: Share) => (kr.k[s.fn] as (...a: number[]) => void)(...s.args);
  const pool = shares.length > 1 ? kr.pool() : null;
  if (pool) pool.run(shares, here);
  else shares.forEach(here);
}

/**
 * A forward-form or input-gradient-form call split over images: `a` and `c` advance by one image of A and of C
 * (bytes) per image; dims[0] is the batch.
 */
function imageShares(
  fn: 'conv_forward' | 'conv_input_grad', parts: number, a: number, bOff: number, c: number, dims: number[], aImage: number, cImage: number,
): Share[] {
  return ranges(dims[0], parts).map(([lo, hi]) => ({
    fn, args: [a + lo * aImage, bOff, c + lo * cImage, hi - lo, ...dims.slice(1)],
  }));
}

function usable(info: Info): boolean {
  return info.dataFormat === 'channelsLast' && info.outHeight > 0 && info.outWidth > 0 && info.batchSize > 0;
}

/** The kernels' dimension arguments for the whole filter (the kernels skip taps that only meet padding themselves). */
function fullDims(info: Info): number[] {
  return [
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.dilationHeight,
    info.dilationWidth, info.padInfo.top, info.padInfo.left,
  ];
}

/**
 * The input gradient's view of a convolution: its dimension arguments with the filter cropped to the taps that read
 * real input for some output (ResNet-18's 1×1 maps read only the centre tap of a 3×3 filter: transposing the other
 * 8/9 of a 3×3×512×512 filter costs more than the product). Null when no tap is live.
 */
interface Geometry { dims: number[]; h0: number; w0: number; kh: number; kw: number; full: boolean }

function geometry(info: Info): Geometry | null {
  if (info.dataFormat !== 'channelsLast' || info.outHeight <= 0 || info.outWidth <= 0 || info.batchSize <= 0) return null;
  const lh = liveTapRange({
    inLen: info.inHeight, k: info.filterHeight, stride: info.strideHeight, dilation: info.dilationHeight,
    padBefore: info.padInfo.top, outLen: info.outHeight,
  });
  const lw = liveTapRange({
    inLen: info.inWidth, k: info.filterWidth, stride: info.strideWidth, dilation: info.dilationWidth,
    padBefore: info.padInfo.left, outLen: info.outWidth,
  });
  if (!lh || !lw) return null;
  const kh = lh[1] - lh[0] + 1, kw = lw[1] - lw[0] + 1;
  return {
    h0: lh[0], w0: lw[0], kh, kw, full: kh === info.filterHeight && kw === info.filterWidth,
    dims: [
      info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels,
      kh, kw, info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
      info.padInfo.top - lh[0] * info.dilationHeight, info.padInfo.left - lw[0] * info.dilationWidth,
    ],
  };
}

/** Offsets (in floats) of the live taps' rows: row j of the cropped filter is `run` floats at `from(j)` in the full one. */
function tapRows(info: Info, g: Geometry) {
  const block = info.inChannels * info.outChannels;
  return { run: g.kw * block, from: (j: number) => ((g.h0 + j) * info.filterWidth + g.w0) * block };
}

/** Copy the live taps of a [KH, KW, Ci, Co] filter into `dst` (the cropped [kh, kw, Ci, Co] filter). */
function copyLiveTaps(src: Float32Array, dst: Float32Array, info: Info, g: Geometry): void {
  const { run, from } = tapRows(info, g);
  for (let j = 0; j < g.kh; j++) dst.set(src.subarray(from(j), from(j) + run), j * run);
}

/**
 * Run `fn` with the byte offset of the filter the kernels read: the tensor itself when every tap is live, else its
 * live taps copied to scratch.
 */
function withLiveFilter<T>(b: WasmBackendLike, kr: Kernels, filter: TensorInfo, info: Info, g: Geometry, fn: (w: number) => T): T {
  if (g.full) return fn(kr.rt.offset(filter));
  const n = g.kh * g.kw * info.inChannels * info.outChannels;
  return withScratch(kr, [n], ([w]) => {
    copyLiveTaps(heapF32(b, filter), f32(kr, w, n), info, g);
    return fn(w);
  });
}

/** Activations `forward` applies (0: none). */
const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2 };

/** Fill y [rows, co] with the bias repeated (doubling copies), or zeros. */
function initOutput(y: Float32Array, bias: Float32Array | null, co: number): void {
  if (!bias) {
    y.fill(0);
    return;
  }
  y.set(bias);
  for (let filled = co; filled < y.length; filled = Math.min(y.length, filled * 2)) {
    y.copyWithin(filled, 0, Math.min(filled, y.length - filled));
  }
}

/**
 * Forward convolution y = act(conv(x, filter) + bias), or null where it does not apply: Co % 8 ≠ 0, fewer than
 * 8 input channels (a first layer: XNNPACK's packed path suits it better), or another activation.
 */
export function simdConvForward(
  b: WasmBackendLike, x: TensorInfo, filter: TensorInfo, info: Info, bias?: TensorInfo | null, activation = 'linear',
): TensorInfo | null {
  const act = ACTIVATIONS[activation];
  if (act === undefined || info.outChannels % 8 !== 0 || info.inChannels < 8) return null;
  if (bias && (size(bias) !== info.outChannels || bias.dtype !== 'float32')) return null;
  const kr = usable(info) ? kernels(b) : null;
  if (!kr) return null;
  const out = b.makeOutput([info.batchSize, info.outHeight, info.outWidth, info.outChannels], 'float32');
  initOutput(heapF32(b, out), bias ? heapF32(b, bias) : null, info.outChannels);
  const ya = kr.rt.offset(out);
  const dims = fullDims(info);
  const parts = sharesFor(kr, info.batchSize * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * info.inChannels * info.outChannels);
  runShares(kr, imageShares('conv_forward', parts, kr.rt.offset(x), kr.rt.offset(filter), ya, dims,
    4 * info.inHeight * info.inWidth * info.inChannels, 4 * info.outHeight * info.outWidth * info.outChannels));
  if (act) kr.k.activate(ya, size(out), act);
  return out;
}

/** dx of a Conv2D, or null where it does not apply (Ci % 8 ≠ 0). */
export function simdConvInputGrad(b: WasmBackendLike, dy: TensorInfo, filter: TensorInfo, info: Info): TensorInfo | null {
  if (info.inChannels % 8 !== 0) return null;
  const g = geometry(info);
  const kr = g && kernels(b);
  if (!g || !kr) return null;
  const out = b.makeOutput([info.batchSize, info.inHeight, info.inWidth, info.inChannels], 'float32');
  heapF32(b, out).fill(0);
  const wSize = g.kh * g.kw * info.inChannels * info.outChannels;
  withLiveFilter(b, kr, filter, info, g, (wa) => withScratch(kr, [wSize], ([ta]) => {
    kr.k.transpose_taps(wa, ta, g.kh * g.kw, info.inChannels, info.outChannels);
    const parts = sharesFor(kr, info.batchSize * info.outHeight * info.outWidth * g.kh * g.kw * info.inChannels * info.outChannels);
    runShares(kr, imageShares('conv_input_grad', parts, kr.rt.offset(dy), ta, kr.rt.offset(out), g.dims,
      4 * info.outHeight * info.outWidth * info.outChannels, 4 * info.inHeight * info.inWidth * info.inChannels));
  }));
  return out;
}

/**
 * dW of a Conv2D, or null where it does not apply: Co % 8 ≠ 0, or Ci % 4 ≠ 0 unless the filter rows path
 * (`filterGradRows`) takes it.
 */
export function simdConvFilterGrad(b: WasmBackendLike, x: TensorInfo, dy: TensorInfo, info: Info): TensorInfo | null {
  if (info.outChannels % 8 !== 0) return null;
  const kr = usable(info) ? kernels(b) : null;
  if (!kr) return null;
  if (info.inChannels % 4 !== 0) return filterGradRows(b, kr, x, dy, info);
  const out = b.makeOutput([info.filterHeight, info.filterWidth, info.inChannels, info.outChannels], 'float32');
  heapF32(b, out).fill(0); // dead taps (skipped by the kernel) get no gradient
  const args = [kr.rt.offset(x), kr.rt.offset(dy), kr.rt.offset(out), ...fullDims(info)];
  // Split over input channels (multiples of 4): each share writes its own rows of dW.
  const parts = sharesFor(kr, info.batchSize * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * info.inChannels * info.outChannels);
  runShares(kr, ranges(info.inChannels, parts, 4).map(([lo, hi]) => ({ fn: 'conv_filter_grad_part', args: [...args, lo, hi] })));
  return out;
}

/**
 * dW of a thin-input convolution (Ci % 4 ≠ 0, e.g. ResNet-18's 7×7×3 stem) by filter rows: x is copied with its
 * horizontal padding made real, so one filter row's KW taps read KW·Ci consecutive floats, and those are tiled 4 at a
 * time. Null for dilated widths, dead taps, and thin first layers with KH·KW·Ci ≤ 32 (the `simd/` first-layer
 * kernel's, which reads dy once).
 */
function filterGradRows(b: WasmBackendLike, kr: Kernels, x: TensorInfo, dy: TensorInfo, info: Info): TensorInfo | null {
  const g = geometry(info);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideWidth: sw } = info;
  const { left, right } = info.padInfo;
  const wp = w + left + right;
  if (!g || info.dilationWidth !== 1 || !g.full || kh * kw * ci <= 32 || (ow - 1) * sw + kw > wp) return null;
  const j = kw * ci, j4 = Math.ceil(j / 4) * 4;
  const xpSize = n * h * wp * ci;
  const out = b.makeOutput([kh, kw, ci, co], 'float32');
  withScratch(kr, [xpSize + 4, kh * j4 * co], ([xa, ra]) => {
    const xp = f32(kr, xa, xpSize + 4), src = heapF32(b, x);
    if (left || right) xp.fill(0);
    else xp.fill(0, xpSize);
    for (let row = 0; row < n * h; row++) xp.set(src.subarray(row * w * ci, (row + 1) * w * ci), (row * wp + left) * ci);
    f32(kr, ra, kh * j4 * co).fill(0);
    kr.k.conv_filter_grad_rows(xa, kr.rt.offset(dy), ra, n, h, wp, ci, oh, ow, co, kh, j4, info.strideHeight, sw, info.dilationHeight, info.padInfo.top);
    const dst = heapF32(b, out), rows = f32(kr, ra, kh * j4 * co);
    for (let t = 0; t < kh; t++) dst.set(rows.subarray(t * j4 * co, (t * j4 + j) * co), t * j * co);
  });
  return out;
}

/**
 * A matrix product through the same kernels as a 1×1 convolution over m (or k) positions: a·b is the forward
 * form (bias and linear/relu/relu6 fused), aᵀ·b the filter-gradient form, a·bᵀ the input-gradient form. Null
 * where it does not apply (both transposed, n % 8 ≠ 0, fewer than 8 along k for a·b, m % 4 ≠ 0 for aᵀ·b, a bias
 * or activation on a transposed form); a and b are the 2-D operands as stored.
 */
export function simdMatMul(
  b: WasmBackendLike, a: TensorInfo, bm: TensorInfo, m: number, k: number, n: number, transposeA: boolean,
  transposeB: boolean, bias?: TensorInfo | null, activation = 'linear',
): TensorInfo | null {
  const act = ACTIVATIONS[activation];
  if (act === undefined || n % 8 !== 0 || (transposeA && transposeB) || a.dtype !== 'float32' || bm.dtype !== 'float32') return null;
  if ((transposeA || transposeB) && (bias || act)) return null;
  if (transposeA ? m % 4 !== 0 : !transposeB && k < 8) return null;
  if (bias && (size(bias) !== n || bias.dtype !== 'float32')) return null;
  const kr = kernels(b);
  if (!kr) return null;
  // [N, H, W, Ci, OH, OW, Co, KH, KW, sh, sw, dh, dw, pt, pl] of a 1×1 convolution over `positions` positions.
  const conv = (positions: number, ci: number, co: number) => [1, 1, positions, ci, 1, positions, co, 1, 1, 1, 1, 1, 1, 0, 0];
  const out = b.makeOutput([m, n], 'float32');
  const aa = kr.rt.offset(a), ba = kr.rt.offset(bm), ca = kr.rt.offset(out);
  const parts = sharesFor(kr, m * k * n);
  // Rows of a·b (or a·bᵀ) are independent: a share takes a range of them as positions [lo, hi).
  const rowShares = (fn: 'conv_forward' | 'conv_input_grad', bOff: number, kk: number, nn: number, ci: number, co: number): Share[] =>
    ranges(m, parts).map(([lo, hi]) => ({ fn, args: [aa + 4 * lo * kk, bOff, ca + 4 * lo * nn, ...conv(hi - lo, ci, co)] }));
  if (transposeA) {
    heapF32(b, out).fill(0);
    // a [k, m] as x, b [k, n] as dy; shares take ranges of m (dW's input channels).
    runShares(kr, ranges(m, parts, 4).map(([lo, hi]) => ({ fn: 'conv_filter_grad_part', args: [aa, ba, ca, ...conv(k, m, n), lo, hi] })));
  } else if (transposeB) {
    heapF32(b, out).fill(0);
    withScratch(kr, [k * n], ([ta]) => {
      kr.k.transpose_taps(ba, ta, 1, n, k); // b [n, k] → [k, n]
      runShares(kr, rowShares('conv_input_grad', ta, k, n, n, k)); // a [m, k] as dy, out [m, n] as dx
    });
  } else {
    initOutput(heapF32(b, out), bias ? heapF32(b, bias) : null, n);
    runShares(kr, rowShares('conv_forward', ba, k, n, k, n));
    if (act) kr.k.activate(ca, m * n, act);
  }
  return out;
}
