/**
 * ResNets (He et al. 2016). ResNet-50/101/152 exactly as Keras Applications (`resnet.py`: `stack1`/`block1`,
 * biased convolutions, BN epsilon 1.001e-5, stride on the first 1×1, projection on each stage's first block),
 * with Keras' layer names (`conv1_conv`, `conv2_block1_1_conv`, ...). ResNet-18/34 use basic blocks as in the
 * paper (and torchvision: no conv bias, symmetric padding on strided 3×3 convolutions).
 */
import type { DesignDocument } from '../../engine/schema/document';
import { DesignBuilder } from '../../engine/build/design-builder';
import type { NetworkOptions } from './vgg';

/** Blocks per stage (conv2_x .. conv5_x) for each depth. */
export const RESNET_CONFIGS = {
  18: { variant: 'basic', blocks: [2, 2, 2, 2] },
  34: { variant: 'basic', blocks: [3, 4, 6, 3] },
  50: { variant: 'bottleneck', blocks: [3, 4, 6, 3] },
  101: { variant: 'bottleneck', blocks: [3, 4, 23, 3] },
  152: { variant: 'bottleneck', blocks: [3, 8, 36, 3] },
} as const;

/** Builds ResNet-`depth` as a design document of Residual composites. */
export function buildResnet(depth: keyof typeof RESNET_CONFIGS, options: NetworkOptions = {}): DesignDocument {
  const { variant, blocks } = RESNET_CONFIGS[depth];
  const keras = variant === 'bottleneck';
  const epsilon = keras ? 1.001e-5 : 1e-3;
  const b = new DesignBuilder(`ResNet-${depth}`, {
    description: `ResNet-${depth}: a 7x7 stem and four stages of ${variant} residual blocks${keras ? ' (Keras Applications layout)' : ''}.`,
    source: 'He, Zhang, Ren & Sun, "Deep Residual Learning for Image Recognition", 2016' + (keras ? '; keras/applications/resnet.py' : ''),
  });
  let x = b.input(options.inputShape ?? [224, 224, 3]);
  x = b.add('ZeroPadding2D', { padding: [[3, 3], [3, 3]] }, x, 'conv1_pad');
  x = b.add('Conv2D', { filters: 64, kernelSize: [7, 7], strides: [2, 2], padding: 'valid', useBias: keras }, x, 'conv1_conv');
  x = b.add('BatchNormalization', { epsilon }, x, 'conv1_bn');
  x = b.add('Activation', { activation: 'relu' }, x, 'conv1_relu');
  x = b.add('ZeroPadding2D', { padding: [[1, 1], [1, 1]] }, x, 'pool1_pad');
  x = b.add('MaxPool2D', { poolSize: [3, 3], strides: [2, 2] }, x, 'pool1_pool');
  blocks.forEach((count, s) => {
    for (let i = 1; i <= count; i++) {
      x = b.add('Residual', {
        variant, filters: 64 * 2 ** s, strides: i === 1 && s > 0 ? 2 : 1, expansion: 4,
        projection: keras && i === 1 ? 'always' : 'auto', strideAt: keras ? '1x1' : '3x3', useBias: keras, epsilon,
      }, x, `conv${s + 2}_block${i}`);
    }
  });
  x = b.add('GlobalAvgPool2D', {}, x, 'avg_pool');
  x = b.add('Dense', { units: options.classes ?? 1000, activation: 'softmax' }, x, 'predictions');
  b.output(x, { loss: 'categoricalCrossentropy' });
  return b.build();
}

/** ResNet-18 (basic blocks). */
export const resnet18 = (options?: NetworkOptions) => buildResnet(18, options);
/** ResNet-34 (basic blocks). */
export const resnet34 = (options?: NetworkOptions) => buildResnet(34, options);
/** ResNet-50 as Keras Applications. */
export const resnet50 = (options?: NetworkOptions) => buildResnet(50, options);
/** ResNet-101 as Keras Applications. */
export const resnet101 = (options?: NetworkOptions) => buildResnet(101, options);
/** ResNet-152 as Keras Applications. */
export const resnet152 = (options?: NetworkOptions) => buildResnet(152, options);
