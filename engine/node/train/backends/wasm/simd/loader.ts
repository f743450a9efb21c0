/**
 * Loads LayerLoom's WASM SIMD kernels (`*.c` here, built by `npm run build:simd` into kernels.wasm.ts) onto
 * tfjs-backend-wasm's own memory: the module imports the backend's WebAssembly.Memory, so its kernels take
 * tensors' heap offsets and work in place, with no copies. tfjs's single-threaded build owns a plain memory (it
 * exports it); the threaded build runs on a shared one (`threads.ts` creates it), so the module is built twice, one
 * per kind. One instance per memory serves both families of kernels: the memory-bound ones (Adam, BatchNormalization,
 * pooling, layouts: `simdRuntime`, off with `LAYERLOOM_WASM_SIMD=0`) and the convolutions (`conv-simd/`, which also
 * instantiates the module on its worker threads: off with `LAYERLOOM_CONV_SIMD=0`). Anything that goes wrong
 * (memory not found, instantiation refused) leaves the kernels unloaded: callers keep their JS loops or tfjs's
 * kernels, and `simdKernelStatus()` says why, for the backend report.
 */
import type { WasmBackendLike } from '../kernel-utils';
import { SIMD_WASM_PLAIN, SIMD_WASM_SHARED } from './kernels.wasm';

/** The part of the WebAssembly JS API used here (this project's Node typings declare only its namespace). */
export interface WasmMemory { readonly buffer: ArrayBuffer | SharedArrayBuffer }
interface WasmApi {
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
/** `globalThis.WebAssembly`, typed. */
export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The kernels' exports (pointers are byte offsets into the backend's heap; see the C sources for each contract). */
export interface SimdKernels {
  adam(x: number, m: number, v: number, g: number, ox: number, om: number, ov: number, n: number,
    b1: number, b2: number, a1: number, a2: number, k1: number, k2: number, eps: number): void;
  batch_norm_forward(x: number, gamma: number, beta: number, y: number, mean: number, variance: number,
    rows: number, c: number, eps: number, scratch: number): void;
  batch_norm_backward(dy: number, x: number, gamma: number, mean: number, variance: number, dx: number, dgamma: number,
    dbeta: number, rows: number, c: number, eps: number, scratch: number): void;
  column_sums(x: number, rows: number, c: number, out: number, scratch: number): void;
  max_pool_grad_2x2(x: number, dy: number, dx: number, n: number, h: number, w: number, c: number, oh: number, ow: number): void;
  conv_filter_grad_thin(x: number, dy: number, dw: number, n: number, h: number, w: number, ci: number, oh: number, ow: number,
    co: number, kh: number, kw: number, sh: number, sw: number, dh: number, dw_: number, top: number, left: number, scratch: number): void;
  max_pool_2x2_argmax(x: number, y: number, idx: number, n: number, h: number, w: number, c: number, oh: number, ow: number): void;
  max_pool_2x2_argmax_grad(dy: number, idx: number, dx: number, n: number, h: number, w: number, c: number, oh: number, ow: number): void;
  relu_grad(dy: number, x: number, out: number, n: number): void;
  transpose_outer(x: number, out: number, a: number, m: number, b: number): void;
  max_pool_grad(x: number, dy: number, dx: number, n: number, h: number, w: number, c: number, oh: number, ow: number,
    fh: number, fw: number, sh: number, sw: number, top: number, left: number): void;
}

/** The module's two builds (base64): for tfjs's single-threaded build (plain memory) and its threaded build (shared). */
export const SIMD_BINARIES = { plain: SIMD_WASM_PLAIN, shared: SIMD_WASM_SHARED } as const;

/** The convolution kernels' exports (conv-grads.c; pointers are byte offsets into the backend's heap). */
export interface ConvKernels {
  conv_forward(...args: number[]): void;
  conv_input_grad(...args: number[]): void;
  conv_filter_grad(...args: number[]): void;
  conv_filter_grad_part(...args: number[]): void;
  conv_filter_grad_rows(...args: number[]): void;
  transpose_taps(w: number, wt: number, taps: number, ci: number, co: number): void;
  activate(y: number, len: number, act: number): void;
}

/** What tfjs-backend-wasm's module object holds of its memory (Emscripten: exported, or passed in when threaded). */
interface ModuleWithMemory {
  asm?: { memory?: WasmMemory };
  wasmMemory?: WasmMemory;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

/** The loaded kernels and the module they run on (for scratch allocations), per backend memory. */
export interface SimdRuntime {
  kernels: SimdKernels & ConvKernels;
  /** The compiled module (worker threads instantiate it on the same shared memory). */
  module: object;
  memory: WasmMemory;
  /** Allocates `bytes` on the backend's heap (tfjs's own malloc); free with `free`. */
  malloc(bytes: number): number;
  free(ptr: number): void;
  /** A tensor's byte offset on the heap. */
  offset(t: { dataId: object }): number;
  /** Scratch buffers of `bytes` each on the backend's heap for the duration of `fn`, freed even when it throws. */
  withScratch<T>(bytes: number[], fn: (ptrs: number[]) => T): T;
  /** A fresh view of `n` floats at byte `ptr` of the heap (fresh: the heap may have grown since the last). */
  f32(ptr: number, n: number): Float32Array;
  shared: boolean;
}

let status = 'not loaded yet';
let enabled = process.env.LAYERLOOM_WASM_SIMD !== '0';
let convEnabled = process.env.LAYERLOOM_CONV_SIMD !== '0';
const byMemory = new WeakMap<WasmMemory, SimdRuntime>();
let lastBackend: WasmBackendLike | null = null;
let lastRuntime: SimdRuntime | null = null;

function load(backend: WasmBackendLike): SimdRuntime | null {
  const mod = (backend as unknown as { wasm?: ModuleWithMemory }).wasm;
  const memory = mod?.asm?.memory ?? mod?.wasmMemory;
  if (!mod || !(memory instanceof wasmApi.Memory)) {
    status = 'unavailable (the wasm backend exposes no memory): JS loops';
    return null;
  }
  const cached = byMemory.get(memory);
  if (cached) return cached;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const build = shared ? 'shared' : 'plain';
  try {
    const module = new wasmApi.Module(Buffer.from(SIMD_BINARIES[build], 'base64'));
    const instance = new wasmApi.Instance(module, { env: { memory } });
    const dataIdMap = (backend as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } | undefined } }).dataIdMap;
    const runtime: SimdRuntime = {
      kernels: instance.exports as unknown as SimdKernels & ConvKernels,
      module, memory,
      malloc: (bytes) => mod._malloc(bytes),
      free: (ptr) => mod._free(ptr),
      offset: (t) => {
        const d = dataIdMap.get(t.dataId);
        if (!d) throw new Error('tensor not on the wasm backend');
        return d.memoryOffset;
      },
      withScratch(bytes, fn) {
        const ptrs = bytes.map((n) => mod._malloc(n));
        try {
          return fn(ptrs);
        } finally {
          for (const p of ptrs) mod._free(p);
        }
      },
      f32: (ptr, n) => new Float32Array(memory.buffer, ptr, n),
      shared,
    };
    byMemory.set(memory, runtime);
    status = `LayerLoom WASM SIMD kernels (${build} memory)`;
    return runtime;
  } catch (err) {
    status = `unavailable (the ${build}-memory build: ${err instanceof Error ? err.message : String(err)}): JS loops`;
    return null;
  }
}

/** The module on `backend`'s memory whatever the switches say (null where it cannot load; `status` says why). */
function loaded(backend: WasmBackendLike): SimdRuntime | null {
  if (backend !== lastBackend) {
    lastRuntime = load(backend);
    lastBackend = backend;
  }
  return lastRuntime;
}

/**
 * The SIMD kernels on `backend`'s memory, loading them on first use; null when they cannot run there
 * (callers then run their JS loop).
 */
export function simdRuntime(backend: WasmBackendLike): SimdRuntime | null {
  return enabled ? loaded(backend) : null;
}

/**
 * The kernels on `backend`'s memory for the convolutions (conv-simd/), loading them on first use; null when they
 * cannot run there or `LAYERLOOM_CONV_SIMD=0` (callers then keep tfjs's XNNPACK-based kernels).
 */
export function convSimdRuntime(backend: WasmBackendLike): SimdRuntime | null {
  return convEnabled ? loaded(backend) : null;
}

/** One line for the backend report: which of LayerLoom's SIMD kernels run, and why not where they do not. */
export function simdKernelStatus(): string {
  if (!enabled && !convEnabled) return 'off (LAYERLOOM_WASM_SIMD=0, LAYERLOOM_CONV_SIMD=0): JS loops and XNNPACK';
  const parts = [!enabled && 'JS loops for the memory-bound kernels (LAYERLOOM_WASM_SIMD=0)',
    !convEnabled && 'XNNPACK convolutions (LAYERLOOM_CONV_SIMD=0)'].filter(Boolean);
  return parts.length && lastRuntime ? `${status}; ${parts.join('; ')}` : status;
}

/** Turn the memory-bound SIMD kernels on or off (tests and A/B benchmarks compare them with the JS loops in one process). */
export function setSimdKernelsEnabled(on: boolean): void {
  enabled = on;
}

/** Turn the SIMD convolutions on or off (the XNNPACK-based paths run instead); for A/B tests and benchmarks. */
export function setConvSimdEnabled(on: boolean): void {
  convEnabled = on;
}
