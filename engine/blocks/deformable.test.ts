/**
 * DeformableConv2D end to end: the analysis' counts match the tfjs layer, the receptive field is reported as a
 * lower bound (and stays one downstream), and the PyTorch export (torchvision.ops.DeformConv2d) computes the same
 * function as the tfjs layer with learned, fractional offsets.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeDesign } from '../analysis/analyze';
import { DesignBuilder } from '../build/design-builder';
import { generateCode } from '../codegen';
import { compileModel } from '../compile/compile';
import { PYTHON, pythonHas, randomizeWeights, torchMaxDiff } from './test-torch-compare';

const TORCHVISION = pythonHas('torchvision');
if (!TORCHVISION) console.log(`SKIP DeformableConv2D PyTorch numerics: '${PYTHON} -c "import torchvision"' failed; install Debian's python3-torchvision (scripts/setup.sh does)`);

function design(modulation: boolean) {
  const b = new DesignBuilder('dcn');
  let x = b.input([9, 10, 3]);
  x = b.add('DeformableConv2D', { filters: 4, kernelSize: [3, 3], strides: [2, 2], padding: 'same', modulation, activation: 'relu' }, x, 'dcn');
  x = b.add('Conv2D', { filters: 2, kernelSize: [3, 3], padding: 'same' }, x, 'after');
  x = b.add('Flatten', {}, x, 'flat');
  b.output(b.add('Dense', { units: 3, activation: 'softmax' }, x, 'head'));
  return b.build();
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('DeformableConv2D block', () => {
  it('analysis counts equal the tfjs layer; the receptive field is a lower bound from there on', () => {
    const a = analyzeDesign(design(true));
    expect(a.valid).toBe(true);
    const model = compileModel(a, tf, { compile: false });
    expect(model.countParams()).toBe(a.totals.params);
    // 3x3x3 kernel to 4 filters + bias, offsets (18) and modulation (9) predicted by 3x3x3 convolutions with bias.
    expect(a.nodes.dcn.params.trainable).toBe(27 * 4 + 4 + 27 * 27 + 27);
    expect(a.nodes.dcn.receptiveField).toMatchObject({ size: [3, 3], lowerBound: true });
    expect(a.nodes.after.receptiveField).toMatchObject({ size: [7, 7], lowerBound: true });
    expect(a.nodes.input.receptiveField?.lowerBound).toBeUndefined();
    model.dispose();
  });

  it('trains: a few fit steps lower the loss (gradients through offsets, modulation and the sampled input)', async () => {
    const model = compileModel(analyzeDesign(design(true)), tf);
    const xs = tf.tensor(Float32Array.from({ length: 12 * 9 * 10 * 3 }, (_, i) => Math.sin(i * 0.37)), [12, 9, 10, 3]);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 'int32'), 3);
    const h = await model.fit(xs, ys, { epochs: 8, batchSize: 12, verbose: 0, shuffle: false });
    const loss = h.history.loss as number[];
    expect(loss.every(Number.isFinite)).toBe(true);
    expect(loss[loss.length - 1]).toBeLessThan(loss[0]);
    model.dispose();
  });

  it('is refused by the Keras and TypeScript exports with the reason, exported to PyTorch', () => {
    expect(() => generateCode(design(true), 'keras')).toThrow(/DeformableConv2D cannot be exported to Keras: Keras has no deformable convolution layer/);
    expect(() => generateCode(design(true), 'ts')).toThrow(/export to PyTorch \(torchvision.ops.DeformConv2d\)/);
    expect(generateCode(design(true), 'pytorch')[0].contents).toContain('torchvision.ops.DeformConv2d(3, 4');
  });

  it.skipIf(!TORCHVISION).each([true, false])('the PyTorch module computes what the tfjs layer computes (modulation %s)', (modulation) => {
    const doc = design(modulation);
    const model = compileModel(analyzeDesign(doc), tf, { compile: false });
    // Random weights everywhere: offsets move taps by fractions of a pixel and off the image.
    randomizeWeights(tf, model, 7);
    let seed = 3;
    const x = tf.tensor(Float32Array.from({ length: 2 * 9 * 10 * 3 }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2), [2, 9, 10, 3]);
    expect(torchMaxDiff(tf, doc, model, x, `dcn-${modulation}`)).toBeLessThan(1e-4);
    model.dispose();
  });
});
