import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { classActivationMaps, plainCamWeights } from './cam';
import { scoresFrom, traceModel } from './executor';
import { gapDesign, randomInput, randomModel, skipDesign, twoHeadDesign } from './test-models';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Grad-CAM's coarse map from gradients taken by central finite differences of the class score. */
function finiteDifferenceCam(model: tf.LayersModel, x: tf.Tensor4D, layer: string, cls: number, eps: number): Float32Array {
  const trace = traceModel(tf, model, x);
  const a = trace.output(layer);
  const [, h, w, c] = a.shape as number[];
  const base = Float32Array.from(a.dataSync());
  const score = scoresFrom(tf, model, trace, layer);
  const at = (values: Float32Array) => tf.tidy(() => score(tf.tensor(values, a.shape)).dataSync()[cls]);
  const alpha = new Float64Array(c);
  for (let i = 0; i < base.length; i++) {
    const plus = base.slice();
    const minus = base.slice();
    plus[i] += eps;
    minus[i] -= eps;
    alpha[i % c] += (at(plus) - at(minus)) / (2 * eps) / (h * w);
  }
  const map = new Float32Array(h * w);
  for (let p = 0; p < h * w; p++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += alpha[k] * base[p * c + k];
    map[p] = Math.max(0, s);
  }
  trace.dispose();
  return map;
}

describe('Grad-CAM', () => {
  it('re-runs the layers after the cut to the same probabilities as the model (softmax of the scores)', () => {
    const model = randomModel(tf, skipDesign(), 2);
    const x = randomInput(tf, 3, [8, 8, 2], 4);
    const trace = traceModel(tf, model, x);
    const probs = tf.softmax(scoresFrom(tf, model, trace, 'conv_a')(trace.output('conv_a'))).dataSync();
    const ref = (model.predict(x) as tf.Tensor).dataSync();
    probs.forEach((p, i) => expect(p).toBeCloseTo(ref[i], 5));
    trace.dispose();
  });

  for (const layer of ['conv_a', 'conv_b']) {
    it(`matches a finite-difference gradient at ${layer} (skip connection ${layer === 'conv_b' ? 'jumping over' : 'leaving from'} the cut), for every class`, async () => {
      const model = randomModel(tf, skipDesign(), 9);
      const x = randomInput(tf, 1, [8, 8, 2], 21);
      for (const cls of [0, 1, 2]) {
        const [cam] = await classActivationMaps(tf, model, x, layer, { classes: [cls], method: 'grad-cam' });
        expect(cam.method).toBe('grad-cam');
        const fd = finiteDifferenceCam(model, x, layer, cls, 1e-3);
        const scale = Math.max(...fd, 1e-6);
        expect(Math.max(...fd)).toBeGreaterThan(0);
        cam.coarse.values.forEach((v, i) => expect(Math.abs(v - fd[i]) / scale).toBeLessThan(2e-2));
      }
    });
  }

  it('is in [0, 1] at the input resolution, peaks at 1, and follows the chosen class', async () => {
    const model = randomModel(tf, skipDesign(), 9);
    const x = randomInput(tf, 2, [8, 8, 2], 21);
    const [p, q] = await classActivationMaps(tf, model, x, 'conv_b', { classes: [undefined, 2] });
    expect(p.classIndex).toBe(p.predicted);
    expect(q.classIndex).toBe(2);
    expect(p.heatmap).toHaveLength(64);
    expect(Math.max(...p.heatmap)).toBeCloseTo(1, 6);
    expect(Math.min(...p.heatmap)).toBeGreaterThanOrEqual(0);
    expect(p.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    await expect(classActivationMaps(tf, model, x, 'conv_b', { classes: [3, 3] })).rejects.toThrow(/class 3 is out of range: the model has 3 classes/);
  });
});

describe('plain CAM', () => {
  it('applies only to global average pooling + one Dense, and equals Grad-CAM there once scaled', async () => {
    const model = randomModel(tf, gapDesign(), 13);
    expect(plainCamWeights(model, 'conv')).not.toBeNull();
    expect(plainCamWeights(randomModel(tf, skipDesign()), 'conv_b')).toBeNull();
    const x = randomInput(tf, 2, [10, 10, 3], 5);
    const plain = await classActivationMaps(tf, model, x, 'conv', { classes: [1, 3] });
    const grad = await classActivationMaps(tf, model, x, 'conv', { classes: [1, 3], method: 'grad-cam' });
    expect(plain.map((r) => r.method)).toEqual(['cam', 'cam']);
    plain.forEach((r, i) => {
      expect(Math.max(...r.heatmap)).toBeGreaterThan(0);
      r.heatmap.forEach((v, j) => expect(v).toBeCloseTo(grad[i].heatmap[j], 4));
    });
    await expect(classActivationMaps(tf, randomModel(tf, skipDesign()), randomInput(tf, 1, [8, 8, 2]), 'conv_b', { method: 'cam' })).rejects.toThrow(/plain CAM needs/);
  });
});

describe('several outputs', () => {
  it('explains the chosen output: output 1 differs from output 0 and equals the map computed from its own Dense kernel', async () => {
    const model = randomModel(tf, twoHeadDesign(), 17);
    expect(model.outputs).toHaveLength(2);
    const x = randomInput(tf, 1, [8, 8, 2], 3);
    const preds = (model.predict(x) as tf.Tensor[]).map((t) => Array.from(t.dataSync()));
    const cls = 1;
    const [first] = await classActivationMaps(tf, model, x, 'conv_a', { classes: [cls], method: 'grad-cam' });
    const [second] = await classActivationMaps(tf, model, x, 'conv_a', { classes: [cls], method: 'grad-cam', output: 1 });
    expect([first.output, second.output]).toEqual([0, 1]);
    // Each map reports the probabilities of its own output.
    first.probabilities.forEach((p, i) => expect(p).toBeCloseTo(preds[0][i], 5));
    second.probabilities.forEach((p, i) => expect(p).toBeCloseTo(preds[1][i], 5));
    expect(second.predicted).toBe(preds[1].indexOf(Math.max(...preds[1])));
    // Direct computation for output 1 (conv_a → GAP → Dense): d z_c / d A[p, k] = W[k, c] / (h·w) everywhere, so
    // Grad-CAM's coarse map is relu(Σ_k A[p, k] W[k, c]) / (h·w), with A read by tfjs' own sub-model.
    const convA = model.getLayer('conv_a');
    const a = (tf.model({ inputs: model.inputs, outputs: convA.output as tf.SymbolicTensor }).predict(x) as tf.Tensor).dataSync();
    const kernel = model.getLayer('aux_head').getWeights()[0].dataSync();
    const [h, w, c] = [8, 8, 4];
    const direct = Array.from({ length: h * w }, (_, p) => {
      let s = 0;
      for (let k = 0; k < c; k++) s += a[p * c + k] * kernel[k * 3 + cls];
      return Math.max(0, s) / (h * w);
    });
    expect(Math.max(...direct)).toBeGreaterThan(0);
    second.coarse.values.forEach((v, i) => expect(v).toBeCloseTo(direct[i], 5));
    // Plain CAM applies to output 1 (GAP + Dense) but not to output 0 (Flatten + Dense).
    const [plain] = await classActivationMaps(tf, model, x, 'conv_a', { classes: [cls], output: 1 });
    expect(plain.method).toBe('cam');
    expect(first.method).toBe('grad-cam');
    // The two outputs' maps differ.
    const diff = Math.max(...first.heatmap.map((v, i) => Math.abs(v - second.heatmap[i])));
    expect(diff).toBeGreaterThan(0.05);
    await expect(classActivationMaps(tf, model, x, 'conv_a', { output: 2 })).rejects.toThrow(/output 2 is out of range: the model has 2 outputs/);
  });
});
