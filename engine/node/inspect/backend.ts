/**
 * The tfjs backend inspection runs on: tfjs-backend-wasm (XNNPACK, the npm-only fast path the trainer uses; a
 * ResNet-18 Grad-CAM at 32×32 takes a few ms there against a few hundred on the pure-JS `cpu` backend), else
 * `cpu`. Production mode keeps tfjs from printing its "install tfjs-node" tip on the first tensor.
 */
import type { Tf } from '../../compile/compile';
import { registerWasmTraining } from '../train/backends/wasm/index';

/** Makes wasm (or, when it cannot load, cpu) the active backend; returns its name. */
export async function useInspectBackend(tf: Tf): Promise<string> {
  tf.enableProdMode();
  try {
    await registerWasmTraining(tf);
    if (tf.getBackend() === 'wasm' || (await tf.setBackend('wasm'))) return 'wasm';
  } catch {
    // no wasm binary (a trimmed install): the pure-JS backend computes the same, only slower
  }
  await tf.setBackend('cpu');
  return 'cpu';
}
