/**
 * Training on tfjs-backend-wasm: initializes the backend under Node and adds
 * or replaces the kernels training needs (Conv2D and depthwise gradients,
 * MaxPoolGrad, matmul through XNNPACK's convolution) and fixes the shipped
 * convolutions' 'same' padding.
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import path from 'node:path';
import { captureOriginal } from './kernel-utils';
import { convGradKernels } from './conv-grads';
import { depthwiseGradKernels } from './depthwise-grads';
import { maxPoolGradKernel } from './max-pool-grad';
import { matmulKernels } from './matmul';
import { samePaddingKernels } from './same-padding';
import { registerConvGradients } from './gradients';

/** Every kernel this module registers for the `wasm` backend. */
export const trainingKernels: KernelConfig[] = [
  ...convGradKernels, ...depthwiseGradKernels, maxPoolGradKernel, ...matmulKernels, ...samePaddingKernels,
];

/** The tfjs namespace the caller uses (`@tensorflow/tfjs` or `-core`); only its backend API is touched. */
export interface TfLike {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
}

let registered: Promise<void> | null = null;

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
}

/**
 * Initialize `@tensorflow/tfjs-backend-wasm` under Node (wasm binaries from
 * node_modules), register the training kernels, and make `wasm` the active
 * backend. Safe to call more than once.
 */
export async function registerWasmTraining(tf: TfLike): Promise<void> {
  registered ??= (async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(wasmDistDir() + path.sep);
    installTrainingKernels();
  })();
  await registered;
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-backend-wasm failed to initialize');
  await tf.ready();
}
