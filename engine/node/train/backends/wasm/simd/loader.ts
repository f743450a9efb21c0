/**
 * Loads LayerLoom's WASM SIMD kernels (`*.c` here, built by `npm run build:simd`) onto tfjs-backend-wasm's
 * own memory: the module imports the backend's WebAssembly.Memory, so its kernels take tensors' heap offsets
 * and work in place, with no copies. tfjs's single-threaded build owns a plain memory (it exports it); the
 * threaded build runs on a shared one (`threads.ts` creates it), so there are two binaries, one per kind.
 * Anything that goes wrong (binary missing, memory not found, instantiation refused, or
 * `LAYERLOOM_WASM_SIMD=0`) leaves the kernels unloaded: callers keep their JS loops, and
 * `simdKernelStatus()` says why, for the backend report.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WasmBackendLike } from '../kernel-utils';

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

/** Binary names: for tfjs's single-threaded build (plain memory) and its threaded build (shared memory). */
export const SIMD_BINARIES = { plain: 'layerloom-simd.wasm', shared: 'layerloom-simd-shared.wasm' } as const;

/** What tfjs-backend-wasm's module object holds of its memory (Emscripten: exported, or passed in when threaded). */
interface ModuleWithMemory {
  asm?: { memory?: WasmMemory };
  wasmMemory?: WasmMemory;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

/** The loaded kernels and the module they run on (for scratch allocations), per backend memory. */
export interface SimdRuntime {
  kernels: SimdKernels;
  /** Allocates `bytes` on the backend's heap (tfjs's own malloc); free with `free`. */
  malloc(bytes: number): number;
  free(ptr: number): void;
  /** A tensor's byte offset on the heap. */
  offset(t: { dataId: object }): number;
  shared: boolean;
}

let status = 'not loaded yet';
let enabled = process.env.LAYERLOOM_WASM_SIMD !== '0';
const byMemory = new WeakMap<WasmMemory, SimdRuntime>();
let lastBackend: WasmBackendLike | null = null;
let lastRuntime: SimdRuntime | null = null;

/** Folder of the binaries: next to this file, or `$LAYERLOOM_WASM_DIR` (bundles carry them with tfjs's). */
function binaryPath(name: string): string {
  const here = path.join(path.dirname(fileURLToPath(import.meta.url)), name);
  if (existsSync(here) || !process.env.LAYERLOOM_WASM_DIR) return here;
  return path.join(path.resolve(process.env.LAYERLOOM_WASM_DIR), name);
}

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
  const file = binaryPath(shared ? SIMD_BINARIES.shared : SIMD_BINARIES.plain);
  try {
    const instance = new wasmApi.Instance(new wasmApi.Module(readFileSync(file)), { env: { memory } });
    const dataIdMap = (backend as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } | undefined } }).dataIdMap;
    const runtime: SimdRuntime = {
      kernels: instance.exports as unknown as SimdKernels,
      malloc: (bytes) => mod._malloc(bytes),
      free: (ptr) => mod._free(ptr),
      offset: (t) => {
        const d = dataIdMap.get(t.dataId);
        if (!d) throw new Error('tensor not on the wasm backend');
        return d.memoryOffset;
      },
      shared,
    };
    byMemory.set(memory, runtime);
    status = `LayerLoom WASM SIMD kernels (${shared ? 'shared' : 'plain'} memory)`;
    return runtime;
  } catch (err) {
    status = `unavailable (${path.basename(file)}: ${err instanceof Error ? err.message : String(err)}): JS loops`;
    return null;
  }
}

/**
 * The SIMD kernels on `backend`'s memory, loading them on first use; null when they cannot run there
 * (callers then run their JS loop).
 */
export function simdRuntime(backend: WasmBackendLike): SimdRuntime | null {
  if (!enabled) {
    status = 'off (LAYERLOOM_WASM_SIMD=0): JS loops';
    return null;
  }
  if (backend === lastBackend) return lastRuntime;
  lastRuntime = load(backend);
  lastBackend = backend;
  return lastRuntime;
}

/** One line for the backend report: which elementwise/reduction kernels run, and why not the SIMD ones. */
export function simdKernelStatus(): string {
  return status;
}

/** Turn the SIMD kernels on or off (tests and A/B benchmarks compare them with the JS loops in one process). */
export function setSimdKernelsEnabled(on: boolean): void {
  enabled = on;
}
