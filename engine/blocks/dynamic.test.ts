/**
 * DynamicConv2D: the analysis' counts equal the tfjs layer; the layer equals, example by example, a convolution
 * with the attention-mixed kernel Σ π_k W_k (the definition, Chen et al. 2020, eq. 1-2); its gradients match
 * finite differences; it trains; the PyTorch export computes the same function.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeDesign } from '../analysis/analyze';
import { DesignBuilder } from '../build/design-builder';
import { generateCode } from '../codegen';
import { compileModel } from '../compile/compile';
import { dynamicConvClass } from '../compile/custom-layers/dynamic-conv';
import { expectGradientsMatch, layerVariables } from '../compile/custom-layers/test-grad-check';
import { PYTHON, pythonHas, randomizeWeights, torchMaxDiff } from './test-torch-compare';

const TORCH = pythonHas('torch');
if (!TORCH) console.log(`SKIP DynamicConv2D PyTorch numerics: '${PYTHON} -c "import torch"' failed; install Debian's python3-torch`);

function design(padding: 'same' | 'valid' = 'same') {
  const b = new DesignBuilder('dyn');
  let x = b.input([8, 9, 4]);
  x = b.add('DynamicConv2D', { filters: 6, kernels: 3, reduction: 2, strides: [2, 2], padding, activation: 'relu', temperature: 2 }, x, 'dyn');
  x = b.add('GlobalAvgPool2D', {}, x, 'gap');
  b.output(b.add('Dense', { units: 3, activation: 'softmax' }, x, 'head'));
  return b.build();
}

let seed = 11;
const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
const input = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rnd() * 2), shape);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('DynamicConv2D', () => {
  it('analysis counts equal the tfjs layer (K kernels and biases plus the attention MLP)', () => {
    const a = analyzeDesign(design());
    const model = compileModel(a, tf, { compile: false });
    expect(model.countParams()).toBe(a.totals.params);
    expect(a.nodes.dyn.params.trainable).toBe(3 * (9 * 4 * 6 + 6) + (4 * 2 + 2) + (2 * 3 + 3));
    expect(a.nodes.dyn.outputShape).toEqual([4, 5, 6]);
    model.dispose();
  });

  it('equals a convolution with the attention-mixed kernel, example by example', () => {
    const Cls = dynamicConvClass(tf);
    const layer = new Cls({ filters: 5, kernelSize: [3, 3], strides: [1, 1], padding: 'same', dilationRate: [1, 1], useBias: true, activation: 'linear', kernels: 4, attentionUnits: 3, temperature: 1 });
    layer.build([null, 6, 7, 2]);
    layer.setWeights(layer.getWeights().map((w) => input(w.shape)));
    const x = input([3, 6, 7, 2]);
    const got = layer.apply(x) as tf.Tensor;
    const [kernel, bias] = layer.getWeights();
    const pi = (layer as unknown as { attention(t: tf.Tensor4D): tf.Tensor2D }).attention(x as tf.Tensor4D).arraySync();
    for (let b = 0; b < 3; b++) {
      const kernels = kernel.reshape([3, 3, 2, 4, 5]);
      const mixedW = kernels.mul(tf.tensor1d(pi[b]).reshape([1, 1, 1, 4, 1])).sum(3) as tf.Tensor4D;
      const mixedB = bias.reshape([4, 5]).mul(tf.tensor1d(pi[b]).reshape([4, 1])).sum(0);
      const want = tf.conv2d(x.slice([b, 0, 0, 0], [1, 6, 7, 2]) as tf.Tensor4D, mixedW, 1, 'same').add(mixedB);
      expect(tf.max(tf.abs(got.slice([b, 0, 0, 0], [1, 6, 7, 5]).sub(want))).dataSync()[0]).toBeLessThan(1e-5);
    }
    // The attention is a distribution over the K kernels, different per example.
    for (const row of pi) expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    expect(pi[0]).not.toEqual(pi[1]);
  });

  it('its gradients match finite differences (kernels and attention)', () => {
    const model = compileModel(analyzeDesign(design()), tf, { compile: false });
    randomizeWeights(tf, model, 5);
    const layer = model.getLayer('dyn');
    const x = input([2, 8, 9, 4]);
    expectGradientsMatch(tf, () => tf.sum(tf.square(model.predict(x) as tf.Tensor)) as tf.Scalar, layerVariables(layer));
    model.dispose();
  });

  it('trains: a few fit steps lower the loss', async () => {
    const model = compileModel(analyzeDesign(design()), tf);
    const xs = input([12, 8, 9, 4]);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 'int32'), 3);
    const h = await model.fit(xs, ys, { epochs: 8, batchSize: 12, verbose: 0, shuffle: false });
    const loss = h.history.loss as number[];
    expect(loss[loss.length - 1]).toBeLessThan(loss[0]);
    model.dispose();
  });

  it('is refused by Keras with the reason and exported to PyTorch', () => {
    expect(() => generateCode(design(), 'keras')).toThrow(/DynamicConv2D cannot be exported to Keras/);
    expect(generateCode(design(), 'pytorch')[0].contents).toContain('nn.Conv2d(4, 18');
  });

  it.skipIf(!TORCH).each(['same', 'valid'] as const)('the PyTorch module computes what the tfjs layer computes (%s)', (padding) => {
    const doc = design(padding);
    const model = compileModel(analyzeDesign(doc), tf, { compile: false });
    randomizeWeights(tf, model, 9);
    expect(torchMaxDiff(tf, doc, model, input([2, 8, 9, 4]), `dynamic-${padding}`)).toBeLessThan(1e-4);
    model.dispose();
  });
});
