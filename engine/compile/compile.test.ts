import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DesignBuilder } from '../build/design-builder';
import { listTemplates, requireTemplate } from '../../templates/index';
import { analyzeDesign } from '../analysis/analyze';
import { DesignError } from '../errors';
import type { DesignDocument } from '../schema/document';
import { compileModel, modelOutputs } from './compile';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Small inputs keep weight initialization cheap; VGG-16 and ResNet-50 are also checked at full size below. */
const SMALL: Record<string, { inputShape: number[]; classes: number }> = {
  lenet5: { inputShape: [32, 32, 1], classes: 10 },
  alexnet: { inputShape: [99, 99, 3], classes: 10 },
  vgg11: { inputShape: [32, 32, 3], classes: 10 },
  vgg16: { inputShape: [32, 32, 3], classes: 10 },
  vgg19: { inputShape: [32, 32, 3], classes: 10 },
  resnet18: { inputShape: [28, 28, 1], classes: 10 },
  resnet34: { inputShape: [32, 32, 3], classes: 10 },
  resnet50: { inputShape: [32, 32, 3], classes: 10 },
  resnet101: { inputShape: [32, 32, 3], classes: 10 },
  resnet152: { inputShape: [32, 32, 3], classes: 10 },
  googlenet: { inputShape: [64, 64, 3], classes: 10 },
  'googlenet-aux': { inputShape: [96, 96, 3], classes: 10 },
  'se-resnet50': { inputShape: [32, 32, 3], classes: 10 },
  mobilenet: { inputShape: [64, 64, 3], classes: 10 },
  mobilenetv2: { inputShape: [64, 64, 3], classes: 10 },
  ghostnet: { inputShape: [32, 32, 3], classes: 10 },
  'fashion-cnn': { inputShape: [28, 28, 1], classes: 10 },
};

function expectModelMatchesAnalysis(doc: DesignDocument) {
  const analysis = analyzeDesign(doc);
  expect(analysis.valid).toBe(true);
  const model = compileModel(analysis, tf, { compile: false });
  try {
    expect(model.countParams()).toBe(analysis.totals.params);
    const trainable = model.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
    expect(trainable).toBe(analysis.totals.trainableParams);
    const layers = analysis.flat.filter((n) => n.type !== 'Output');
    expect(model.layers.length).toBe(layers.length);
    const mismatches = layers
      .map((n) => ({ layer: n.layerName, model: model.getLayer(n.layerName).outputShape, analysis: [null, ...n.outputShape] }))
      .filter((m) => JSON.stringify(m.model) !== JSON.stringify(m.analysis));
    expect(mismatches).toEqual([]);
    const outputs = modelOutputs(analysis);
    expect(model.outputs.map((o) => o.shape)).toEqual(outputs.map((o) => [null, ...analysis.flat.find((n) => n.layerName === o.layerName)!.outputShape]));
  } finally {
    model.dispose();
  }
}

describe('compileModel', () => {
  it.each(listTemplates().map((t) => [t.name] as const))('%s (small input): params and every layer shape equal the analysis', (name) => {
    expectModelMatchesAnalysis(requireTemplate(name).build(SMALL[name]));
  });

  it.each(['vgg16', 'resnet50'])('%s at full size: params and shapes equal the analysis', (name) => {
    expectModelMatchesAnalysis(requireTemplate(name).build());
  });

  it('names layers after the flat nodes and uses standard tfjs classes only', async () => {
    const doc = requireTemplate('mobilenetv2').build({ inputShape: [32, 32, 3], classes: 4 });
    const model = compileModel(doc, tf, { compile: false });
    const classes = new Set(model.layers.map((l) => l.getClassName()));
    expect([...classes].sort()).toEqual(['Activation', 'Add', 'BatchNormalization', 'Conv2D', 'Dense', 'DepthwiseConv2D', 'GlobalAveragePooling2D', 'InputLayer', 'ZeroPadding2D']);
    expect(model.getLayer('block_1_depthwise')).toBeDefined();
    // The topology round-trips through tfjs' own deserializer (what loading model.json does).
    const reloaded = await tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'] });
    expect(reloaded.countParams()).toBe(model.countParams());
    expect(reloaded.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    reloaded.dispose();
    model.dispose();
  });

  it('compiles with the Output loss and the document optimizer, and trains one step', async () => {
    const b = new DesignBuilder('tiny');
    let x = b.input([8, 8, 1]);
    x = b.add('Conv2D', { filters: 4, kernelSize: [3, 3], activation: 'relu' }, x, 'conv');
    x = b.add('Flatten', {}, x, 'flat');
    x = b.add('Dense', { units: 3, activation: 'softmax' }, x, 'probs');
    b.output(x, { loss: 'sparseCategoricalCrossentropy' });
    const doc = { ...b.build() };
    doc.training = { ...doc.training, optimizer: { ...doc.training.optimizer, type: 'sgd', learningRate: 0.1, momentum: 0 } };
    const model = compileModel(doc, tf);
    expect(model.loss).toBe('sparseCategoricalCrossentropy');
    expect(model.optimizer.getClassName()).toBe('SGD');
    const xs = tf.randomNormal([4, 8, 8, 1]);
    const ys = tf.tensor1d([0, 1, 2, 1]);
    const h = await model.fit(xs, ys, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(Number.isFinite(h.history.loss[0] as number)).toBe(true);
    const p = model.predict(xs) as tf.Tensor;
    expect(p.shape).toEqual([4, 3]);
    tf.dispose([xs, ys, p]);
    model.dispose();
  });

  it('compiles a design with two outputs (one per Output block)', () => {
    const b = new DesignBuilder('two heads');
    const x = b.add('Flatten', {}, b.input([4, 4, 2]), 'flat');
    b.output(b.add('Dense', { units: 3, activation: 'softmax' }, x, 'cls'), { loss: 'categoricalCrossentropy' }, 'out_cls');
    b.output(b.add('Dense', { units: 1 }, x, 'reg'), { loss: 'meanSquaredError' }, 'out_reg');
    const model = compileModel(b.build(), tf);
    expect(model.outputs.map((o) => o.shape)).toEqual([[null, 3], [null, 1]]);
    expect(model.loss).toEqual(['categoricalCrossentropy', 'meanSquaredError']);
    model.dispose();
  });

  it('refuses an invalid design with a DesignError that lists the errors', () => {
    const b = new DesignBuilder('broken');
    let x = b.input([28, 28, 1]);
    x = b.add('Conv2D', { filters: 8, kernelSize: [3, 3] }, x, 'conv');
    x = b.add('Dense', { units: 10 }, x, 'dense_on_image');
    const y = b.add('Conv2D', { filters: 8, kernelSize: [40, 40] }, b.input([28, 28, 1], 'input2'), 'too_big');
    b.output(x);
    b.output(y, {}, 'output2');
    let error: unknown;
    try {
      compileModel(b.build(), tf);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DesignError);
    const e = error as DesignError;
    expect(e.code).toBe('invalid-graph');
    expect(e.message).toMatch(/cannot build a model/);
    expect(e.details?.length).toBeGreaterThanOrEqual(1);
    expect(e.details?.join('\n')).toMatch(/too_big/);
  });

  it('refuses a design without an Output block', () => {
    const b = new DesignBuilder('no output');
    b.add('Dense', { units: 2 }, b.input([4]), 'd');
    expect(() => compileModel(b.build(), tf)).toThrow(DesignError);
  });
});

describe('compileModel with several inputs and outputs', () => {
  /** Two inputs added, a head `aux` reached first in the graph but created after the main Output. */
  function twoByTwo(auxWeight: number): DesignDocument {
    const b = new DesignBuilder('two by two');
    const a = b.input([6], 'in_a');
    const sum = b.add('Add', {}, [a, b.input([6], 'in_b')], 'sum');
    const aux = b.add('Dense', { units: 3, activation: 'softmax' }, sum, 'aux_dense');
    const deep = b.add('Dense', { units: 3, activation: 'softmax' }, b.add('Dense', { units: 5, activation: 'relu' }, sum, 'hidden'), 'main_dense');
    b.output(deep, {}, 'main');
    b.output(aux, { lossWeight: auxWeight }, 'aux');
    return b.build();
  }

  it('orders inputs and outputs as the document does (not as the graph reaches them)', () => {
    const analysis = analyzeDesign(twoByTwo(0.25));
    expect(analysis.flat.filter((n) => n.type === 'Input' || n.type === 'Output').map((n) => n.name)).toEqual(['in_a', 'in_b', 'main', 'aux']);
    expect(modelOutputs(analysis).map((o) => [o.name, o.layerName, o.lossWeight])).toEqual([['main', 'main_dense', 1], ['aux', 'aux_dense', 0.25]]);
    const model = compileModel(analysis, tf);
    try {
      expect(model.inputs.map((t) => t.name.split('/')[0])).toEqual(['in_a', 'in_b']);
      expect(model.outputs.map((t) => t.sourceLayer.name)).toEqual(['main_dense', 'aux_dense']);
      const x = [tf.randomNormal([4, 6], 0, 1, 'float32', 1), tf.randomNormal([4, 6], 0, 1, 'float32', 2)];
      const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
      expect(model.metricsNames.slice(1, 3)).toEqual(['main_dense_loss', 'aux_dense_loss']);
      const preds = model.predict(x) as tf.Tensor[];
      expect(preds.map((p) => p.shape)).toEqual([[4, 3], [4, 3]]);
      const mine = preds.map((p) => tf.metrics.categoricalCrossentropy(y, p).mean().dataSync()[0]);
      expect(Math.abs(mine[0] - mine[1])).toBeGreaterThan(1e-4);
    } finally {
      model.dispose();
    }
  });
});
