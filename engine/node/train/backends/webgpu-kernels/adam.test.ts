import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initWebGpu } from '../webgpu';
import { rng, values, relErr } from '../wasm/test-helpers';
import { FusedAdamOptimizer } from './adam';

const status = await initWebGpu(tf, { activate: false, swiftShaderFallback: true });
if (!status.ok) console.log(`fused Adam tests skipped: ${status.reason}`);

/** Three Adam steps on a small tanh regression; returns the weights, the optimizer's state and its names. */
async function train(backend: string, make: () => tf.Optimizer) {
  await tf.setBackend(backend);
  const r = rng(11);
  const w = tf.variable(tf.tensor2d(values(r, 300 * 7), [300, 7]), true, `w_${backend}`);
  const b = tf.variable(tf.tensor1d(values(r, 7)), true, `b_${backend}`);
  const x = tf.tensor2d(values(r, 5 * 300), [5, 300]);
  const opt = make();
  const loss = () => tf.tanh(tf.matMul(x, w).add(b)).sub(0.5).square().sum() as tf.Scalar;
  for (let i = 0; i < 3; i++) opt.minimize(loss, false, [w, b]);
  // One more step under the profiler, to see which kernels the update ran.
  const grads = tf.variableGrads(loss, [w, b]);
  const profile = await tf.profile(() => opt.applyGradients(grads.grads));
  tf.dispose([grads.value, ...Object.values(grads.grads)]);
  const state = await opt.getWeights();
  const out = {
    weights: await Promise.all([w, b].map((t) => t.data() as Promise<Float32Array>)),
    state: await Promise.all(state.map((s) => s.tensor.data() as Promise<Float32Array>)),
    names: state.map((s) => s.name.replace(`_${backend}`, '')),
    kernels: profile.kernelNames,
  };
  tf.dispose([w, b, x, ...state.map((s) => s.tensor)]);
  opt.dispose();
  return out;
}

describe.skipIf(!status.ok)('fused Adam (webgpu)', () => {
  it('matches tfjs Adam on cpu: weights, moments and their names, after four steps', async () => {
    const gpu = await train('webgpu', () => new FusedAdamOptimizer(0.01, 0.9, 0.999, 1e-7));
    const cpu = await train('cpu', () => tf.train.adam(0.01, 0.9, 0.999, 1e-7));
    expect(gpu.names).toEqual(cpu.names);
    gpu.weights.forEach((w, i) => expect(relErr(w, cpu.weights[i])).toBeLessThan(1e-5));
    gpu.state.forEach((s, i) => expect(relErr(s, cpu.state[i])).toBeLessThan(1e-5));
    // tfjs's Adam runs Sqrt, RealDiv, Add, Sub, Square, Multiply per weight; the fused update runs its own
    // dispatch (not a tfjs kernel) and only the accBeta products as tfjs kernels.
    expect(cpu.kernels).toEqual(expect.arrayContaining(['Sqrt', 'RealDiv', 'Add', 'Square']));
    expect(gpu.kernels).toEqual(['Multiply']);
  });

  it('does not write through a tensor that shares a weight’s buffer', async () => {
    await tf.setBackend('webgpu');
    const init = tf.tensor1d([1, 2, 3, 4]);
    const w = tf.variable(init, true, 'shared_w'); // shares init's data until the first update
    const opt = new FusedAdamOptimizer(0.1, 0.9, 0.999, 1e-7);
    opt.minimize(() => w.square().sum() as tf.Scalar, false, [w]);
    expect(Array.from(await init.data())).toEqual([1, 2, 3, 4]);
    const after = await w.data();
    [1, 2, 3, 4].forEach((v, i) => expect(after[i]).toBeCloseTo(v - 0.1, 5)); // Adam's first step moves each weight by lr
    tf.dispose([init, w]);
    opt.dispose();
  });
});
