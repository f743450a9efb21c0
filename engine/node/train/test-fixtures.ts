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
