/**
 * GoogLeNet (Inception v1) from the Inception block, with the widths of Szegedy et al. 2014, Table 1.
 * Without the two auxiliary classifiers and without local response normalization (no standard tfjs layer).
 */
import type { DesignDocument } from '../../engine/schema/document';
import type { TemplateOptions } from '../types';
import { DesignBuilder } from '../../engine/build/design-builder';

/** Table 1: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj. */
const INCEPTION: Record<string, [number, number, number, number, number, number]> = {
  '3a': [64, 96, 128, 16, 32, 32],
  '3b': [128, 128, 192, 32, 96, 64],
  '4a': [192, 96, 208, 16, 48, 64],
  '4b': [160, 112, 224, 24, 64, 64],
  '4c': [128, 128, 256, 24, 64, 64],
  '4d': [112, 144, 288, 32, 64, 64],
  '4e': [256, 160, 320, 32, 128, 128],
  '5a': [256, 160, 320, 32, 128, 128],
  '5b': [384, 192, 384, 48, 128, 128],
};

/** GoogLeNet at 224x224x3 / 1000 by default. */
export function buildGoogLeNet(options: TemplateOptions = {}): DesignDocument {
  const b = new DesignBuilder('GoogLeNet', {
    description: 'GoogLeNet (Inception v1): a 7x7/2 stem and nine Inception modules (parallel 1x1, 3x3, 5x5 convolutions and pooling, concatenated), global average pooling, dropout 0.4 and a linear classifier. Without auxiliary heads and LRN.',
    source: 'Szegedy et al. Going Deeper with Convolutions. CVPR 2015 (arXiv:1409.4842), Table 1.',
  });
  const inception = (x: string, id: string) => {
    const [f1, r3, f3, r5, f5, pp] = INCEPTION[id];
    return b.add('Inception', { filters1x1: f1, filters3x3Reduce: r3, filters3x3: f3, filters5x5Reduce: r5, filters5x5: f5, poolProj: pp }, x, `inception_${id}`);
  };
  const maxPool = (x: string, name: string) => b.add('MaxPool2D', { poolSize: [3, 3], strides: [2, 2], padding: 'same' }, x, name);
  let x = b.input(options.inputShape ?? [224, 224, 3]);
  x = b.add('Conv2D', { filters: 64, kernelSize: [7, 7], strides: [2, 2], padding: 'same', activation: 'relu' }, x, 'conv1_7x7_s2');
  x = maxPool(x, 'pool1_3x3_s2');
  x = b.add('Conv2D', { filters: 64, kernelSize: [1, 1], activation: 'relu' }, x, 'conv2_3x3_reduce');
  x = b.add('Conv2D', { filters: 192, kernelSize: [3, 3], padding: 'same', activation: 'relu' }, x, 'conv2_3x3');
  x = maxPool(x, 'pool2_3x3_s2');
  x = inception(x, '3a');
  x = inception(x, '3b');
  x = maxPool(x, 'pool3_3x3_s2');
  for (const id of ['4a', '4b', '4c', '4d', '4e']) x = inception(x, id);
  x = maxPool(x, 'pool4_3x3_s2');
  x = inception(x, '5a');
  x = inception(x, '5b');
  x = b.add('GlobalAvgPool2D', {}, x, 'pool5_7x7_s1');
  x = b.add('Dropout', { rate: 0.4 }, x, 'pool5_drop');
  x = b.add('Dense', { units: options.classes ?? 1000, activation: 'softmax' }, x, 'loss3_classifier');
  b.output(x);
  return b.build();
}
