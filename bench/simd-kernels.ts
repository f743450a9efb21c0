/**
 * `npm run bench:simd -- [--rounds 7] [--reps 5] [--threads 1] [--only Transpose]`
 *
 * LayerLoom's WASM SIMD kernels against the JS loops they replace, per kernel, on the shapes of the
 * reference CNN and ResNet-18 at 32×32: each round times `--reps` calls with the SIMD kernels, then with
 * the JS loops (alternating, so load from elsewhere lands on both), fresh input tensors for every call.
 * Prints the median ms per call of each and their ratio.
 */
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { registerWasmTraining, wasmThreads } from '../engine/node/train/backends/wasm/index';
import { AdamUpdate } from '../engine/node/train/backends/wasm/adam';
import { ReluGrad } from '../engine/node/train/backends/wasm/cheap-kernels';
import { BatchNormTraining, BatchNormTrainingGrad } from '../engine/node/train/backends/wasm/batch-norm';
import { transpose, type WasmBackendLike } from '../engine/node/train/backends/wasm/kernel-utils';
import { setSimdKernelsEnabled, simdKernelStatus } from '../engine/node/train/backends/wasm/simd/loader';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** A kernel call; `baseline`, where given, is what runs instead in the "JS" column (tfjs's own ops). */
type Case = { name: string; inputs: () => tf.Tensor[]; call: (t: tf.Tensor[]) => tf.Tensor | tf.Tensor[]; baseline?: (t: tf.Tensor[]) => tf.Tensor };
const u = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);
/** Only the cases whose name contains this text (`--only Transpose`). */
const only = arg('only', '');
const cases: Case[] = [
  {
    name: 'Adam, 2.36 M weights (3×3×512×512)',
    inputs: () => [u([2359296], 1), u([2359296], 2), tf.abs(u([2359296], 3)), u([2359296], 4), tf.scalar(0.5), tf.scalar(0.9)],
    call: ([value, m, v, g, accBeta1, accBeta2]) => tf.engine().runKernel(AdamUpdate, { value, m, v, g, accBeta1, accBeta2 },
      { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, learningRate: 1e-3 }) as tf.Tensor[],
  },
  {
    name: 'BatchNorm forward, 64×16×16×64',
    inputs: () => [u([64, 16, 16, 64], 1), u([64], 2), u([64], 3)],
    call: ([x, gamma, beta]) => tf.engine().runKernel(BatchNormTraining, { x, gamma, beta }, { epsilon: 1e-3 }) as tf.Tensor[],
  },
  {
    name: 'BatchNorm backward, 64×16×16×64',
    inputs: () => [u([64, 16, 16, 64], 1), u([64, 16, 16, 64], 2), u([64], 3), u([64], 4), tf.abs(u([64], 5))],
    call: ([dy, x, gamma, mean, variance]) => tf.engine().runKernel(BatchNormTrainingGrad, { dy, x, gamma, mean, variance }, { epsilon: 1e-3 }) as tf.Tensor[],
  },
  {
    name: 'MaxPoolGrad 2×2 s2, 128×26×26×32',
    inputs: () => [u([128, 26, 26, 32], 1), u([128, 13, 13, 32], 2)],
    call: ([input, dy]) => tf.engine().runKernel('MaxPoolGrad', { dy, input, output: dy }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor,
  },
  {
    name: 'MaxPoolGrad 3×3 s2 same, 64×16×16×64',
    inputs: () => [u([64, 16, 16, 64], 1), u([64, 8, 8, 64], 2)],
    call: ([input, dy]) => tf.engine().runKernel('MaxPoolGrad', { dy, input, output: dy }, { filterSize: 3, strides: 2, pad: 'same' }) as tf.Tensor,
  },
  {
    name: 'ReLU gradient, 128×26×26×32 (JS: tfjs Step·Cast·Mul)',
    inputs: () => [u([128, 26, 26, 32], 1), u([128, 26, 26, 32], 2)],
    call: ([x, dy]) => tf.engine().runKernel(ReluGrad, { dy, x }) as tf.Tensor,
    baseline: ([x, dy]) => tf.mul(dy, tf.cast(tf.step(x), 'float32')),
  },
  { name: 'Sum to [32], 128×26×26×32', inputs: () => [u([128, 26, 26, 32], 1)], call: ([x]) => tf.sum(x, [0, 1, 2]) },
  {
    name: 'Conv2DBackpropFilter, 128×28×28×1 → 3×3×1×32',
    inputs: () => [u([128, 28, 28, 1], 1), u([128, 26, 26, 32], 2)],
    call: ([x, dy]) => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy },
      { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1, filterShape: [3, 3, 1, 32] }) as tf.Tensor,
  },
  ...([[[64, 8, 8, 64], [3, 1, 2, 0]], [[128, 13, 13, 32], [3, 1, 2, 0]], [[16384, 128], [1, 0]], [[86528, 32], [1, 0]]] as const)
    .map(([shape, perm]) => ({
      name: `Transpose ${shape.join('×')} by [${perm.join(', ')}]`,
      inputs: () => [u([...shape], 1)],
      call: ([x]: tf.Tensor[]) => {
        const t = transpose(tf.backend() as unknown as WasmBackendLike, x, [...perm]);
        return tf.engine().makeTensorFromTensorInfo(t);
      },
    })),
];

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** ms per call of `c` with the SIMD kernels on or off (fresh inputs each call, created outside the timing). */
function time(c: Case, simd: boolean, reps: number): number {
  setSimdKernelsEnabled(simd);
  let ms = 0;
  for (let i = 0; i < reps; i++) {
    const inputs = c.inputs();
    inputs.forEach((t) => t.dataSync());
    const t0 = performance.now();
    const out = tf.tidy(() => (!simd && c.baseline ? c.baseline(inputs) : c.call(inputs)));
    ms += performance.now() - t0;
    tf.dispose([...inputs, ...(Array.isArray(out) ? out : [out])]);
  }
  return ms / reps;
}

async function main(): Promise<void> {
  await registerWasmTraining(tf, { threads: Number(arg('threads', '1')) });
  const rounds = Number(arg('rounds', '7')), reps = Number(arg('reps', '5'));
  console.log(`simd-kernels: ${rounds} alternating rounds × ${reps} calls, ${wasmThreads()} thread(s), load ${os.loadavg()[0].toFixed(2)}; ${simdKernelStatus()}`);
  for (const c of cases.filter((k) => k.name.includes(only))) {
    time(c, true, 1);
    time(c, false, 1);
    const on: number[] = [], off: number[] = [];
    for (let r = 0; r < rounds; r++) {
      on.push(time(c, true, reps));
      off.push(time(c, false, reps));
    }
    const a = median(on), b = median(off);
    console.log(`  ${c.name.padEnd(48)} SIMD ${a.toFixed(2).padStart(7)} ms   JS ${b.toFixed(2).padStart(7)} ms   ${(b / a).toFixed(1)}× faster`);
  }
  setSimdKernelsEnabled(true);
  console.log(`load at the end ${os.loadavg()[0].toFixed(2)}`);
}
void main();
