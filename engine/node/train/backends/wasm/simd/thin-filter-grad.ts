/**
 * Conv2D's filter gradient for thin inputs (a first layer, KH·KW·Ci ≤ 32) as LayerLoom's SIMD kernel
 * (`conv_filter_grad_thin` in layout.c): one pass over dy, which is all the data of this gradient (the
 * reference CNN's first layer: 2.8 M elements of dy against 100 k of x), instead of gathering the patches
 * with a convolution, transposing dy and packing it for XNNPACK's product.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../kernel-utils';
import { simdRuntime } from './loader';

/**
 * dW [KH, KW, Ci, Co] of the convolution `info` describes, or null when the SIMD kernel does not apply
 * (not loaded, or Co not a multiple of 16): the caller then runs its own path.
 */
export function thinFilterGradSimd(b: WasmBackendLike, x: TensorInfo, dy: TensorInfo, info: tfc.backend_util.Conv2DInfo): TensorInfo | null {
  const co = dy.shape[3], ci = x.shape[3];
  if (co % 16 !== 0) return null;
  const simd = simdRuntime(b);
  if (!simd) return null;
  const { filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow } = info;
  const taps = kh * kw * ci;
  const out = b.makeOutput([kh, kw, ci, co], 'float32');
  // Patches of one output row, float32 sums, an alignment float, float64 totals (see layout.c).
  simd.withScratch([4 * (ow * taps + taps * co + 1) + 8 * taps * co], ([scratch]) => simd.kernels.conv_filter_grad_thin(
    simd.offset(x), simd.offset(dy), simd.offset(out), x.shape[0], x.shape[1], x.shape[2], ci,
    oh, ow, co, kh, kw, info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
    info.padInfo.top, info.padInfo.left, scratch));
  return out;
}
