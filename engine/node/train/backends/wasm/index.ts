/**
 * Training on tfjs-backend-wasm: initializes the backend under Node and adds
 * or replaces the kernels training needs (Conv2D and depthwise gradients,
 * MaxPoolGrad, matmul through XNNPACK's convolution, BatchNormalization's
 * training step, Adam's update) and fixes the shipped convolutions' 'same' padding.
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import path from 'node:path';
import { captureOriginal } from './kernel-utils';
import { convGradKernels } from './conv-grads';
import { depthwiseGradKernels } from './depthwise-grads';
import { maxPoolGradKernel } from './max-pool-grad';
import { installMaxPool2x2, maxPool2x2Kernels } from './max-pool-2x2';
import { matmulKernels } from './matmul';
import { samePaddingKernels } from './same-padding';
import { cheapKernels, installReluGrad } from './cheap-kernels';
import { batchNormKernels, installBatchNormTraining } from './batch-norm';
import { adamKernels, installAdamUpdate } from './adam';
import { convBiasActKernel, installUnfusedTrainingConv } from './conv-layer';
import { setConvSimdThreads } from './conv-simd/index';
import { registerConvGradients } from './gradients';
import { createThreadedWasmModule, unrefWasmThreads } from './threads';
import { convSimdRuntime, simdKernelStatus, simdRuntime } from './simd/loader';
import type { WasmBackendLike } from './kernel-utils';
import os from 'node:os';

/** Every kernel this module registers for the `wasm` backend. */
export const trainingKernels: KernelConfig[] = [
  ...convGradKernels, ...depthwiseGradKernels, maxPoolGradKernel, ...matmulKernels, ...samePaddingKernels, ...cheapKernels, ...batchNormKernels,
  ...adamKernels, convBiasActKernel, ...maxPool2x2Kernels,
];

/** The tfjs namespace the caller uses (`@tensorflow/tfjs` or `-core`); only its backend API is touched. */
export interface TfLike {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
}

/** Options of `registerWasmTraining`. */
export interface WasmTrainingOptions {
  /**
   * XNNPACK threads (worker_threads). Default: `$LAYERLOOM_WASM_THREADS`, else the number of CPUs (at most 4).
   * 1 uses the single-threaded SIMD build.
   */
  threads?: number;
}

let registered: Promise<void> | null = null;
let threadsInUse = 1;

/** Threads the wasm backend was initialized with (1 until `registerWasmTraining` ran). */
export function wasmThreads(): number {
  return threadsInUse;
}

function defaultThreads(): number {
  const env = Number(process.env.LAYERLOOM_WASM_THREADS);
  if (Number.isInteger(env) && env >= 1) return Math.min(env, 8);
  return Math.max(1, Math.min(4, os.cpus().length));
}

/** Folder holding tfjs-backend-wasm's `.wasm` binaries: `$LAYERLOOM_WASM_DIR` (bundled builds), else node_modules. */
export function wasmDistDir(): string {
  if (process.env.LAYERLOOM_WASM_DIR) return path.resolve(process.env.LAYERLOOM_WASM_DIR);
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
}

/** Replace (or add) the kernels above on the wasm backend; the shipped ones stay callable. Idempotent. */
export function installTrainingKernels(): void {
  for (const k of trainingKernels) {
    const setupFunc = captureOriginal(k.kernelName);
    if (tfc.getKernel(k.kernelName, 'wasm')) tfc.unregisterKernel(k.kernelName, 'wasm');
    tfc.registerKernel(setupFunc ? { ...k, setupFunc } : k);
  }
  registerConvGradients();
  installBatchNormTraining();
  installAdamUpdate();
  installReluGrad();
  installMaxPool2x2();
  installUnfusedTrainingConv();
}

/**
 * Initialize `@tensorflow/tfjs-backend-wasm` under Node (wasm binaries from
 * node_modules), register the training kernels, and make `wasm` the active
 * backend. Safe to call more than once.
 */
export async function registerWasmTraining(tf: TfLike, opts: WasmTrainingOptions = {}): Promise<void> {
  registered ??= (async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(wasmDistDir() + path.sep);
    const threads = opts.threads ?? defaultThreads();
    // Only before the backend exists: swapping its loader afterwards would drop live tensors.
    if (threads > 1 && tfc.findBackend('wasm') == null) {
      // Swap tfjs's loader (single-threaded under Node) for the threaded build; on any failure use tfjs's.
      const original = tfc.findBackendFactory('wasm');
      tfc.removeBackend('wasm');
      tfc.registerBackend('wasm', async () => {
        const mod = await createThreadedWasmModule(threads).catch(() => null);
        if (!mod) return original();
        wasm.setThreadsCount(threads);
        const backend = new wasm.BackendWasm(mod as unknown as ConstructorParameters<typeof wasm.BackendWasm>[0]);
        threadsInUse = wasm.getThreadsCount();
        setConvSimdThreads(threadsInUse);
        unrefWasmThreads(mod);
        return backend;
      }, 2);
    }
    installTrainingKernels();
  })();
  await registered;
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-backend-wasm failed to initialize');
  await tf.ready();
  // Load LayerLoom's SIMD kernels now, so the backend report can say whether they run (else: JS loops).
  simdRuntime(tfc.findBackend('wasm') as WasmBackendLike);
  convSimdRuntime(tfc.findBackend('wasm') as WasmBackendLike);
}

/** Which of LayerLoom's kernels run: the WASM SIMD ones (memory-bound and convolutions), or JS loops / XNNPACK and why. */
export function wasmSimdStatus(): string {
  return simdKernelStatus();
}
