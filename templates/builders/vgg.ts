/**
 * VGG-11/16/19 (Simonyan & Zisserman 2014) as in Keras Applications (`vgg16.py`, `vgg19.py`): 3×3 'same'
 * convolutions with ReLU in five blocks, 2×2 max pooling, and the fc1/fc2/predictions top.
 * VGG-16 at 224×224×3 with 1000 classes has 138,357,544 parameters; VGG-19 143,667,240.
 */
import type { DesignDocument } from '../../engine/schema/document';
import { DesignBuilder } from '../../engine/build/design-builder';

/** Options shared by the network builders. */
export interface NetworkOptions {
  /** Input shape without the batch dimension (default 224×224×3). */
  inputShape?: number[];
  /** Number of classes of the softmax top (default 1000). */
  classes?: number;
}

/** Convolutions per block for each depth (configurations A, D and E of the paper). */
export const VGG_CONFIGS = { 11: [1, 1, 2, 2, 2], 16: [2, 2, 3, 3, 3], 19: [2, 2, 4, 4, 4] } as const;

/** Builds VGG-`depth` as a design document. */
export function buildVgg(depth: keyof typeof VGG_CONFIGS, options: NetworkOptions = {}): DesignDocument {
  const b = new DesignBuilder(`VGG-${depth}`, {
    description: `VGG-${depth}: stacks of 3x3 convolutions and max pooling, then three fully connected layers (Keras Applications layout).`,
    source: 'Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale Image Recognition", 2014; keras/applications/vgg16.py',
  });
  let x = b.input(options.inputShape ?? [224, 224, 3]);
  VGG_CONFIGS[depth].forEach((convs, i) => {
    const filters = [64, 128, 256, 512, 512][i];
    for (let c = 1; c <= convs; c++) {
      x = b.add('Conv2D', { filters, kernelSize: [3, 3], padding: 'same', activation: 'relu' }, x, `block${i + 1}_conv${c}`);
    }
    x = b.add('MaxPool2D', { poolSize: [2, 2], strides: [2, 2] }, x, `block${i + 1}_pool`);
  });
  x = b.add('Flatten', {}, x, 'flatten');
  x = b.add('Dense', { units: 4096, activation: 'relu' }, x, 'fc1');
  x = b.add('Dense', { units: 4096, activation: 'relu' }, x, 'fc2');
  x = b.add('Dense', { units: options.classes ?? 1000, activation: 'softmax' }, x, 'predictions');
  b.output(x, { loss: 'categoricalCrossentropy' });
  return b.build();
}

/** VGG-11 (configuration A). */
export const vgg11 = (options?: NetworkOptions) => buildVgg(11, options);
/** VGG-16 (configuration D). */
export const vgg16 = (options?: NetworkOptions) => buildVgg(16, options);
/** VGG-19 (configuration E). */
export const vgg19 = (options?: NetworkOptions) => buildVgg(19, options);
