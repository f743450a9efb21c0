/**
 * Conv2D gradients for the wasm backend, composed from its fast XNNPACK
 * forward convolution:
 * - input gradient: convolve the stride-dilated, padded `dy` with the
 *   180°-rotated filter (in/out channels swapped), stride 1;
 * - filter gradient: swap the batch and channel axes of `x` and `dy` and
 *   convolve them, with the forward stride and dilation exchanged.
 * Both handle any stride, padding (valid, same, explicit) and dilation.
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { free, heapF32, pad, reshape, run, slice, transpose, type WasmBackendLike } from './kernel-utils';

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
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const effH = (info.filterHeight - 1) * dh + 1;
  const effW = (info.filterWidth - 1) * dw + 1;
  const dyD = dilateSpatial(b, dy, sh, sw);
  const padT = effH - 1 - info.padInfo.top;
  const padL = effW - 1 - info.padInfo.left;
  const padB = info.inHeight - dyD.shape[1] - padT + effH - 1;
  const padR = info.inWidth - dyD.shape[2] - padL + effW - 1;
  const flipped = run('Reverse', b, { x: filter }, { dims: [0, 1] });
  const rotated = transpose(b, flipped, [0, 1, 3, 2]);
  const out = convExplicit(b, dyD, rotated, [1, 1], [dh, dw], [[padT, padB], [padL, padR]]);
  free(b, dyD, flipped, rotated);
  return out;
}

/** dW of a Conv2D, as a forward convolution of x with dy (batch and channels swapped). */
export function conv2dBackpropFilter(args: { inputs: Record<string, TensorInfo>; backend: WasmBackendLike; attrs: NamedAttrMap }): TensorInfo {
  const { backend: b } = args;
  const { x, dy } = args.inputs;
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  assertNhwc('Conv2DBackpropFilter', attrs);
  const info = convInfo(x.shape, attrs.filterShape, attrs);
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
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
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const ci = x.shape[3], co = dy.shape[3], taps = kh * kw * ci;
  const rows = dy.shape[0] * dy.shape[1] * dy.shape[2];
  const { top, bottom, left, right } = info.padInfo;
  const patches = convExplicit(b, x, patchFilter(b, kh, kw, ci), [sh, sw], [dh, dw], [[top, bottom], [left, right]]);
  const dy2 = reshape(b, dy, [rows, co]);
  const dyT = transpose(b, dy2, [1, 0]);
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
