/**
 * Conv2DBackpropFilter and Conv2DBackpropInput for tfjs's `webgpu` backend as the tiled implicit GEMMs of
 * gemm.ts (the filter gradient with split-K and a reduce pass). They replace tfjs-backend-webgpu 4.22's
 * kernels: its filter gradient runs one thread per filter weight looping over batch × outH × outW, and its
 * input gradient the naive path (WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE defaults to true). NCHW input falls
 * back to the shipped kernels.
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { useBiasActivationKernels } from './bias-act-grads';
import { ConvFilterGradProgram, ConvInputGradProgram, SplitKReduceProgram, geometryUniforms, planSplitK, type ConvGeometry, type GpuProgram } from './gemm';

/** The part of tfjs-backend-webgpu's `WebGPUBackend` the kernels use. */
export interface WebGpuBackendLike {
  runWebGPUProgram(program: GpuProgram, inputs: TensorInfo[], outputDtype: 'float32', uniforms?: Array<{ type: string; data: number[] }>, output?: TensorInfo): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

type Args = { inputs: Record<string, TensorInfo>; backend: WebGpuBackendLike; attrs: NamedAttrMap };

/** Geometry from tfjs's own shape rule, so padding ('same', 'valid', explicit) matches the forward pass. */
function geometry(xShape: number[], filterShape: number[], attrs: NamedAttrMap): ConvGeometry | null {
  const dataFormat = tfc.backend_util.convertConv2DDataFormat((attrs.dataFormat as 'NHWC' | 'NCHW') ?? 'NHWC');
  if (dataFormat !== 'channelsLast') return null;
  const info = tfc.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides as number | [number, number], (attrs.dilations as number | [number, number] | undefined) ?? 1,
    attrs.pad as 'same' | 'valid' | number, attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined, false, dataFormat,
  );
  return {
    batch: info.batchSize, inH: info.inHeight, inW: info.inWidth, inC: info.inChannels,
    outH: info.outHeight, outW: info.outWidth, outC: info.outChannels, kH: info.filterHeight, kW: info.filterWidth,
    strideH: info.strideHeight, strideW: info.strideWidth, dilationH: info.dilationHeight, dilationW: info.dilationWidth,
    padTop: info.padInfo.top, padLeft: info.padInfo.left,
  };
}

/** dW = im2col(x)ᵀ · dy, split over K = batch·outH·outW, then the partial sums reduced. */
export function convFilterGrad(g: ConvGeometry, x: TensorInfo, dy: TensorInfo, backend: WebGpuBackendLike): TensorInfo {
  const m = g.kH * g.kW * g.inC;
  const n = g.outC;
  const k = g.batch * g.outH * g.outW;
  const plan = planSplitK(m, n, k);
  const filterShape = [g.kH, g.kW, g.inC, g.outC];
  const program = new ConvFilterGradProgram(m, n, plan, filterShape);
  const uniforms = geometryUniforms(g, { m, n, k, kChunk: plan.kChunk });
  if (plan.splits === 1) return backend.runWebGPUProgram(program, [x, dy], 'float32', uniforms);
  const partial = backend.runWebGPUProgram(program, [x, dy], 'float32', uniforms);
  const out = backend.runWebGPUProgram(new SplitKReduceProgram(filterShape), [partial], 'float32', [{ type: 'int32', data: [plan.splits] }]);
  backend.disposeData(partial.dataId);
  return out;
}

/** dx as one implicit GEMM over K = kh·kw·co. */
export function convInputGrad(g: ConvGeometry, dy: TensorInfo, filter: TensorInfo, backend: WebGpuBackendLike): TensorInfo {
  const m = g.batch * g.inH * g.inW;
  const k = g.kH * g.kW * g.outC;
  const uniforms = geometryUniforms(g, { m, n: g.inC, k, kChunk: k });
  return backend.runWebGPUProgram(new ConvInputGradProgram(g), [dy, filter], 'float32', uniforms);
}

/** The shipped webgpu kernels, captured before ours replace them (fallback for NCHW, and the bench's peer). */
const shipped = new Map<string, KernelConfig>();

function shippedKernel(name: string): KernelFunc {
  const k = shipped.get(name) ?? tfc.getKernel(name, 'webgpu');
  if (!k) throw new Error(`webgpu kernel ${name} is not registered`);
  return k.kernelFunc;
}

const filterGradKernel: KernelConfig = {
  kernelName: tfc.Conv2DBackpropFilter,
  backendName: 'webgpu',
  kernelFunc: ((args: Args) => {
    const { x, dy } = args.inputs;
    const g = geometry(x.shape, args.attrs.filterShape as number[], args.attrs);
    if (!g) return shippedKernel(tfc.Conv2DBackpropFilter)(args as unknown as Parameters<KernelFunc>[0]);
    return convFilterGrad(g, x, dy, args.backend);
  }) as unknown as KernelFunc,
};

const inputGradKernel: KernelConfig = {
  kernelName: tfc.Conv2DBackpropInput,
  backendName: 'webgpu',
  kernelFunc: ((args: Args) => {
    const { dy, filter } = args.inputs;
    const g = geometry(args.attrs.inputShape as number[], filter.shape, args.attrs);
    if (!g) return shippedKernel(tfc.Conv2DBackpropInput)(args as unknown as Parameters<KernelFunc>[0]);
    return convInputGrad(g, dy, filter, args.backend);
  }) as unknown as KernelFunc,
};

/** LayerLoom's webgpu kernels, in registration order. */
export const webGpuKernels: KernelConfig[] = [filterGradKernel, inputGradKernel];

/**
 * Registers LayerLoom's kernels for `webgpu` (`enabled`, the default) — these two, and the bias and ReLU
 * gradients of bias-act-grads.ts — or puts tfjs's shipped ones back (`false`: the bench's peer). Needs
 * `@tensorflow/tfjs-backend-webgpu` imported; idempotent.
 */
export function useWebGpuKernels(enabled = true): void {
  for (const k of webGpuKernels) {
    const current = tfc.getKernel(k.kernelName, 'webgpu');
    if (current && current !== k && !shipped.has(k.kernelName)) shipped.set(k.kernelName, current);
    if (current) tfc.unregisterKernel(k.kernelName, 'webgpu');
    const orig = shipped.get(k.kernelName);
    tfc.registerKernel(enabled || !orig ? k : orig);
  }
  useBiasActivationKernels(enabled);
}
