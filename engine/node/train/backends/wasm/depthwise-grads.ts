/**
 * Depthwise Conv2D gradients for the wasm backend, written as direct loops
 * over the wasm heap (depthwise work is memory-bound, so plain typed-array
 * loops are close to what a compiled kernel would do). Any stride, padding
 * and dilation; channel multiplier M >= 1.
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { heapF32, type WasmBackendLike } from './kernel-utils';

type Pair = [number, number];
interface DwAttrs {
  strides: number | Pair;
  dilations?: number | Pair;
  pad: Parameters<typeof tfc.backend_util.computeConv2DInfo>[4];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}
type Args = { inputs: Record<string, TensorInfo>; backend: WasmBackendLike; attrs: NamedAttrMap };

function info(xShape: number[], fShape: number[], a: DwAttrs) {
  return tfc.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], fShape as [number, number, number, number],
    a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true,
  );
}

/** dW of a depthwise convolution: dW[kh,kw,c,m] = Σ x[n, ih, iw, c] · dy[n, oh, ow, c·M+m]. */
export function depthwiseBackpropFilter(args: Args): TensorInfo {
  const { backend: b } = args;
  const { x, dy } = args.inputs;
  const a = args.attrs as unknown as DwAttrs & { filterShape: number[] };
  const ci = info(x.shape, a.filterShape, a);
  const [n, h, w, c] = x.shape;
  const [kh, kw, , m] = a.filterShape;
  const cm = c * m;
  const acc = new Float64Array(kh * kw * cm);
  const xv = heapF32(b, x), dyv = heapF32(b, dy);
  for (let bi = 0; bi < n; bi++) {
    for (let oy = 0; oy < ci.outHeight; oy++) {
      for (let ox = 0; ox < ci.outWidth; ox++) {
        const dyBase = ((bi * ci.outHeight + oy) * ci.outWidth + ox) * cm;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * ci.strideHeight - ci.padInfo.top + ky * ci.dilationHeight;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * ci.strideWidth - ci.padInfo.left + kx * ci.dilationWidth;
            if (ix < 0 || ix >= w) continue;
            const xBase = ((bi * h + iy) * w + ix) * c;
            const wBase = (ky * kw + kx) * cm;
            for (let ch = 0; ch < c; ch++) {
              const v = xv[xBase + ch];
              for (let q = 0; q < m; q++) acc[wBase + ch * m + q] += v * dyv[dyBase + ch * m + q];
            }
          }
        }
      }
    }
  }
  const out = b.makeOutput(a.filterShape, 'float32');
  heapF32(b, out).set(acc);
  return out;
}

/** dx of a depthwise convolution: scatter dy through the filter taps. */
export function depthwiseBackpropInput(args: Args): TensorInfo {
  const { backend: b } = args;
  const { dy, filter } = args.inputs;
  const a = args.attrs as unknown as DwAttrs & { inputShape: number[] };
  const ci = info(a.inputShape, filter.shape, a);
  const [n, h, w, c] = a.inputShape;
  const [kh, kw, , m] = filter.shape;
  const cm = c * m;
  const acc = new Float64Array(n * h * w * c);
  const fv = heapF32(b, filter), dyv = heapF32(b, dy);
  for (let bi = 0; bi < n; bi++) {
    for (let oy = 0; oy < ci.outHeight; oy++) {
      for (let ox = 0; ox < ci.outWidth; ox++) {
        const dyBase = ((bi * ci.outHeight + oy) * ci.outWidth + ox) * cm;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * ci.strideHeight - ci.padInfo.top + ky * ci.dilationHeight;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * ci.strideWidth - ci.padInfo.left + kx * ci.dilationWidth;
            if (ix < 0 || ix >= w) continue;
            const xBase = ((bi * h + iy) * w + ix) * c;
            const wBase = (ky * kw + kx) * cm;
            for (let ch = 0; ch < c; ch++) {
              let s = 0;
              for (let q = 0; q < m; q++) s += dyv[dyBase + ch * m + q] * fv[wBase + ch * m + q];
              acc[xBase + ch] += s;
            }
          }
        }
      }
    }
  }
  const out = b.makeOutput(a.inputShape, 'float32');
  heapF32(b, out).set(acc);
  return out;
}

/** Kernel configs for both depthwise gradients on the wasm backend. */
export const depthwiseGradKernels: KernelConfig[] = [
  { kernelName: tfc.DepthwiseConv2dNativeBackpropFilter, backendName: 'wasm', kernelFunc: depthwiseBackpropFilter as unknown as tfc.KernelFunc },
  { kernelName: tfc.DepthwiseConv2dNativeBackpropInput, backendName: 'wasm', kernelFunc: depthwiseBackpropInput as unknown as tfc.KernelFunc },
];
