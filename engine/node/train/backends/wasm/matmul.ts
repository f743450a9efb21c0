/**
 * Matrix products for the wasm backend routed through XNNPACK's 1×1
 * convolution (an order of magnitude faster than the shipped BatchMatMul on
 * one thread), with bias and activation fused. Batched products (batch > 1)
 * and broadcast biases keep the shipped kernels. Where the shapes allow, LayerLoom's SIMD convolution
 * kernels (`conv-simd/`) compute the product instead, as a 1×1 convolution without packing.
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { free, reshape, run, transpose, type WasmBackendLike } from './kernel-utils';
import { simdMatMul } from './conv-simd/index';

type Args = { inputs: Record<string, TensorInfo>; backend: WasmBackendLike; attrs: NamedAttrMap };

/** Activations the wasm FusedConv2D applies in place. */
const FUSABLE = new Set(['linear', 'relu', 'relu6']);

function batchOf(shape: number[]): number {
  return shape.slice(0, -2).reduce((p, d) => p * d, 1);
}

/**
 * Whether (a·b)ᵀ = bᵀ·aᵀ is cheaper as a 1×1 convolution than a·b: XNNPACK packs the filter operand
 * on every call (~4× the cost of a transpose per element), so pack the smaller of b ([k, n]) and
 * aᵀ ([k, m]), counting the transposes each form needs (the swapped one transposes its result too).
 */
function swapPays(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): boolean {
  const direct = 4 * k * n + (transposeA ? k * m : 0) + (transposeB ? k * n : 0);
  const swapped = 4 * k * m + (transposeB ? 0 : k * n) + (transposeA ? 0 : k * m) + m * n;
  return swapped < direct;
}

/** `a·b` as a 1×1 convolution, or null when the shapes need the shipped kernel. */
function matmulViaConv(
  b: WasmBackendLike, a: TensorInfo, bm: TensorInfo, transposeA: boolean, transposeB: boolean,
  bias: TensorInfo | undefined, activation: string,
): TensorInfo | null {
  if (batchOf(a.shape) !== 1 || batchOf(bm.shape) !== 1 || a.dtype !== 'float32' || bm.dtype !== 'float32') return null;
  if (!FUSABLE.has(activation)) return null;
  const ra = a.shape.length, rb = bm.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = transposeB ? bm.shape[rb - 2] : bm.shape[rb - 1];
  if (bias && (bias.shape.reduce((p, d) => p * d, 1) !== n || bias.dtype !== 'float32')) return null;
  const simd = simdMatMul(b, a, bm, m, k, n, transposeA, transposeB, bias, activation);
  if (simd) {
    const shaped = reshape(b, simd, [...(ra >= rb ? a.shape : bm.shape).slice(0, -2), m, n]);
    free(b, simd);
    return shaped;
  }
  if (!bias && activation === 'linear' && swapPays(m, k, n, transposeA, transposeB)) {
    // (a·b)ᵀ = bᵀ·aᵀ: XNNPACK then packs aᵀ (k×m), the smaller operand, instead of b.
    const bT2 = reshape(b, bm, transposeB ? [n, k] : [k, n]);
    const aT2 = reshape(b, a, transposeA ? [k, m] : [m, k]);
    const inp = transposeB ? null : transpose(b, bT2, [1, 0]);
    const fil = transposeA ? null : transpose(b, aT2, [1, 0]);
    const x4 = reshape(b, inp ?? bT2, [1, 1, n, k]);
    const f4 = reshape(b, fil ?? aT2, [1, 1, k, m]);
    const attrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined };
    const outT = run('Conv2D', b, { x: x4, filter: f4 }, attrs);
    const outT2 = reshape(b, outT, [n, m]);
    const out2 = transpose(b, outT2, [1, 0]);
    const out = reshape(b, out2, [...(ra >= rb ? a.shape : bm.shape).slice(0, -2), m, n]);
    free(b, bT2, aT2, inp, fil, x4, f4, outT, outT2, out2);
    return out;
  }
  const a2 = reshape(b, a, transposeA ? [k, m] : [m, k]);
  const b2 = reshape(b, bm, transposeB ? [n, k] : [k, n]);
  const aT = transposeA ? transpose(b, a2, [1, 0]) : null;
  const bT = transposeB ? transpose(b, b2, [1, 0]) : null;
  const x4 = reshape(b, aT ?? a2, [1, 1, m, k]);
  const f4 = reshape(b, bT ?? b2, [1, 1, k, n]);
  const bias1 = bias ? reshape(b, bias, [n]) : null;
  const attrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined };
  const out4 = bias1 || activation !== 'linear'
    ? run('FusedConv2D', b, bias1 ? { x: x4, filter: f4, bias: bias1 } : { x: x4, filter: f4 }, { ...attrs, activation })
    : run('Conv2D', b, { x: x4, filter: f4 }, attrs);
  const outShape = [...(ra >= rb ? a.shape : bm.shape).slice(0, -2), m, n];
  const out = reshape(b, out4, outShape);
  free(b, a2, b2, aT, bT, x4, f4, bias1, out4);
  return out;
}

/** BatchMatMul: 1×1-convolution path for unbatched products, shipped kernel otherwise. */
export function batchMatMul(args: Args): TensorInfo {
  const { a, b: bm } = args.inputs;
  const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
  return matmulViaConv(args.backend, a, bm, transposeA, transposeB, undefined, 'linear')
    ?? run('BatchMatMul', args.backend, args.inputs, args.attrs);
}

/** _FusedMatMul (matmul + bias + activation, used by Dense layers). */
export function fusedMatMul(args: Args): TensorInfo {
  const { a, b: bm, bias } = args.inputs;
  const { transposeA, transposeB, activation } = args.attrs as { transposeA: boolean; transposeB: boolean; activation?: string };
  return matmulViaConv(args.backend, a, bm, transposeA, transposeB, bias, activation ?? 'linear')
    ?? run(tfc._FusedMatMul, args.backend, args.inputs, args.attrs);
}

/** Kernel configs replacing the shipped matmul kernels. */
export const matmulKernels: KernelConfig[] = [
  { kernelName: tfc.BatchMatMul, backendName: 'wasm', kernelFunc: batchMatMul as unknown as tfc.KernelFunc },
  { kernelName: tfc._FusedMatMul, backendName: 'wasm', kernelFunc: fusedMatMul as unknown as tfc.KernelFunc },
];
