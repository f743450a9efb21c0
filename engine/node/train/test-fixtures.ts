/** Small designs for the training tests (tiny, so the pure-JS `cpu` backend trains them in well under a second). */
import { DesignBuilder } from '../../build/design-builder';
import type { DesignDocument } from '../../schema/document';

/** Input 28×28×1 → Conv 4 3×3 stride 2 (relu) → MaxPool 2 → Flatten → Dense `classes` softmax → Output. */
export function tinyCnn(classes = 10, input: number[] = [28, 28, 1], activation = 'relu'): DesignDocument {
  const b = new DesignBuilder('tiny-cnn');
  let x = b.input(input);
  x = b.add('Conv2D', { filters: 4, kernelSize: [3, 3], strides: [2, 2], activation }, x, 'conv');
  x = b.add('MaxPool2D', { poolSize: [2, 2] }, x, 'pool');
  x = b.add('Flatten', {}, x, 'flatten');
  x = b.add('Dense', { units: classes, activation: 'softmax' }, x, 'logits');
  b.output(x);
  return b.build();
}

/**
 * Two heads on one trunk: Input → Conv → Flatten → Dense `classes` softmax → Output `output` (weight 1), and an
 * auxiliary Dense `auxClasses` softmax → Output `aux_output` (weight `auxWeight`) on the flattened features.
 * With `twoInputs`, a second Input of the same shape is concatenated with the first before the convolution.
 */
export function twoHeadCnn(opts: { classes?: number; auxClasses?: number; auxWeight?: number; twoInputs?: number[] } = {}): DesignDocument {
  const classes = opts.classes ?? 10;
  const b = new DesignBuilder('two-head-cnn');
  let x = b.input([28, 28, 1]);
  if (opts.twoInputs) x = b.add('Concatenate', {}, [x, b.input(opts.twoInputs, 'input_b')], 'concat');
  x = b.add('Conv2D', { filters: 4, kernelSize: [3, 3], strides: [2, 2], activation: 'relu' }, x, 'conv');
  x = b.add('MaxPool2D', { poolSize: [2, 2] }, x, 'pool');
  const features = b.add('Flatten', {}, x, 'flatten');
  const aux = b.add('Dense', { units: opts.auxClasses ?? classes, activation: 'softmax' }, features, 'aux_logits');
  const main = b.add('Dense', { units: classes, activation: 'softmax' }, features, 'logits');
  b.output(main);
  b.output(aux, { lossWeight: opts.auxWeight ?? 0.3 }, 'aux_output');
  return b.build();
}
