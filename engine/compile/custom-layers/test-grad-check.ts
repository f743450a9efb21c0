/** Test support: autodiff gradients against central finite differences (float32, so loose but failing on a wrong sign or term). */
import type * as tfjs from '@tensorflow/tfjs';
import { expect } from 'vitest';

/**
 * For each variable, compares the gradient of `loss` at its first, middle and last coordinate with
 * (loss(v + ε) − loss(v − ε)) / 2ε, within `tolerance` (relative above 1).
 */
export function expectGradientsMatch(tf: typeof tfjs, loss: () => tfjs.Scalar, vars: tfjs.Variable[], eps = 1e-2, tolerance = 2e-2): void {
  const { grads } = tf.variableGrads(loss, vars);
  for (const v of vars) {
    const g = grads[v.name].dataSync();
    const base = v.dataSync().slice();
    for (const i of [0, Math.floor(base.length / 2), base.length - 1]) {
      const at = (delta: number) => {
        const copy = base.slice();
        copy[i] += delta;
        v.assign(tf.tensor(copy, v.shape));
        return loss().dataSync()[0];
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      v.assign(tf.tensor(base, v.shape));
      expect(Math.abs(numeric - g[i]), `${v.name}[${i}]: numeric ${numeric}, autodiff ${g[i]}`).toBeLessThan(tolerance * Math.max(1, Math.abs(numeric)));
    }
  }
}

/** The variables behind a layer's trainable weights. */
export const layerVariables = (layer: tfjs.layers.Layer): tfjs.Variable[] => layer.trainableWeights.map((w) => (w as unknown as { val: tfjs.Variable }).val);
