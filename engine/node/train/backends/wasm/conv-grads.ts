/**
 * Conv2D gradients for the wasm backend, composed from its fast XNNPACK
 * forward convolution:
 * - input gradient, stride 1: convolve the padded `dy` with the 180°-rotated
 *   filter (in/out channels swapped);
 * - input gradient, stride s > 1: the stride-phase (sub-pixel) decomposition —
 *   the input positions of one phase (i + pad ≡ φ mod s) only meet the taps
 *   k ≡ φ, so dx is s_h·s_w stride-1 convolutions of `dy` itself with those
 *   taps, interleaved. No zero-dilated `dy`, so no multiplications by zero;
 * - filter gradient: swap the batch and channel axes of `x` and `dy` and
 *   convolve them, with the forward stride and dilation exchanged.
 * Every convolution drops the filter taps that only ever meet padding
 * (`live-taps.ts`); on tiny maps both gradients are dense products
 * (`dense-small-map.ts`). Any stride, padding (valid, same, explicit) and dilation.
 * Where the channel counts allow (multiples of 8, or 4), our own SIMD kernels
 * (`conv-simd/`) take both gradients instead; the paths above are the fallback.
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { thinFilterGradSimd } from './simd/thin-filter-grad';
import { free, heapF32, pad, reshape, run, slice, transpose, type WasmBackendLike } from './kernel-utils';
import { cropDeadTaps } from './live-taps';
import { denseFilterGrad, denseInputGrad, denseWins } from './dense-small-map';
import { simdConvFilterGrad, simdConvInputGrad } from './conv-simd/index';

type Pair = [number, number];
type PadAttr = Parameters<typeof tfc.backend_util.computeConv2DInfo>[4];

interface ConvAttrs {
  strides: number | Pair;
  pad: PadAttr;
  dilations?: number | Pair;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
}

function assertNhwc(kernel: string, attrs: ConvAttrs): void {
  if (attrs.dataFormat === 'NCHW') {
    throw new Error(`wasm ${kernel}: dataFormat 'NCHW' is not supported; use 'NHWC' (channelsLast)`);
  }
}

/**
 * Forward convolution with explicit, possibly negative padding (negative
 * means crop). `pads` is [[top, bottom], [left, right]].
 */
export function convExplicit(
  b: WasmBackendLike,
  x: TensorInfo,
  filter: TensorInfo,
  strides: Pair,
  dilations: Pair,
  pads: [Pair, Pair],
): TensorInfo {
  const crop = cropDeadTaps(x.shape[1], x.shape[2], filter.shape[0], filter.shape[1], strides, dilations, pads);
  if (crop === 'empty') return zerosOf(b, convOutShape(x.shape, filter.shape, strides, dilations, pads));
  if (crop) {
    const f = slice(b, filter, [crop.h[0], crop.w[0], 0, 0],
      [crop.h[1] - crop.h[0] + 1, crop.w[1] - crop.w[0] + 1, filter.shape[2], filter.shape[3]]);
    const out = convExplicit(b, x, f, strides, dilations, crop.pads);
    free(b, f);
    return out;
  }
  const [[t, bo], [l, r]] = pads;
  let input = x;
  let cropped: TensorInfo | null = null;
  if (t < 0 || bo < 0 || l < 0 || r < 0) {
    const ct = Math.max(0, -t), cb = Math.max(0, -bo), cl = Math.max(0, -l), cr = Math.max(0, -r);
    cropped = slice(b, x, [0, ct, cl, 0], [x.shape[0], x.shape[1] - ct - cb, x.shape[2] - cl - cr, x.shape[3]]);
    input = cropped;
  }
  const explicit = [[0, 0], [Math.max(0, t), Math.max(0, bo)], [Math.max(0, l), Math.max(0, r)], [0, 0]];
  const out = run('Conv2D', b, { x: input, filter }, {
    strides, dilations, pad: explicit, dataFormat: 'NHWC', dimRoundingMode: undefined,
  });
  free(b, cropped);
  return out;
}

/** NHWC output shape of a convolution with explicit padding. */
function convOutShape(xShape: number[], fShape: number[], strides: Pair, dilations: Pair, pads: [Pair, Pair]): number[] {
  const len = (i: number, k: number, s: number, d: number, p: Pair) => Math.floor((i + p[0] + p[1] - (k - 1) * d - 1) / s) + 1;
  return [xShape[0], len(xShape[1], fShape[0], strides[0], dilations[0], pads[0]), len(xShape[2], fShape[1], strides[1], dilations[1], pads[1]), fShape[3]];
}

/** A float32 tensor of zeros. */
function zerosOf(b: WasmBackendLike, shape: number[]): TensorInfo {
  const out = b.makeOutput(shape, 'float32');
  heapF32(b, out).fill(0);
  return out;
}

/** Insert `s-1` zeros after every row/column of an NHWC tensor (trailing zeros included). */
function dilateSpatial(b: WasmBackendLike, x: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return reshape(b, x, x.shape);
  const [n, h, w, c] = x.shape;
  const x6 = reshape(b, x, [n, h, 1, w, 1, c]);
  const padded = pad(b, x6, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  const out = reshape(b, padded, [n, h * sh, w * sw, c]);
  free(b, x6, padded);
  return out;
}

function convInfo(xShape: number[], filterShape: number[], attrs: ConvAttrs, depthwise = false) {
  return tfc.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode, depthwise,
  );
}

/** dx of a Conv2D, as a forward convolution. */
export function conv2dBackpropInput(args: { inputs: Record<string, TensorInfo>; backend: WasmBackendLike; attrs: NamedAttrMap }): TensorInfo {
  const { backend: b } = args;
  const { dy, filter } = args.inputs;
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  assertNhwc('Conv2DBackpropInput', attrs);
  const info = convInfo(attrs.inputShape, filter.shape, attrs);
  const simd = simdConvInputGrad(b, dy, filter, info);
  if (simd) return simd;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  if (denseWins(info)) return denseInputGrad(b, dy, filter, info);
  if ((sh > 1 || sw > 1) && dh === 1 && dw === 1) return stridedInputGrad(b, dy, filter, info);
  const effH = (info.filterHeight - 1) * dh + 1;
  const effW = (info.filterWidth - 1) * dw + 1;
  const dyD = dilateSpatial(b, dy, sh, sw);
  const padT = effH - 1 - info.padInfo.top;
  const padL = effW - 1 - info.padInfo.left;
  const padB = info.inHeight - dyD.shape[1] - padT + effH - 1;
  const padR = info.inWidth - dyD.shape[2] - padL + effW - 1;
  // The rotated filter's tap r' is the forward tap K−1−r'; build only the taps that meet real dy.
  const kh = info.filterHeight, kw = info.filterWidth;
  let pads: [Pair, Pair] = [[padT, padB], [padL, padR]];
  let rows = range(0, kh - 1), cols = range(0, kw - 1);
  const crop = cropDeadTaps(dyD.shape[1], dyD.shape[2], kh, kw, [1, 1], [dh, dw], pads);
  if (crop === 'empty') {
    free(b, dyD);
    return zerosOf(b, [dy.shape[0], info.inHeight, info.inWidth, info.inChannels]);
  }
  if (crop) {
    pads = crop.pads;
    rows = range(crop.h[0], crop.h[1]);
    cols = range(crop.w[0], crop.w[1]);
  }
  const rotated = gatherTransposedTaps(b, filter, rows.map((r) => kh - 1 - r), cols.map((c) => kw - 1 - c));
  const out = convExplicit(b, dyD, rotated, [1, 1], [dh, dw], pads);
  free(b, dyD, rotated);
  return out;
}

/** [lo, lo+1, …, hi]. */
function range(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let v = lo; v <= hi; v++) out.push(v);
  return out;
}

/**
 * A filter [rows, cols, Co, Ci] of the taps (rows[j], cols[l]) of `filter` [KH, KW, Ci, Co], each tap's
 * Ci×Co block transposed: what the input gradient convolves `dy` with. One blocked pass in JS; the shipped
 * Reverse kernel alone takes ~140 ns per element on a 3×3×512×512 filter.
 */
function gatherTransposedTaps(b: WasmBackendLike, filter: TensorInfo, rows: number[], cols: number[]): TensorInfo {
  const [, kw, ci, co] = filter.shape;
  const out = b.makeOutput([rows.length, cols.length, co, ci], 'float32');
  const src = heapF32(b, filter), dst = heapF32(b, out);
  const block = ci * co, B = 32;
  for (let j = 0; j < rows.length; j++) {
    for (let l = 0; l < cols.length; l++) {
      const s0 = (rows[j] * kw + cols[l]) * block, d0 = (j * cols.length + l) * block;
      for (let i0 = 0; i0 < ci; i0 += B) {
        const i1 = Math.min(ci, i0 + B);
        for (let o0 = 0; o0 < co; o0 += B) {
          const o1 = Math.min(co, o0 + B);
          for (let i = i0; i < i1; i++) {
            const si = s0 + i * co;
            for (let o = o0; o < o1; o++) dst[d0 + o * ci + i] = src[si + o];
          }
        }
      }
    }
  }
  return out;
}

/** The taps of one stride phase along one axis, and where its outputs land in dx. */
interface Phase {
  /** Taps φ, φ+s, …: M of them. */
  m: number;
  /** First tap of the phase in the 180°-rotated filter (its taps there are first, first+s, …). */
  first: number;
  /** Padding of `dy` for the stride-1 convolution, [before, after] (negative crops). */
  pads: Pair;
  /** Outputs of the convolution (T) and the dx position of output 0; output u lands at start + u·s. */
  count: number;
  start: number;
}

/** Phase φ of an axis with input length `len`, kernel `k`, stride `s`, padding `p` before, `outLen` dy positions. */
function phaseOf(phi: number, len: number, k: number, s: number, p: number, outLen: number): Phase | null {
  const m = Math.ceil((k - phi) / s);
  // dx positions i = t·s + φ − p with t in [tMin, tMax] lie in [0, len).
  const tMin = Math.ceil((p - phi) / s), tMax = Math.floor((len - 1 + p - phi) / s);
  const count = tMax - tMin + 1;
  if (m <= 0 || count <= 0) return null;
  // dx[t] = Σ_j dy[t − (m−1) + j] · w[φ + (m−1−j)·s]: a stride-1 convolution, output u = t − tMin.
  const before = m - 1 - tMin;
  return { m, first: k - 1 - phi - (m - 1) * s, pads: [before, count - outLen - before + m - 1], count, start: tMin * s + phi - p };
}

/**
 * dx of a strided Conv2D (dilation 1) by stride phases: for each phase (φh, φw), convolve `dy` with the
 * phase's taps of the rotated filter, stride 1, and scatter the result to the dx positions of that phase.
 * Phases with no taps (a 1×1 stride-2 projection's odd positions) stay zero.
 */
function stridedInputGrad(
  b: WasmBackendLike, dy: TensorInfo, filter: TensorInfo, info: ReturnType<typeof convInfo>,
): TensorInfo {
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, inHeight: H, inWidth: W } = info;
  const [n, oh, ow] = dy.shape;
  const ci = info.inChannels;
  const out = zerosOf(b, [n, H, W, ci]);
  for (let ph = 0; ph < sh; ph++) {
    const py = phaseOf(ph, H, kh, sh, info.padInfo.top, oh);
    if (!py) continue;
    for (let pw = 0; pw < sw; pw++) {
      const px = phaseOf(pw, W, kw, sw, info.padInfo.left, ow);
      if (!px) continue;
      // The phase's taps of the rotated filter (first, first+s, …) are forward taps K−1−r'; gather the live ones.
      let pads: [Pair, Pair] = [py.pads, px.pads];
      let js = range(0, py.m - 1), ls = range(0, px.m - 1);
      const crop = cropDeadTaps(oh, ow, py.m, px.m, [1, 1], [1, 1], pads);
      if (crop === 'empty') continue;
      if (crop) {
        pads = crop.pads;
        js = range(crop.h[0], crop.h[1]);
        ls = range(crop.w[0], crop.w[1]);
      }
      const sub = gatherTransposedTaps(b, filter, js.map((j) => kh - 1 - (py.first + j * sh)), ls.map((l) => kw - 1 - (px.first + l * sw)));
      const part = convExplicit(b, dy, sub, [1, 1], [1, 1], pads); // [N, Th, Tw, Ci]
      scatterPhase(heapF32(b, part), heapF32(b, out), n, py, px, sh, sw, H, W, ci);
      free(b, sub, part);
    }
  }
  return out;
}

/** Copy a phase's [N, Th, Tw, C] result to dx[n, start_h + u·sh, start_w + v·sw, :]. */
function scatterPhase(
  src: Float32Array, dst: Float32Array, n: number, py: Phase, px: Phase, sh: number, sw: number, H: number, W: number, c: number,
): void {
  let q = 0;
  for (let b = 0; b < n; b++) {
    for (let u = 0; u < py.count; u++) {
      const row = (b * H + py.start + u * sh) * W;
      for (let v = 0; v < px.count; v++) {
        const at = (row + px.start + v * sw) * c;
        for (let k = 0; k < c; k++) dst[at + k] = src[q + k];
        q += c;
      }
    }
  }
}

/** dW of a Conv2D, as a forward convolution of x with dy (batch and channels swapped). */
export function conv2dBackpropFilter(args: { inputs: Record<string, TensorInfo>; backend: WasmBackendLike; attrs: NamedAttrMap }): TensorInfo {
  const { backend: b } = args;
  const { x, dy } = args.inputs;
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  assertNhwc('Conv2DBackpropFilter', attrs);
  const info = convInfo(x.shape, attrs.filterShape, attrs);
  const simd = simdConvFilterGrad(b, x, dy, info);
  if (simd) return simd;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  if (denseWins(info)) return denseFilterGrad(b, x, dy, info);
  const p0 = info.padInfo;
  const crop = cropDeadTaps(x.shape[1], x.shape[2], info.filterHeight, info.filterWidth, [sh, sw], [dh, dw],
    [[p0.top, p0.bottom], [p0.left, p0.right]], [info.outHeight, info.outWidth]);
  if (crop) {
    // Dead taps get no gradient: compute the live ones and pad with zeros.
    const [kh, kw, ci, co] = attrs.filterShape;
    if (crop === 'empty') return zerosOf(b, attrs.filterShape);
    const liveShape = [crop.h[1] - crop.h[0] + 1, crop.w[1] - crop.w[0] + 1, ci, co];
    const live = conv2dBackpropFilter({
      inputs: { x, dy }, backend: b,
      attrs: { ...args.attrs, filterShape: liveShape, pad: [[0, 0], ...crop.pads, [0, 0]], dimRoundingMode: undefined } as unknown as NamedAttrMap,
    });
    const out = pad(b, live, [[crop.h[0], kh - 1 - crop.h[1]], [crop.w[0], kw - 1 - crop.w[1]], [0, 0], [0, 0]]);
    free(b, live);
    return out;
  }
  const kh = info.filterHeight, kw = info.filterWidth, oh = info.outHeight, ow = info.outWidth;
  const padT = info.padInfo.top, padL = info.padInfo.left;
  const padB = (kh - 1) * dh + (oh - 1) * sh + 1 - info.inHeight - padT;
  const padR = (kw - 1) * dw + (ow - 1) * sw + 1 - info.inWidth - padL;
  const taps = kh * kw * x.shape[3];
  if (taps <= MAX_PATCH_TAPS && taps <= dy.shape[3]) return filterGradViaPatches(b, x, dy, info);
  const xT = transpose(b, x, [3, 1, 2, 0]); // [Ci, H, W, N]
  const dyT = transpose(b, dy, [1, 2, 0, 3]); // [OH, OW, N, Co] used as a filter
  const g = convExplicit(b, xT, dyT, [dh, dw], [sh, sw], [[padT, padB], [padL, padR]]); // [Ci, KH, KW, Co]
  const out = transpose(b, g, [1, 2, 0, 3]);
  free(b, xT, dyT, g);
  return out;
}

/**
 * Largest KH·KW·Ci for which the filter gradient goes through explicit patches: building them costs a
 * convolution with KH·KW·Ci output channels, cheap only for thin inputs (a network's first layer).
 */
const MAX_PATCH_TAPS = 32;

/** One-hot filters [KH, KW, Ci, KH·KW·Ci] per backend: convolving with one yields x's patches (im2col). */
const patchFilters = new WeakMap<object, Map<string, TensorInfo>>();

function patchFilter(b: WasmBackendLike, kh: number, kw: number, ci: number): TensorInfo {
  let byShape = patchFilters.get(b);
  if (!byShape) patchFilters.set(b, (byShape = new Map()));
  const key = `${kh}x${kw}x${ci}`;
  let f = byShape.get(key);
  if (!f) {
    const taps = kh * kw * ci;
    f = b.makeOutput([kh, kw, ci, taps], 'float32');
    const v = heapF32(b, f);
    v.fill(0);
    for (let j = 0; j < taps; j++) v[j * taps + j] = 1; // row (kh, kw, ci) = j holds a 1 in column j
    byShape.set(key, f);
  }
  return f;
}

/**
 * dW for thin inputs as one matrix product whose packed operand is small: dWᵀ[Co, KH·KW·Ci] =
 * dyᵀ[Co, P] · patches[P, KH·KW·Ci] (P = N·OH·OW). The other formulation packs all of dy as a
 * convolution filter every step, which XNNPACK does slowly (~5 ns per element).
 */
function filterGradViaPatches(
  b: WasmBackendLike, x: TensorInfo, dy: TensorInfo, info: ReturnType<typeof convInfo>,
): TensorInfo {
  const viaSimd = thinFilterGradSimd(b, x, dy, info); // LayerLoom's SIMD kernel reads dy once, where it applies
  if (viaSimd) return viaSimd;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const ci = x.shape[3], co = dy.shape[3], taps = kh * kw * ci;
  const rows = dy.shape[0] * dy.shape[1] * dy.shape[2];
  const { top, bottom, left, right } = info.padInfo;
  const patches = convExplicit(b, x, patchFilter(b, kh, kw, ci), [sh, sw], [dh, dw], [[top, bottom], [left, right]]);
  // dyᵀ as [N, OH·OW, Co] → [Co, N, OH·OW]: the same layout as the 2-D [P, Co] → [Co, P], but the shipped
  // kernel's 3-D path is several times faster on these shapes (alone: 2.5 against 9.6–15.6 ms for the
  // reference CNN's first layer; the whole filter gradient 21–26 → 17 ms there at load 9).
  const dy2 = reshape(b, dy, [dy.shape[0], dy.shape[1] * dy.shape[2], co]);
  const dyT = transpose(b, dy2, [2, 0, 1]);
  const a4 = reshape(b, dyT, [1, 1, co, rows]);
  const w4 = reshape(b, patches, [1, 1, rows, taps]);
  const gT = run('Conv2D', b, { x: a4, filter: w4 }, {
    strides: [1, 1], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC', dimRoundingMode: undefined,
  }); // [1, 1, Co, taps]
  const g2 = reshape(b, gT, [co, taps]);
  const g = transpose(b, g2, [1, 0]);
  const out = reshape(b, g, [kh, kw, ci, co]);
  free(b, patches, dy2, dyT, a4, w4, gT, g2, g);
  return out;
}

/** Kernel configs for both Conv2D gradients on the wasm backend. */
export const convGradKernels: KernelConfig[] = [
  { kernelName: tfc.Conv2DBackpropInput, backendName: 'wasm', kernelFunc: conv2dBackpropInput as unknown as tfc.KernelFunc },
  { kernelName: tfc.Conv2DBackpropFilter, backendName: 'wasm', kernelFunc: conv2dBackpropFilter as unknown as tfc.KernelFunc },
];
