/**
 * MaxPoolGrad for the wasm backend as one pass over the heap: for each output
 * window find the arg-max per channel (ties: the first maximum in scan order,
 * as the `cpu` backend does) and add dy there. Channels are the inner loop,
 * so memory is read contiguously.
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { heapF32, type WasmBackendLike } from './kernel-utils';

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
  const dx = heapF32(b, out);
  dx.fill(0);
  const xv = heapF32(b, input), dyv = heapF32(b, dy);
  const top = ci.padInfo.top, left = ci.padInfo.left;
  if (fhIs2x2(ci) && top === 0 && left === 0 && 2 * ci.outHeight <= h && 2 * ci.outWidth <= w) {
    pool2x2Grad(xv, dyv, dx, n, h, w, c, ci.outHeight, ci.outWidth);
    return out;
  }
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
 * The common 2×2 / stride 2 case with every window inside the input, unrolled: four reads per
 * channel, first maximum wins (same tie rule as above).
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
          const a = p0 + ch;
          let at = -1;
          let m = -Infinity;
          if (xv[a] > m) { m = xv[a]; at = a; }
          if (xv[a + c] > m) { m = xv[a + c]; at = a + c; }
          if (xv[a + row] > m) { m = xv[a + row]; at = a + row; }
          if (xv[a + row + c] > m) at = a + row + c;
          if (at >= 0) dx[at] += dyv[d0 + ch];
        }
      }
    }
  }
}

/** Kernel config replacing the shipped (naive) wasm MaxPoolGrad. */
export const maxPoolGradKernel: KernelConfig = {
  kernelName: tfc.MaxPoolGrad, backendName: 'wasm', kernelFunc: maxPoolGrad as unknown as tfc.KernelFunc,
};
