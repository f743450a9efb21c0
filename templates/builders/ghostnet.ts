/**
 * GhostNet 1.0× (Han et al., CVPR 2020, Table 7) built from GhostBottleneck blocks, as in the authors' PyTorch
 * reference (`ghostnet_pytorch/ghostnet.py`): 5,182,508 trainable parameters at 224×224×3 / 1000 classes.
 */
import { DesignBuilder } from '../../engine/build/design-builder';
import type { DesignDocument } from '../../engine/schema/document';
import type { TemplateOptions } from '../types';

/** Ghost bottlenecks: [kernel, expansion width, output width, SE ratio, stride] (the paper's Table 7). */
const BOTTLENECKS: Array<[number, number, number, number, number]> = [
  [3, 16, 16, 0, 1],
  [3, 48, 24, 0, 2], [3, 72, 24, 0, 1],
  [5, 72, 40, 0.25, 2], [5, 120, 40, 0.25, 1],
  [3, 240, 80, 0, 2], [3, 200, 80, 0, 1], [3, 184, 80, 0, 1], [3, 184, 80, 0, 1], [3, 480, 112, 0.25, 1], [3, 672, 112, 0.25, 1],
  [5, 672, 160, 0.25, 2], [5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1], [5, 960, 160, 0, 1], [5, 960, 160, 0.25, 1],
];

/** GhostNet 1.0×: stem, 16 Ghost bottlenecks, 1×1 conv to 960, global pooling, 1280-wide head, classifier. */
export function buildGhostNet(options: TemplateOptions = {}): DesignDocument {
  const b = new DesignBuilder('GhostNet', {
    description: 'GhostNet 1.0×: a strided 3x3 stem and 16 Ghost bottlenecks (Ghost modules make half their channels with cheap depthwise convolutions; squeeze-and-excitation in some), then a 1x1 convolution to 960 channels, global average pooling, a 1280-unit head and the classifier. The SE gate is a sigmoid where the reference uses a hard sigmoid (same parameters).',
    source: 'Han et al. GhostNet: More Features from Cheap Operations. CVPR 2020; the authors\' PyTorch reference ghostnet_pytorch/ghostnet.py.',
  });
  let x = b.input(options.inputShape ?? [224, 224, 3]);
  x = b.add('Conv2D', { filters: 16, kernelSize: [3, 3], strides: [2, 2], padding: 'same', useBias: false }, x, 'conv_stem');
  x = b.add('BatchNormalization', {}, x, 'bn1');
  x = b.add('Activation', { activation: 'relu' }, x, 'act1');
  BOTTLENECKS.forEach(([kernelSize, expandFilters, filters, seRatio, strides], i) => {
    x = b.add('GhostBottleneck', { kernelSize, expandFilters, filters, seRatio, strides }, x, `bneck${i + 1}`);
  });
  x = b.add('Conv2D', { filters: 960, kernelSize: [1, 1], useBias: false }, x, 'conv_last');
  x = b.add('BatchNormalization', {}, x, 'bn_last');
  x = b.add('Activation', { activation: 'relu' }, x, 'act_last');
  x = b.add('GlobalAvgPool2D', {}, x, 'global_pool');
  x = b.add('Dense', { units: 1280, activation: 'relu' }, x, 'conv_head');
  x = b.add('Dropout', { rate: 0.2 }, x, 'dropout');
  x = b.add('Dense', { units: options.classes ?? 1000, activation: 'softmax' }, x, 'classifier');
  b.output(x);
  return b.build();
}
