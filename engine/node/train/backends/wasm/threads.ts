/**
 * Multi-threaded wasm under Node. tfjs-backend-wasm ships a threaded SIMD
 * build (XNNPACK over pthreads = worker_threads + SharedArrayBuffer) but never
 * uses it in Node: its loader hands the pthread worker script over as a
 * `blob:` URL, which Node's worker_threads cannot start. Here the same worker
 * script is written to a temporary file and the build is instantiated with
 * real file paths. Falls back (returns null) when any piece is missing, e.g.
 * in a bundle without node_modules.
 */
import { createRequire } from 'node:module';
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { wasmApi } from './simd/loader';

/** The wasm module object tfjs's BackendWasm wraps (only what we touch). */
interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): unknown;
  tfjs?: unknown;
  PThread?: { runningWorkers?: { unref(): void }[]; unusedWorkers?: { unref(): void }[] };
}

/**
 * XNNPACK's pool threads stay blocked in their workers for the life of the
 * process; unref them so they don't keep Node alive once the program is done.
 * Call after the backend is constructed (that is when the pool starts).
 */
export function unrefWasmThreads(mod: unknown): void {
  const p = (mod as EmscriptenModule).PThread;
  for (const w of [...(p?.runningWorkers ?? []), ...(p?.unusedWorkers ?? [])]) w.unref();
}

type Factory = (config: object) => Promise<EmscriptenModule>;

/**
 * Instantiate tfjs-backend-wasm's threaded SIMD build with `threads` XNNPACK
 * threads, wired up the way tfjs's own loader does. Returns null when the
 * threaded build cannot be located.
 */
export async function createThreadedWasmModule(threads: number): Promise<EmscriptenModule | null> {
  const require = createRequire(import.meta.url);
  let glue: string, factory: Factory, workerSource: string, wasmFile: string;
  try {
    glue = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
    factory = require(glue) as Factory;
    workerSource = (require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as { wasmWorkerContents: string }).wasmWorkerContents;
    wasmFile = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm');
  } catch {
    return null;
  }
  const workerFile = path.join(os.tmpdir(), `layerloom-tfjs-wasm-worker-${process.pid}.cjs`);
  // tfjs escapes newlines the same way before making its Blob (the source holds "\n" inside string literals).
  writeFileSync(workerFile, workerSource.replace(/\n/g, '\\n'));
  process.once('exit', () => rmSync(workerFile, { force: true }));
  // The build sizes its default pool as logical cores / 2 (it assumes hyper-threading) at instantiation;
  // report 2×threads cores while it starts so that pool has `threads` threads.
  const realCpus = os.cpus;
  (os as { cpus: typeof os.cpus }).cpus = () => Array.from({ length: 2 * threads }, () => realCpus()[0]);
  let mod: EmscriptenModule;
  try {
    mod = await factory({
      locateFile: (p: string) => (p.endsWith('.worker.js') ? workerFile : p.endsWith('.wasm') ? wasmFile : p),
      mainScriptUrlOrBlob: glue,
      // The glue makes this same memory when none is given, but keeps it private; LayerLoom's SIMD kernels
      // (simd/loader.ts) find it here, on the module, to import it.
      wasmMemory: new wasmApi.Memory({ initial: 16777216 / 65536, maximum: 65536, shared: true }),
    });
  } finally {
    (os as { cpus: typeof os.cpus }).cpus = realCpus;
  }
  // The C API tfjs's BackendWasm expects (as in tfjs-backend-wasm 4.22's own init()).
  mod.tfjs = {
    init: mod.cwrap('init', null, []),
    initWithThreadsCount: mod.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: mod.cwrap('get_threads_count', 'number', []),
    registerTensor: mod.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: mod.cwrap('dispose_data', null, ['number']),
    dispose: mod.cwrap('dispose', null, []),
  };
  return mod;
}
