/**
 * MaxPoolGrad for the wasm backend as one pass over the heap: for each output
 * window find the arg-max per channel (ties: the first maximum in scan order,
 * as the `cpu` backend does) and add dy there. Channels are the inner loop,
 * so memory is read contiguously. LayerLoom's SIMD kernels (simd/pooling.c) do the same, four channels
 * per step, where they load; the JS loops below are the fallback.
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { heapF32, type WasmBackendLike } from './kernel-utils';
import { simdRuntime } from './simd/loader';

type Args = { inputs: Record<string, TensorInfo>; backend: WasmBackendLike; attrs: NamedAttrMap };
type Pair = [number, number];

/** Gradient of MaxPool with respect to its input (NHWC, any window, stride and padding). */
export function maxPoolGrad(args: Args): TensorInfo {
  const { backend: b } = args;
  const { dy, input } = args.inputs;
  const a = args.attrs as unknown as {
    filterSize: number | Pair; strides: number | Pair;
    pad: Parameters<typeof tfc.backend_util.computePool2DInfo>[4]; dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const ci = tfc.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode,
  );
  const [n, h, w, c] = input.shape;
  const out = b.makeOutput(input.shape, 'float32');
  const top = ci.padInfo.top, left = ci.padInfo.left;
  const simd = simdRuntime(b);
  if (simd) {
    const o = simd.offset;
    if (fhIs2x2(ci) && top === 0 && left === 0 && 2 * ci.outHeight <= h && 2 * ci.outWidth <= w) {
      simd.kernels.max_pool_grad_2x2(o(input), o(dy), o(out), n, h, w, c, ci.outHeight, ci.outWidth);
    } else {
      simd.kernels.max_pool_grad(o(input), o(dy), o(out), n, h, w, c, ci.outHeight, ci.outWidth,
        ci.filterHeight, ci.filterWidth, ci.strideHeight, ci.strideWidth, top, left);
    }
    return out;
  }
  const dx = heapF32(b, out);
  const xv = heapF32(b, input), dyv = heapF32(b, dy);
  if (fhIs2x2(ci) && top === 0 && left === 0 && 2 * ci.outHeight <= h && 2 * ci.outWidth <= w) {
    // Windows don't overlap: every covered element is written once; only uncovered edges need zeros.
    if (2 * ci.outHeight !== h || 2 * ci.outWidth !== w) dx.fill(0);
    pool2x2Grad(xv, dyv, dx, n, h, w, c, ci.outHeight, ci.outWidth);
    return out;
  }
  dx.fill(0);
  const best = new Float32Array(c);
  const arg = new Int32Array(c);
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = ci;
  const { filterHeight: fh, filterWidth: fw } = ci;
  for (let bi = 0; bi < n; bi++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - top;
      const yStart = Math.max(0, y0), yEnd = Math.min(h, y0 + fh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - left;
        const xStart = Math.max(0, x0), xEnd = Math.min(w, x0 + fw);
        best.fill(-Infinity);
        arg.fill(-1);
        for (let y = yStart; y < yEnd; y++) {
          for (let x = xStart; x < xEnd; x++) {
            const base = ((bi * h + y) * w + x) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = xv[base + ch];
              if (v > best[ch]) { best[ch] = v; arg[ch] = base + ch; }
            }
          }
        }
        const dyBase = ((bi * oh + oy) * ow + ox) * c;
        for (let ch = 0; ch < c; ch++) if (arg[ch] >= 0) dx[arg[ch]] += dyv[dyBase + ch];
      }
    }
  }
  return out;
}

function fhIs2x2(ci: { filterHeight: number; filterWidth: number; strideHeight: number; strideWidth: number }): boolean {
  return ci.filterHeight === 2 && ci.filterWidth === 2 && ci.strideHeight === 2 && ci.strideWidth === 2;
}

/**
 * The common 2×2 / stride 2 case with every window inside the input, unrolled: four reads and four
 * writes per channel (windows are disjoint, so no accumulation), first maximum wins (same tie rule as above).
 */
function pool2x2Grad(
  xv: Float32Array, dyv: Float32Array, dx: Float32Array, n: number, h: number, w: number, c: number, oh: number, ow: number,
): void {
  const row = w * c;
  for (let bi = 0; bi < n; bi++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const p0 = ((bi * h + 2 * oy) * w + 2 * ox) * c;
        const d0 = ((bi * oh + oy) * ow + ox) * c;
        for (let ch = 0; ch < c; ch++) {
          const a = p0 + ch, b1 = a + c, b2 = a + row, b3 = b2 + c;
          const v0 = xv[a], v1 = xv[b1], v2 = xv[b2], v3 = xv[b3];
          // Branch-free tournament (V8 turns these comparisons into flags, not jumps; random argmax
          // positions made the branchy version mispredict ~3× per element): pairs, then the winners.
          const i01 = a + c * +(v1 > v0);
          const i23 = b2 + c * +(v3 > v2);
          const at = i01 + (i23 - i01) * +(xv[i23] > xv[i01]);
          dx[a] = 0; dx[b1] = 0; dx[b2] = 0; dx[b3] = 0;
          const s = v0 + v1 + v2 + v3;
          if (s !== s || xv[at] === -Infinity) {
            // NaN or all -Infinity: scan in order, skipping NaN; no gradient when nothing beats -Infinity.
            let m = -Infinity, first = -1;
            for (const q of [a, b1, b2, b3]) if (xv[q] > m) { m = xv[q]; first = q; }
            if (first >= 0) dx[first] = dyv[d0 + ch];
          } else {
            dx[at] = dyv[d0 + ch];
          }
        }
      }
    }
  }
}

/** Kernel config replacing the shipped (naive) wasm MaxPoolGrad. */
export const maxPoolGradKernel: KernelConfig = {
  kernelName: tfc.MaxPoolGrad, backendName: 'wasm', kernelFunc: maxPoolGrad as unknown as tfc.KernelFunc,
};
