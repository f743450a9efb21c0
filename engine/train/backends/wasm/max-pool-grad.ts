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
  const best = new Float32Array(c);
  const arg = new Int32Array(c);
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = ci;
  const { filterHeight: fh, filterWidth: fw } = ci;
  const top = ci.padInfo.top, left = ci.padInfo.left;
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

/** Kernel config replacing the shipped (naive) wasm MaxPoolGrad. */
export const maxPoolGradKernel: KernelConfig = {
  kernelName: tfc.MaxPoolGrad, backendName: 'wasm', kernelFunc: maxPoolGrad as unknown as tfc.KernelFunc,
};
