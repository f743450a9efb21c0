/**
 * Forward convolutions on the wasm backend, wrapping the shipped kernels:
 * - The shipped kernels hand 'same' padding to XNNPACK as its TensorFlow-SAME
 *   flag, which disagrees with tfjs (and the cpu backend) when the stride
 *   exceeds the kernel (e.g. x 5×6, kernel 2×2, stride 3: outputs differ by
 *   ~1.0); here the padding is always made explicit, as tfjs computes it, so
 *   forward and gradients agree.
 * - Filter taps that only ever meet padding are cropped away first
 *   (`live-taps.ts`): a 3×3 'same' convolution on a 1×1 map becomes 1×1;
 *   on 2×2 maps the convolution is one dense product (`dense-small-map.ts`).
 * - Conv2D / FusedConv2D (bias; linear, relu or relu6) with ≥ 8 input and a multiple of 8 output channels
 *   run our own SIMD kernel (`conv-simd/`), about twice XNNPACK's speed on one thread.
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { free, run, slice, type WasmBackendLike } from './kernel-utils';
import { cropDeadTaps } from './live-taps';
import { denseForward, denseWins } from './dense-small-map';
import { simdConvForward } from './conv-simd/index';

type Args = { inputs: Record<string, TensorInfo>; backend: WasmBackendLike; attrs: NamedAttrMap };
type Pair = [number, number];

function explicitSame(name: string, depthwise: boolean) {
  return (args: Args): TensorInfo => {
    const a = args.attrs as unknown as {
      pad: Parameters<typeof tfc.backend_util.computeConv2DInfo>[4]; strides: number | Pair; dilations?: number | Pair;
      dimRoundingMode?: 'floor' | 'round' | 'ceil'; dataFormat?: string;
    };
    const { x, filter } = args.inputs;
    if (a.dataFormat === 'NCHW') return run(name, args.backend, args.inputs, args.attrs);
    const info = tfc.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
      a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, depthwise,
    );
    if (!depthwise && !args.inputs.preluActivationWeights) {
      const act = (args.attrs as { activation?: string }).activation ?? 'linear';
      const simd = simdConvForward(args.backend, x, filter, info, args.inputs.bias, act);
      if (simd) return simd;
    }
    if (!depthwise && !args.inputs.preluActivationWeights && denseWins(info)) return denseForward(args.backend, name, args.inputs, args.attrs, info);
    const p = info.padInfo;
    const pads: [Pair, Pair] = [[p.top, p.bottom], [p.left, p.right]];
    const crop = cropDeadTaps(x.shape[1], x.shape[2], info.filterHeight, info.filterWidth,
      [info.strideHeight, info.strideWidth], [info.dilationHeight, info.dilationWidth], pads, [info.outHeight, info.outWidth]);
    if (crop == null || crop === 'empty') {
      // 'empty' (nothing but padding under every window) is left to the shipped kernel: bias and activation apply.
      const pad = a.pad === 'same' ? [[0, 0], ...pads, [0, 0]] : a.pad;
      return run(name, args.backend, args.inputs, { ...args.attrs, pad });
    }
    const b = args.backend;
    const f = slice(b, filter, [crop.h[0], crop.w[0], 0, 0],
      [crop.h[1] - crop.h[0] + 1, crop.w[1] - crop.w[0] + 1, filter.shape[2], filter.shape[3]]);
    // Negative padding after cropping means input rows/columns no tap reads: slice them off.
    const [[t, bo], [l, r]] = crop.pads;
    const ct = Math.max(0, -t), cb = Math.max(0, -bo), cl = Math.max(0, -l), cr = Math.max(0, -r);
    const xs = ct || cb || cl || cr ? slice(b, x, [0, ct, cl, 0], [x.shape[0], x.shape[1] - ct - cb, x.shape[2] - cl - cr, x.shape[3]]) : null;
    const pad = [[0, 0], [Math.max(0, t), Math.max(0, bo)], [Math.max(0, l), Math.max(0, r)], [0, 0]];
    const out = run(name, b, { ...args.inputs, x: xs ?? x, filter: f }, { ...args.attrs, pad, dimRoundingMode: undefined });
    free(b, f, xs);
    return out;
  };
}

/** Forward convolution kernels with tfjs's padding made explicit and dead taps cropped. */
export const samePaddingKernels: KernelConfig[] = [
  [tfc.Conv2D, false], [tfc.FusedConv2D, false], [tfc.DepthwiseConv2dNative, true], [tfc.FusedDepthwiseConv2D, true],
].map(([kernelName, dw]) => ({
  kernelName: kernelName as string, backendName: 'wasm',
  kernelFunc: explicitSame(kernelName as string, dw as boolean) as unknown as tfc.KernelFunc,
}));
