import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bilinearSample, deformableConvClass, type DeformableConvConfig } from './deformable-conv';
import { expectGradientsMatch, layerVariables } from './test-grad-check';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A deterministic pseudo-random tensor. */
function rand(shape: number[], seed: number, scale = 1): tf.Tensor {
  let s = seed;
  const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648 - 0.5) * 2 * scale;
  });
  return tf.tensor(values, shape);
}

function layer(config: Partial<DeformableConvConfig>, inputShape: number[]) {
  const Cls = deformableConvClass(tf);
  const l = new Cls({ filters: 3, kernelSize: [3, 3], strides: [1, 1], padding: 'same', dilationRate: [1, 1], useBias: false, activation: 'linear', modulation: false, ...config });
  l.build([null, ...inputShape]);
  return l;
}

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(a.sub(b))).dataSync()[0];

describe('DeformableConv2D', () => {
  it.each([
    ['same, stride 1', { padding: 'same', strides: [1, 1] }],
    ['valid, stride 2', { padding: 'valid', strides: [2, 2] }],
    ['same, stride 2, odd size', { padding: 'same', strides: [2, 2] }],
    ['valid, dilation 2', { padding: 'valid', dilationRate: [2, 2] }],
  ] as const)('with zero offsets is the regular convolution (%s)', (_n, c) => {
    const cfg = c as Partial<DeformableConvConfig>;
    const l = layer(cfg, [7, 9, 2]);
    const x = rand([2, 7, 9, 2], 1);
    const kernel = l.getWeights()[0];
    const expected = tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, cfg.strides ?? [1, 1], cfg.padding ?? 'same', 'NHWC', cfg.dilationRate ?? [1, 1]);
    const got = l.apply(x) as tf.Tensor;
    expect(got.shape).toEqual(expected.shape);
    expect(maxDiff(got, expected)).toBeLessThan(1e-5);
  });

  it('v2 modulation starts at sigmoid(0) = 0.5 of each tap', () => {
    const l = layer({ modulation: true }, [5, 5, 2]);
    const x = rand([1, 5, 5, 2], 2);
    const plain = tf.conv2d(x as tf.Tensor4D, l.getWeights()[0] as tf.Tensor4D, 1, 'same');
    expect(maxDiff(l.apply(x) as tf.Tensor, plain.mul(0.5))).toBeLessThan(1e-5);
  });

  it('an integer offset of (0, 1) everywhere reads the next column (zero past the right edge)', () => {
    const x = rand([1, 4, 5, 1], 3);
    const ys = tf.zeros([1, 4, 5, 1]) as tf.Tensor4D;
    const xs = tf.tensor1d([1, 2, 3, 4, 5]).reshape([1, 1, 5, 1]).tile([1, 4, 1, 1]) as tf.Tensor4D;
    const rows = tf.range(0, 4).reshape([1, 4, 1, 1]).tile([1, 1, 5, 1]) as tf.Tensor4D;
    const sampled = bilinearSample(tf, x as tf.Tensor4D, ys.add(rows) as tf.Tensor4D, xs, tf.onesLike(xs) as tf.Tensor4D).reshape([1, 4, 5, 1]);
    const shifted = tf.concat([x.slice([0, 0, 1, 0], [1, 4, 4, 1]), tf.zeros([1, 4, 1, 1])], 2);
    expect(maxDiff(sampled, shifted)).toBeLessThan(1e-6);
  });

  it('its gradients (input, kernel, offsets, modulation) match finite differences', () => {
    const l = layer({ modulation: true, useBias: true, filters: 2, strides: [2, 2] }, [5, 6, 2]);
    // Every weight seeded (the kernel's initializer is not), and fractional offsets so the bilinear
    // weights (and their gradient) are exercised; a sample point within ε of a grid line would put a
    // kink of the bilinear interpolation inside the finite difference.
    l.setWeights(l.getWeights().map((w, i) => rand(w.shape, 10 + i, i === 0 ? 0.5 : 0.4)));
    const x = rand([1, 5, 6, 2], 4);
    // The input as a variable too: its gradient (what layers before this one receive) goes through the scatter-add.
    const input = tf.variable(x, true, 'deformable_input');
    expectGradientsMatch(tf, () => tf.sum(tf.square(l.apply(input) as tf.Tensor)) as tf.Scalar, [...layerVariables(l), input]);
  });

  it('saves its config and loads back through tfjs serialization', async () => {
    const input = tf.input({ shape: [6, 6, 2] });
    const Cls = deformableConvClass(tf);
    const out = new Cls({ filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'same', dilationRate: [1, 1], useBias: true, activation: 'relu', modulation: true, name: 'dcn' }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const back = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const x = rand([1, 6, 6, 2], 5);
    expect(maxDiff(back.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor)).toBeLessThan(1e-6);
    expect(back.countParams()).toBe(model.countParams());
  });
});
