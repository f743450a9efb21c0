import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTraining } from './index';
import { AdamUpdate, AdamUpdateMomentsInPlace } from './adam';
import { onBackend, relErr, rng, values } from './test-helpers';

beforeAll(async () => {
  await registerWasmTraining(tf);
});

/** Five Adam steps on a small least-squares problem (two weight tensors, one of them not touched by step 3's loss). */
function adamSteps(names: string) {
  return () => {
    const r = rng(3);
    const w = tf.variable(tf.tensor2d(values(r, 12), [4, 3]), true, `${names}/w`);
    const b = tf.variable(tf.tensor1d(values(r, 3)), true, `${names}/b`);
    const x = tf.tensor2d(values(r, 20), [5, 4]);
    const target = tf.tensor2d(values(r, 15), [5, 3]);
    const opt = tf.train.adam(0.05, 0.8, 0.95, 1e-6);
    for (let step = 0; step < 5; step++) {
      opt.minimize(() => tf.matMul(x, w).add(b).sub(target).square().mean() as tf.Scalar, false, [w, b]);
    }
    const out = [w.clone(), b.clone()];
    opt.dispose();
    w.dispose();
    b.dispose();
    return out;
  };
}

describe('Adam on wasm (one fused kernel per weight) matches tfjs on cpu', () => {
  it('gives the same weights after five steps', async () => {
    const wasm = await onBackend('wasm', adamSteps('adam-wasm'));
    const cpu = await onBackend('cpu', adamSteps('adam-cpu'));
    wasm.forEach((v, i) => expect(relErr(v, cpu[i]), `weight ${i}`).toBeLessThan(1e-5));
    // The weights moved (a step that did nothing would match too).
    const start = values(rng(3), 12);
    expect(relErr(wasm[0], start)).toBeGreaterThan(0.05);
  });

  it('runs the fused kernel on wasm', async () => {
    await tf.setBackend('wasm');
    const info = await tf.profile(() => {
      tf.dispose(adamSteps('adam-profile')());
    });
    const names = info.kernels.map((k) => k.name);
    // The first step makes the moments; from the second on they are updated in their own buffers.
    expect(names).toContain(AdamUpdateMomentsInPlace);
    expect(names).not.toContain('Sqrt');
  });

  it('leaves a clone of the moments alone (the update then writes new tensors) and still matches cpu', async () => {
    await tf.setBackend('wasm');
    const w = tf.variable(tf.tensor1d(values(rng(4), 7)), true, 'adam-clone/w');
    const opt = tf.train.adam(0.1);
    const loss = () => w.square().sum() as tf.Scalar;
    opt.minimize(loss, false, [w]);
    const moments = opt.getWeights();
    const m = (await moments)[1].tensor;
    const snapshot = m.clone(); // shares m's buffer (refcounted), as a checkpoint's copy may
    const before = Array.from(snapshot.dataSync());
    const info = await tf.profile(() => {
      opt.minimize(loss, false, [w]);
    });
    expect(info.kernels.map((k) => k.name)).toContain(AdamUpdate);
    expect(Array.from(snapshot.dataSync())).toEqual(before);
    expect(Array.from(m.dataSync())).not.toEqual(before);
    const got = w.dataSync().slice();
    tf.dispose([snapshot, w]);
    opt.dispose();
    const [cpu] = await onBackend('cpu', () => {
      const wc = tf.variable(tf.tensor1d(values(rng(4), 7)), true, 'adam-clone/w-cpu');
      const oc = tf.train.adam(0.1);
      for (let i = 0; i < 2; i++) oc.minimize(() => wc.square().sum() as tf.Scalar, false, [wc]);
      return [wc.clone()];
    });
    expect(relErr(got, cpu)).toBeLessThan(1e-5);
  });
});
