/**
 * The shipped wasm convolutions hand 'same' padding to XNNPACK as its
 * TensorFlow-SAME flag, which disagrees with tfjs (and the cpu backend) when
 * the stride exceeds the kernel (e.g. x 5×6, kernel 2×2, stride 3: outputs
 * differ by ~1.0). These wrappers turn 'same' into the explicit padding tfjs
 * computes and call the shipped kernel, so forward and gradients agree.
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { run, type WasmBackendLike } from './kernel-utils';

type Args = { inputs: Record<string, TensorInfo>; backend: WasmBackendLike; attrs: NamedAttrMap };

function explicitSame(name: string, depthwise: boolean) {
  return (args: Args): TensorInfo => {
    const a = args.attrs as unknown as {
      pad: unknown; strides: number | [number, number]; dilations?: number | [number, number];
    };
    if (a.pad !== 'same') return run(name, args.backend, args.inputs, args.attrs);
    const { x, filter } = args.inputs;
    const info = tfc.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
      a.strides, a.dilations ?? 1, 'same', undefined, depthwise,
    );
    const p = info.padInfo;
    const pad = [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]];
    return run(name, args.backend, args.inputs, { ...args.attrs, pad });
  };
}

/** Forward convolution kernels with tfjs's 'same' padding made explicit. */
export const samePaddingKernels: KernelConfig[] = [
  [tfc.Conv2D, false], [tfc.FusedConv2D, false], [tfc.DepthwiseConv2dNative, true], [tfc.FusedDepthwiseConv2D, true],
].map(([kernelName, dw]) => ({
  kernelName: kernelName as string, backendName: 'wasm',
  kernelFunc: explicitSame(kernelName as string, dw as boolean) as unknown as tfc.KernelFunc,
}));
