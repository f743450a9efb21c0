import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { traceModel } from './executor';
import { topFeatureMaps } from './features';
import { kernelAt, kernelsOf } from './kernels';
import { inspectableLayers, lastConvolution, resolveLayer } from './layers';
import { randomInput, randomModel, skipDesign } from './test-models';
import { analyzeDesign } from '../analysis/analyze';
import { twoHeadCnn } from '../node/train/test-fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('layer-by-layer trace', () => {
  it("gives every layer's output exactly as tfjs' own sub-model predict does, skip connection included", () => {
    const model = randomModel(tf, skipDesign());
    const x = randomInput(tf, 2, [8, 8, 2]);
    const trace = traceModel(tf, model, x);
    for (const layer of model.layers.filter((l) => l.getClassName() !== 'InputLayer')) {
      const sub = tf.model({ inputs: model.inputs, outputs: layer.output as tf.SymbolicTensor });
      const ref = sub.predict(x) as tf.Tensor;
      expect(trace.output(layer.name).shape).toEqual(ref.shape);
      expect(maxAbsDiff(trace.output(layer.name).dataSync(), ref.dataSync())).toBeLessThan(1e-5);
      ref.dispose();
    }
    expect(maxAbsDiff(trace.prediction.dataSync(), (model.predict(x) as tf.Tensor).dataSync())).toBeLessThan(1e-6);
    trace.dispose();
  });

  it('traces a model with two inputs and two outputs: the image on both inputs, the first output as the prediction', () => {
    const model = randomModel(tf, twoHeadCnn({ twoInputs: [28, 28, 1] }));
    const x = randomInput(tf, 2, [28, 28, 1]);
    const trace = traceModel(tf, model, x);
    const [main, aux] = model.predict([x, x]) as tf.Tensor[];
    expect(maxAbsDiff(trace.prediction.dataSync(), main.dataSync())).toBeLessThan(1e-6);
    expect(maxAbsDiff(trace.output('aux_logits').dataSync(), aux.dataSync())).toBeLessThan(1e-6);
    trace.dispose();
  });

  it('picks the top-N channels by mean activation, with their numbers and maps', () => {
    const model = randomModel(tf, skipDesign(), 3);
    const x = randomInput(tf, 1, [8, 8, 2], 11);
    const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer('conv_a').output as tf.SymbolicTensor });
    const ref = (sub.predict(x) as tf.Tensor4D).arraySync()[0];
    const maps = topFeatureMaps('conv_a', (sub.predict(x) as tf.Tensor).dataSync(), [8, 8, 4], 3);
    const means = [0, 1, 2, 3].map((k) => ref.flat().reduce((s, px) => s + px[k], 0) / 64);
    const order = [0, 1, 2, 3].sort((a, b) => means[b] - means[a]);
    expect(maps.channels.map((c) => c.index)).toEqual(order.slice(0, 3));
    maps.channels.forEach((c) => {
      expect(c.mean).toBeCloseTo(means[c.index], 5);
      expect(c.map[5 * 8 + 6]).toBeCloseTo(ref[5][6][c.index], 6);
    });
  });
});

describe('kernels', () => {
  it("are the conv layer's own kernel, indexed [y, x, in, out]", () => {
    const model = randomModel(tf, skipDesign(), 5);
    const set = kernelsOf(model, 'conv_b');
    expect(set.shape).toEqual([3, 3, 4, 6]);
    const ref = (model.getLayer('conv_b').getWeights()[0] as tf.Tensor4D).arraySync();
    expect(kernelAt(set, 2, 1, 3, 5)).toBeCloseTo(ref[2][1][3][5], 7);
    expect(kernelAt(set, 0, 2, 1, 0)).toBeCloseTo(ref[0][2][1][0], 7);
    expect(() => kernelsOf(model, 'bn')).toThrow(/not a convolution \(it is a BatchNormalization\)/);
  });
});

describe('layer names', () => {
  it('resolves canvas names and layer names, defaults to the last convolution, and explains refusals', () => {
    const doc = skipDesign();
    const model = randomModel(tf, doc);
    const layers = inspectableLayers(model, { document: doc, analysis: analyzeDesign(doc) });
    expect(lastConvolution(layers).layerName).toBe('shortcut');
    expect(resolveLayer(layers, undefined, 'cam').layerName).toBe('shortcut');
    expect(resolveLayer(layers, 'conv_b', 'kernels').nodeName).toBe('conv_b');
    expect(resolveLayer(layers, 'merge', 'features').className).toBe('Add');
    expect(() => resolveLayer(layers, 'nope', 'cam')).toThrow(/no node or layer named 'nope'.*conv_a, conv_b, shortcut/);
    expect(() => resolveLayer(layers, 'merge', 'cam')).toThrow(/'merge' is not a convolution \(it is a Add\)/);
    expect(() => resolveLayer(layers, 'flatten', 'features')).toThrow(/no spatial feature maps/);
  });
});
