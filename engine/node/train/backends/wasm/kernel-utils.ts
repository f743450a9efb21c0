/**
 * Small helpers for composing wasm kernels: call an already-registered kernel
 * by name, free intermediates, and view tensors on the wasm heap.
 */
import type { KernelBackend, KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import * as tfc from '@tensorflow/tfjs-core';
import { transposeSimd } from './simd/transpose';

/** The subset of `BackendWasm` these kernels touch (its class is not exported with types we can rely on). */
export interface WasmBackendLike extends KernelBackend {
  makeOutput(shape: number[], dtype: 'float32' | 'int32' | 'bool'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
}

/** Kernel functions captured from tfjs-backend-wasm before we override any of them. */
const originals = new Map<string, tfc.KernelFunc>();
const originalSetups = new Map<string, KernelConfig['setupFunc'] | undefined>();

/**
 * Remember the wasm kernel `name` as shipped, so overrides can still call it.
 * Returns its setup function (it binds the C++ entry point when the backend
 * initializes), which the override must keep.
 */
export function captureOriginal(name: string): KernelConfig['setupFunc'] | undefined {
  const k = tfc.getKernel(name, 'wasm');
  if (k && !originals.has(name)) {
    originals.set(name, k.kernelFunc);
    originalSetups.set(name, k.setupFunc);
  }
  return originalSetups.get(name);
}

/** Call the shipped wasm kernel `name` (or the currently registered one if none was captured). */
export function run(
  name: string,
  backend: WasmBackendLike,
  inputs: Record<string, TensorInfo>,
  attrs: Record<string, unknown> = {},
): TensorInfo {
  const fn = originals.get(name) ?? tfc.getKernel(name, 'wasm')?.kernelFunc;
  if (!fn) throw new Error(`wasm kernel ${name} is not registered`);
  return fn({ inputs, backend, attrs: attrs as NamedAttrMap }) as TensorInfo;
}

/** Free intermediates created inside a composed kernel. */
export function free(backend: WasmBackendLike, ...ts: (TensorInfo | null | undefined)[]): void {
  for (const t of ts) if (t) backend.disposeData(t.dataId);
}

/** A float32 view of `t` on the wasm heap. Re-take it after any allocation: the heap may grow. */
export function heapF32(backend: WasmBackendLike, t: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** Reshape without copying (the wasm Reshape kernel shares the buffer and bumps its refcount). */
export function reshape(backend: WasmBackendLike, x: TensorInfo, shape: number[]): TensorInfo {
  return run('Reshape', backend, { x }, { shape });
}

/**
 * Transpose: swaps of the leading and trailing axis groups run as LayerLoom's SIMD kernel where it loads
 * (simd/transpose.ts); otherwise through the shipped wasm kernel. A tall matrix ([1, 0], rows ≥ 1024 and a multiple of 64) goes as
 * [64, rows/64, cols] → [cols, 64, rows/64], the same layout: the shipped kernel's 2-D path slows down by up
 * to 10× on such shapes (one thread, medians: [16384, 128] 33.6 → 3.4 ms, [65536, 64] 51.6 → 6.2 ms,
 * [1024, 512] 3.8 → 1.0 ms, [86528, 32] 5.4 → 3.9 ms; [15488, 64] 0.65 → 0.96 ms is the one loss seen).
 */
export function transpose(backend: WasmBackendLike, x: TensorInfo, perm: number[]): TensorInfo {
  const viaSimd = transposeSimd(backend, x, perm);
  if (viaSimd) return viaSimd;
  if (x.shape.length === 2 && perm[0] === 1 && perm[1] === 0 && x.shape[0] >= 1024 && x.shape[0] % 64 === 0) {
    const [rows, cols] = x.shape;
    const x3 = reshape(backend, x, [64, rows / 64, cols]);
    const t3 = run('Transpose', backend, { x: x3 }, { perm: [2, 0, 1] });
    const out = reshape(backend, t3, [cols, rows]);
    free(backend, x3, t3);
    return out;
  }
  return run('Transpose', backend, { x }, { perm });
}

/** Slice through the wasm kernel. */
export function slice(backend: WasmBackendLike, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  return run('Slice', backend, { x }, { begin, size });
}

/** Constant zero padding through the wasm kernel. */
export function pad(backend: WasmBackendLike, x: TensorInfo, paddings: [number, number][]): TensorInfo {
  return run('PadV2', backend, { x }, { paddings, constantValue: 0 });
}
