/**
 * Small classic CNNs written with the builder: LeNet-5, AlexNet and the Fashion-MNIST CNN.
 * Each takes the input shape and class count so users can retarget it.
 */
import type { DesignDocument } from '../../engine/schema/document';
import type { TemplateOptions } from '../types';
import { DesignBuilder } from '../../engine/build/design-builder';

/** LeNet-5 (LeCun et al. 1998): two tanh conv + average-pool stages and three dense layers; 61,706 params at 32x32x1 / 10. */
export function buildLeNet5(options: TemplateOptions = {}): DesignDocument {
  const b = new DesignBuilder('LeNet-5', {
    description: 'LeNet-5: two 5x5 tanh convolutions with average pooling, then 120-84-N dense layers. The classic digit recognizer.',
    source: 'LeCun, Bottou, Bengio, Haffner. Gradient-Based Learning Applied to Document Recognition. Proc. IEEE 1998.',
  });
  let x = b.input(options.inputShape ?? [32, 32, 1]);
  x = b.add('Conv2D', { filters: 6, kernelSize: [5, 5], activation: 'tanh' }, x, 'c1');
  x = b.add('AvgPool2D', { poolSize: [2, 2] }, x, 's2');
  x = b.add('Conv2D', { filters: 16, kernelSize: [5, 5], activation: 'tanh' }, x, 'c3');
  x = b.add('AvgPool2D', { poolSize: [2, 2] }, x, 's4');
  x = b.add('Flatten', {}, x, 'flatten');
  x = b.add('Dense', { units: 120, activation: 'tanh' }, x, 'c5');
  x = b.add('Dense', { units: 84, activation: 'tanh' }, x, 'f6');
  x = b.add('Dense', { units: options.classes ?? 10, activation: 'softmax' }, x, 'predictions');
  b.output(x);
  return b.build();
}

/**
 * AlexNet (Krizhevsky et al. 2012) as one tower (no GPU split, no local response normalization, which has no
 * standard tfjs layer): 62,378,344 params at 227x227x3 / 1000.
 */
export function buildAlexNet(options: TemplateOptions = {}): DesignDocument {
  const b = new DesignBuilder('AlexNet', {
    description: 'AlexNet: five convolutions (11x11/4, 5x5, three 3x3) with overlapping max pooling and two 4096-unit dense layers with dropout. Single-tower variant without local response normalization.',
    source: 'Krizhevsky, Sutskever, Hinton. ImageNet Classification with Deep Convolutional Neural Networks. NeurIPS 2012.',
  });
  let x = b.input(options.inputShape ?? [227, 227, 3]);
  x = b.add('Conv2D', { filters: 96, kernelSize: [11, 11], strides: [4, 4], activation: 'relu' }, x, 'conv1');
  x = b.add('MaxPool2D', { poolSize: [3, 3], strides: [2, 2] }, x, 'pool1');
  x = b.add('Conv2D', { filters: 256, kernelSize: [5, 5], padding: 'same', activation: 'relu' }, x, 'conv2');
  x = b.add('MaxPool2D', { poolSize: [3, 3], strides: [2, 2] }, x, 'pool2');
  x = b.add('Conv2D', { filters: 384, kernelSize: [3, 3], padding: 'same', activation: 'relu' }, x, 'conv3');
  x = b.add('Conv2D', { filters: 384, kernelSize: [3, 3], padding: 'same', activation: 'relu' }, x, 'conv4');
  x = b.add('Conv2D', { filters: 256, kernelSize: [3, 3], padding: 'same', activation: 'relu' }, x, 'conv5');
  x = b.add('MaxPool2D', { poolSize: [3, 3], strides: [2, 2] }, x, 'pool5');
  x = b.add('Flatten', {}, x, 'flatten');
  x = b.add('Dropout', { rate: 0.5 }, x, 'drop6');
  x = b.add('Dense', { units: 4096, activation: 'relu' }, x, 'fc6');
  x = b.add('Dropout', { rate: 0.5 }, x, 'drop7');
  x = b.add('Dense', { units: 4096, activation: 'relu' }, x, 'fc7');
  x = b.add('Dense', { units: options.classes ?? 1000, activation: 'softmax' }, x, 'fc8');
  b.output(x);
  return b.build();
}

/**
 * A small CNN for Fashion-MNIST (28x28x1, 10 classes) that trains in minutes on a CPU and reaches about 91%
 * test accuracy: conv32-pool-conv64-pool-dense128-dropout-dense10 (225,034 params).
 */
export function buildFashionCnn(options: TemplateOptions = {}): DesignDocument {
  const b = new DesignBuilder('Fashion-MNIST CNN', {
    description: 'A small, fast CNN for 28x28 grayscale images: two 3x3 convolutions (32, 64) with max pooling, a 128-unit dense layer and dropout. About 91% test accuracy on Fashion-MNIST after a few epochs.',
    source: 'Xiao, Rasul, Vollgraf. Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning Algorithms. arXiv:1708.07747, 2017 (benchmark CNN).',
    // Adam with a cosine decay over 12 epochs (the run reported on issue 4 used these settings).
    training: { batchSize: 64, epochs: 12, optimizer: { type: 'adam', learningRate: 0.001 }, schedule: { type: 'cosine' } },
  });
  let x = b.input(options.inputShape ?? [28, 28, 1]);
  x = b.add('Conv2D', { filters: 32, kernelSize: [3, 3], activation: 'relu' }, x, 'conv1');
  x = b.add('MaxPool2D', { poolSize: [2, 2] }, x, 'pool1');
  x = b.add('Conv2D', { filters: 64, kernelSize: [3, 3], activation: 'relu' }, x, 'conv2');
  x = b.add('MaxPool2D', { poolSize: [2, 2] }, x, 'pool2');
  x = b.add('Flatten', {}, x, 'flatten');
  x = b.add('Dense', { units: 128, activation: 'relu' }, x, 'fc1');
  x = b.add('Dropout', { rate: 0.3 }, x, 'dropout');
  x = b.add('Dense', { units: options.classes ?? 10, activation: 'softmax' }, x, 'predictions');
  b.output(x);
  return b.build();
}
