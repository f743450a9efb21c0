/** Small designs for the inspector's tests, compiled through the real compiler (test support, not shipped). */
import type * as tfjs from '@tensorflow/tfjs';
import { compileModel, type Tf } from '../compile/compile';
import { DesignBuilder } from '../build/design-builder';
import type { DesignDocument } from '../schema/document';

/**
 * Input 8×8×2 → conv_a 3×3 (4, relu) → bn → conv_b 3×3 stride 2 (6, relu) → add with a 1×1 stride-2 shortcut
 * from conv_a (a skip connection that jumps over conv_b, the Grad-CAM cut) → Flatten → Dense 3 softmax.
 */
export function skipDesign(): DesignDocument {
  const b = new DesignBuilder('skip');
  const x = b.input([8, 8, 2]);
  const a = b.add('Conv2D', { filters: 4, kernelSize: [3, 3], padding: 'same', activation: 'relu' }, x, 'conv_a');
  const n = b.add('BatchNormalization', {}, a, 'bn');
  const c = b.add('Conv2D', { filters: 6, kernelSize: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu' }, n, 'conv_b');
  const s = b.add('Conv2D', { filters: 6, kernelSize: [1, 1], strides: [2, 2] }, a, 'shortcut');
  const m = b.add('Add', {}, [c, s], 'merge');
  const f = b.add('Flatten', {}, m, 'flatten');
  const d = b.add('Dense', { units: 3, activation: 'softmax' }, f, 'head');
  b.output(d);
  return b.build();
}

/** Input 10×10×3 → conv 3×3 (5, relu) → GlobalAvgPool → Dense 4 softmax: the shape plain CAM applies to. */
export function gapDesign(): DesignDocument {
  const b = new DesignBuilder('gap');
  const x = b.input([10, 10, 3]);
  const c = b.add('Conv2D', { filters: 5, kernelSize: [3, 3], activation: 'relu' }, x, 'conv');
  const g = b.add('GlobalAvgPool2D', {}, c, 'gap');
  const d = b.add('Dense', { units: 4, activation: 'softmax' }, g, 'head');
  b.output(d);
  return b.build();
}

/**
 * Two outputs: Input 8×8×2 → conv_a 3×3 (4, relu) → conv_b 3×3 stride 2 (5, relu) → Flatten → Dense 3 softmax
 * (`main`), and conv_a → GlobalAvgPool → Dense 3 softmax (`aux`), so a map at conv_a has one meaning per output.
 */
export function twoHeadDesign(): DesignDocument {
  const b = new DesignBuilder('two-head');
  const x = b.input([8, 8, 2]);
  const a = b.add('Conv2D', { filters: 4, kernelSize: [3, 3], padding: 'same', activation: 'relu' }, x, 'conv_a');
  const c = b.add('Conv2D', { filters: 5, kernelSize: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu' }, a, 'conv_b');
  const f = b.add('Flatten', {}, c, 'flatten');
  b.output(b.add('Dense', { units: 3, activation: 'softmax' }, f, 'main_head'), {}, 'main');
  const g = b.add('GlobalAvgPool2D', {}, a, 'gap');
  b.output(b.add('Dense', { units: 3, activation: 'softmax' }, g, 'aux_head'), {}, 'aux');
  return b.build();
}

/** Compiles a design and gives every weight seeded random values (BatchNorm statistics included). */
export function randomModel(tf: Tf, doc: DesignDocument, seed = 1): tfjs.LayersModel {
  const model = compileModel(doc, tf, { compile: false });
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  model.setWeights(model.weights.map((v) => {
    const w = v.read();
    const positive = /variance/.test(v.name);
    return tf.tensor(Array.from({ length: w.size }, () => (positive ? 0.5 + rand() : rand() * 2 - 1)), w.shape);
  }));
  return model;
}

/** A seeded random batch `[n, ...shape]` in [0, 1]. */
export function randomInput(tf: Tf, n: number, shape: number[], seed = 7): tfjs.Tensor4D {
  let s = seed;
  const size = n * shape.reduce((a, b) => a * b, 1);
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  return tf.tensor4d(Array.from({ length: size }, rand), [n, ...shape] as [number, number, number, number]);
}
