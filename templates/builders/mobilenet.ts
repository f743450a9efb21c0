/**
 * MobileNet v1 and v2 as in Keras Applications (`mobilenet.py`, `mobilenet_v2.py`, alpha 1.0), built from the
 * SeparableBlock and InvertedResidual composites: 4,253,864 and 3,538,984 params at 224x224x3 / 1000.
 */
import type { DesignDocument } from '../../engine/schema/document';
import type { TemplateOptions } from '../types';
import { DesignBuilder } from '../../engine/build/design-builder';

/** MobileNet v1's 13 depthwise-separable blocks: [pointwise filters, stride]. */
const V1_BLOCKS: Array<[number, number]> = [
  [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
  [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
];

/** MobileNet v1 (alpha 1.0, depth multiplier 1) with Keras' top: GAP -> Reshape -> Dropout -> 1x1 conv_preds -> Reshape -> softmax. */
export function buildMobileNet(options: TemplateOptions = {}): DesignDocument {
  const classes = options.classes ?? 1000;
  const b = new DesignBuilder('MobileNet', {
    description: 'MobileNet v1 (alpha 1.0): a strided 3x3 convolution and 13 depthwise-separable blocks (depthwise 3x3 + pointwise 1x1, each with batch norm and ReLU6), global average pooling and a 1x1 convolution classifier, as in Keras Applications.',
    source: 'Howard et al. MobileNets: Efficient Convolutional Neural Networks for Mobile Vision Applications. arXiv:1704.04861, 2017; Keras Applications mobilenet.py.',
  });
  let x = b.input(options.inputShape ?? [224, 224, 3]);
  x = b.add('Conv2D', { filters: 32, kernelSize: [3, 3], strides: [2, 2], padding: 'same', useBias: false }, x, 'conv1');
  x = b.add('BatchNormalization', {}, x, 'conv1_bn');
  x = b.add('Activation', { activation: 'relu6' }, x, 'conv1_relu');
  V1_BLOCKS.forEach(([filters, strides], i) => {
    x = b.add('SeparableBlock', { filters, strides, activation: 'relu6' }, x, `conv_block_${i + 1}`);
  });
  x = b.add('GlobalAvgPool2D', {}, x, 'global_average_pooling2d');
  x = b.add('Reshape', { targetShape: [1, 1, 1024] }, x, 'reshape_1');
  x = b.add('Dropout', { rate: 0.001 }, x, 'dropout');
  x = b.add('Conv2D', { filters: classes, kernelSize: [1, 1], padding: 'same' }, x, 'conv_preds');
  x = b.add('Reshape', { targetShape: [classes] }, x, 'reshape_2');
  x = b.add('Activation', { activation: 'softmax' }, x, 'predictions');
  b.output(x);
  return b.build();
}

/** MobileNet v2's inverted residual blocks: [filters, stride, expansion]. */
const V2_BLOCKS: Array<[number, number, number]> = [
  [16, 1, 1],
  [24, 2, 6], [24, 1, 6],
  [32, 2, 6], [32, 1, 6], [32, 1, 6],
  [64, 2, 6], [64, 1, 6], [64, 1, 6], [64, 1, 6],
  [96, 1, 6], [96, 1, 6], [96, 1, 6],
  [160, 2, 6], [160, 1, 6], [160, 1, 6],
  [320, 1, 6],
];

/** MobileNet v2 (alpha 1.0) as in Keras Applications. */
export function buildMobileNetV2(options: TemplateOptions = {}): DesignDocument {
  const b = new DesignBuilder('MobileNetV2', {
    description: 'MobileNet v2 (alpha 1.0): 17 inverted residual blocks (1x1 expansion, depthwise 3x3, linear 1x1 projection, identity shortcut where shapes match) between a strided 3x3 stem and a 1x1 convolution to 1280 channels, as in Keras Applications.',
    source: 'Sandler et al. MobileNetV2: Inverted Residuals and Linear Bottlenecks. CVPR 2018; Keras Applications mobilenet_v2.py.',
  });
  const bn = (x: string, name: string) => b.add('BatchNormalization', { epsilon: 0.001, momentum: 0.999 }, x, name);
  let x = b.input(options.inputShape ?? [224, 224, 3]);
  x = b.add('Conv2D', { filters: 32, kernelSize: [3, 3], strides: [2, 2], padding: 'same', useBias: false }, x, 'Conv1');
  x = b.add('Activation', { activation: 'relu6' }, bn(x, 'bn_Conv1'), 'Conv1_relu');
  V2_BLOCKS.forEach(([filters, strides, expansion], i) => {
    x = b.add('InvertedResidual', { filters, strides, expansion }, x, i === 0 ? 'expanded_conv' : `block_${i}`);
  });
  x = b.add('Conv2D', { filters: 1280, kernelSize: [1, 1], useBias: false }, x, 'Conv_1');
  x = b.add('Activation', { activation: 'relu6' }, bn(x, 'Conv_1_bn'), 'out_relu');
  x = b.add('GlobalAvgPool2D', {}, x, 'global_average_pooling2d');
  x = b.add('Dense', { units: options.classes ?? 1000, activation: 'softmax' }, x, 'predictions');
  b.output(x);
  return b.build();
}
