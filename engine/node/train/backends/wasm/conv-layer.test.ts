import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTraining } from './index';
import { onBackend, relErr, rng, values } from './test-helpers';

beforeAll(async () => {
  await registerWasmTraining(tf);
});

/** A Conv2D layer's output and the gradients of a weighted sum for its input, kernel and bias. */
function convLayerGrads(activation: 'linear' | 'relu' | 'tanh', padding: 'same' | 'valid', strides: number, ci = 3, co = 4) {
  return () => {
    const r = rng(21);
    const layer = tf.layers.conv2d({ filters: co, kernelSize: 3, strides, padding, activation });
    layer.build([2, 7, 6, ci]);
    layer.setWeights([tf.tensor4d(values(r, 3 * 3 * ci * co), [3, 3, ci, co]), tf.tensor1d(values(r, co))]);
    const x = tf.tensor4d(values(r, 2 * 7 * 6 * ci), [2, 7, 6, ci]);
    const y = layer.apply(x) as tf.Tensor;
    const w = tf.tensor(values(r, y.size), y.shape);
    const f = (input: tf.Tensor) => (layer.apply(input) as tf.Tensor).mul(w).sum() as tf.Scalar;
    const { grads } = tf.variableGrads(() => f(x), layer.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val));
    return [y, tf.grad(f)(x), ...Object.keys(grads).sort().map((k) => grads[k])];
  };
}

describe('Conv2D layer while training on wasm (unfused, pruned gradients)', () => {
  it.each([
    { activation: 'linear' as const, padding: 'same' as const, strides: 1 },
    { activation: 'relu' as const, padding: 'valid' as const, strides: 2 },
    { activation: 'tanh' as const, padding: 'same' as const, strides: 2 },
    // Channels the SIMD forward kernel takes (bias and relu inside it).
    { activation: 'relu' as const, padding: 'same' as const, strides: 1, ci: 8, co: 16 },
    { activation: 'linear' as const, padding: 'valid' as const, strides: 2, ci: 16, co: 8 },
  ])('$activation $padding stride $strides (channels $ci → $co) matches cpu', async (c) => {
    const wasm = await onBackend('wasm', convLayerGrads(c.activation, c.padding, c.strides, c.ci, c.co));
    const cpu = await onBackend('cpu', convLayerGrads(c.activation, c.padding, c.strides, c.ci, c.co));
    expect(wasm.length).toBe(4);
    wasm.forEach((v, i) => expect(relErr(v, cpu[i]), `output ${i}`).toBeLessThan(1e-5));
  });

  it('runs conv + bias + relu as one kernel, without separate Add and Relu passes, forward and backward', async () => {
    await tf.setBackend('wasm');
    const model = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 8, kernelSize: 3, activation: 'relu' }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu' }), tf.layers.flatten(), tf.layers.dense({ units: 2 }),
    ] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const x = tf.tensor4d(values(rng(3), 2 * 8 * 8 * 3), [2, 8, 8, 3]), y = tf.tensor2d([1, 0, 0, 1], [2, 2]);
    const info = await tf.profile(async () => {
      await model.trainOnBatch(x, y);
    });
    const names = info.kernels.map((k) => k.name);
    expect(names.filter((n) => n === 'LayerLoomConv2DBiasAct')).toHaveLength(2);
    expect(names).not.toContain('Relu');
    expect(names.filter((n) => n === 'Conv2DBackpropInput')).toHaveLength(1); // the second layer's only
    tf.dispose([x, y]);
    model.dispose();
  });

  it('computes no input gradient for a first layer (its input is data)', async () => {
    await tf.setBackend('wasm');
    const model = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3 }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const x = tf.tensor4d(values(rng(2), 2 * 8 * 8 * 3), [2, 8, 8, 3]), y = tf.tensor2d([1, 0, 0, 1], [2, 2]);
    const info = await tf.profile(async () => {
      await model.trainOnBatch(x, y);
    });
    const names = info.kernels.map((k) => k.name);
    expect(names).toContain('Conv2DBackpropFilter');
    expect(names).not.toContain('Conv2DBackpropInput');
    tf.dispose([x, y]);
    model.dispose();
  });
});
