/**
 * Convolutions on tiny maps as one dense matrix product. On a 2×2 map a 3×3
 * 'same' convolution reads 4 of its 9 taps per output, yet XNNPACK (and the
 * dead-tap crop, since every tap is live for some output) multiplies all 9.
 * Written as a matrix D[(ih, iw, ci), (oh, ow, co)] = W[kh, kw, ci, co] over
 * the pairs of positions a tap connects, the convolution is y = x·D with
 * x as [N, H·W·Ci]: H·W·OH·OW·Ci·Co multiply-adds instead of
 * OH·OW·KH·KW·Ci·Co (2.25× fewer on ResNet-18's 2×2 stage). Gradients:
 * dx = dy·Dᵀ, and dW[tap] = Σ over that tap's pairs of blocks of xᵀ·dy.
 * Used only where it wins (`denseWins`).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import * as tfc from '@tensorflow/tfjs-core';
import { free, heapF32, reshape, run, transpose, type WasmBackendLike } from './kernel-utils';

type Info = ReturnType<typeof tfc.backend_util.computeConv2DInfo>;

/** One tap connecting input position `pin` (ih·W + iw) to output position `pout` (oh·OW + ow). */
interface Pair { pin: number; pout: number; tap: number }

/** Every (input, output, tap) triple of the convolution that reads real input. */
function pairsOf(info: Info): Pair[] {
  const out: Pair[] = [];
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW } = info;
  for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) for (let kh = 0; kh < KH; kh++) {
    const ih = oh * info.strideHeight + kh * info.dilationHeight - info.padInfo.top;
    if (ih < 0 || ih >= H) continue;
    for (let kw = 0; kw < KW; kw++) {
      const iw = ow * info.strideWidth + kw * info.dilationWidth - info.padInfo.left;
      if (iw >= 0 && iw < W) out.push({ pin: ih * W + iw, pout: oh * OW + ow, tap: kh * KW + kw });
    }
  }
  return out;
}

/** Largest dense matrix built (elements): 16 MB. */
const MAX_DENSE = 4 << 20;

/**
 * Whether the dense product does less work than the convolution: the dense matrix has H·W·OH·OW blocks
 * against the convolution's OH·OW·(live taps); require clearly fewer (the bigger matrix is packed each call).
 */
export function denseWins(info: Info): boolean {
  const pin = info.inHeight * info.inWidth, pout = info.outHeight * info.outWidth;
  if (pin * pout * info.inChannels * info.outChannels > MAX_DENSE) return false;
  const blocks = pin * pout;
  const convBlocks = pout * info.filterHeight * info.filterWidth;
  return blocks * 1.5 <= convBlocks && pairsOf(info).length > 0;
}

/** D [1, 1, H·W·Ci, OH·OW·Co] from the filter [KH, KW, Ci, Co] (zeros where no tap connects). */
function denseFilter(b: WasmBackendLike, filter: TensorInfo, info: Info): TensorInfo {
  const ci = info.inChannels, co = info.outChannels, cols = info.outHeight * info.outWidth * co;
  const d = b.makeOutput([1, 1, info.inHeight * info.inWidth * ci, cols], 'float32');
  const dv = heapF32(b, d), wv = heapF32(b, filter);
  dv.fill(0);
  for (const { pin, pout, tap } of pairsOf(info)) {
    for (let c = 0; c < ci; c++) {
      const from = (tap * ci + c) * co;
      dv.set(wv.subarray(from, from + co), (pin * ci + c) * cols + pout * co);
    }
  }
  return d;
}

/** Dᵀ [1, 1, OH·OW·Co, H·W·Ci]: each block is a tap's Ci×Co block transposed. */
function denseFilterT(b: WasmBackendLike, filter: TensorInfo, info: Info): TensorInfo {
  const ci = info.inChannels, co = info.outChannels, cols = info.inHeight * info.inWidth * ci;
  const d = b.makeOutput([1, 1, info.outHeight * info.outWidth * co, cols], 'float32');
  const dv = heapF32(b, d), wv = heapF32(b, filter);
  dv.fill(0);
  const B = 32; // transpose in 32×32 tiles: both sides stay in cache
  for (const { pin, pout, tap } of pairsOf(info)) {
    const w0 = tap * ci * co, d0 = pout * co * cols + pin * ci;
    for (let o0 = 0; o0 < co; o0 += B) {
      const o1 = Math.min(co, o0 + B);
      for (let c0 = 0; c0 < ci; c0 += B) {
        const c1 = Math.min(ci, c0 + B);
        for (let o = o0; o < o1; o++) {
          const row = d0 + o * cols;
          for (let c = c0; c < c1; c++) dv[row + c] = wv[w0 + c * co + o];
        }
      }
    }
  }
  return d;
}

/** A 1×1 convolution of `x` [N, 1, 1, K] with `filter` [1, 1, K, M] (plus bias / activation attrs). */
function product(b: WasmBackendLike, name: string, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>): TensorInfo {
  return run(name, b, inputs, { ...attrs, strides: [1, 1], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC', dimRoundingMode: undefined });
}

/**
 * Forward (Conv2D or FusedConv2D: bias and activation as the shipped kernel applies them) as x·D.
 * `inputs` are the kernel's; PReLU weights are not supported here (the caller keeps the shipped path).
 */
export function denseForward(b: WasmBackendLike, name: string, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>, info: Info): TensorInfo {
  const { x, filter, bias } = inputs;
  const n = x.shape[0], pout = info.outHeight * info.outWidth, co = info.outChannels;
  const x4 = reshape(b, x, [n, 1, 1, info.inHeight * info.inWidth * info.inChannels]);
  const d = denseFilter(b, filter, info);
  let tiled: TensorInfo | null = null;
  if (bias) {
    // The bias per output position: [OH·OW·Co] (a scalar or [Co] bias repeated).
    tiled = b.makeOutput([pout * co], 'float32');
    const tv = heapF32(b, tiled), bv = heapF32(b, bias);
    for (let i = 0; i < pout * co; i++) tv[i] = bv.length === 1 ? bv[0] : bv[i % co];
  }
  const y = product(b, name, tiled ? { x: x4, filter: d, bias: tiled } : { x: x4, filter: d }, attrs);
  const out = reshape(b, y, [n, info.outHeight, info.outWidth, co]);
  free(b, x4, d, tiled, y);
  return out;
}

/** dx = dy·Dᵀ. */
export function denseInputGrad(b: WasmBackendLike, dy: TensorInfo, filter: TensorInfo, info: Info): TensorInfo {
  const n = dy.shape[0];
  const dy4 = reshape(b, dy, [n, 1, 1, info.outHeight * info.outWidth * info.outChannels]);
  const dt = denseFilterT(b, filter, info);
  const dx = product(b, 'Conv2D', { x: dy4, filter: dt }, {});
  const out = reshape(b, dx, [n, info.inHeight, info.inWidth, info.inChannels]);
  free(b, dy4, dt, dx);
  return out;
}

/** dW[tap] = Σ over the tap's pairs of the (pin, pout) block of G = xᵀ·dy ([H·W·Ci, OH·OW·Co]). */
export function denseFilterGrad(b: WasmBackendLike, x: TensorInfo, dy: TensorInfo, info: Info): TensorInfo {
  const n = x.shape[0], ci = info.inChannels, co = info.outChannels;
  const rows = info.inHeight * info.inWidth * ci, cols = info.outHeight * info.outWidth * co;
  const x2 = reshape(b, x, [n, rows]);
  const xT = transpose(b, x2, [1, 0]);
  const a4 = reshape(b, xT, [1, 1, rows, n]);
  const f4 = reshape(b, dy, [1, 1, n, cols]);
  const g = product(b, 'Conv2D', { x: a4, filter: f4 }, {}); // [1, 1, rows, cols]
  const out = b.makeOutput([info.filterHeight, info.filterWidth, ci, co], 'float32');
  const ov = heapF32(b, out), gv = heapF32(b, g);
  ov.fill(0);
  for (const { pin, pout, tap } of pairsOf(info)) {
    for (let c = 0; c < ci; c++) {
      const from = (pin * ci + c) * cols + pout * co, to = (tap * ci + c) * co;
      for (let o = 0; o < co; o++) ov[to + o] += gv[from + o];
    }
  }
  free(b, x2, xT, a4, f4, g);
  return out;
}
