/**
 * SE-ResNet-50 (Hu et al. 2018): ResNet-50's bottleneck blocks with a Squeeze-and-Excitation block (ratio 16)
 * on the residual branch, before the addition, as in the paper's Fig. 3. The residual structure is written
 * out in primitives because the SE block sits inside it; the SE itself is the SqueezeExcite composite.
 * Convolutions have no bias (as the reference Caffe models), so the trainable count is the published
 * 28,088,024 (plus 53,120 non-trainable batch-norm statistics in Keras' count).
 */
import type { DesignDocument } from '../../engine/schema/document';
import type { TemplateOptions } from '../types';
import { DesignBuilder } from '../../engine/build/design-builder';

const STAGES: Array<{ blocks: number; filters: number; strides: number }> = [
  { blocks: 3, filters: 64, strides: 1 },
  { blocks: 4, filters: 128, strides: 2 },
  { blocks: 6, filters: 256, strides: 2 },
  { blocks: 3, filters: 512, strides: 2 },
];

/** SE-ResNet-50 at 224x224x3 / 1000 by default. */
export function buildSeResNet50(options: TemplateOptions = {}): DesignDocument {
  const b = new DesignBuilder('SE-ResNet-50', {
    description: 'SE-ResNet-50: ResNet-50 (bottleneck blocks 3-4-6-3) where each block reweights its channels with a Squeeze-and-Excitation block (global pooling, 1/16 bottleneck, sigmoid gate) before the shortcut addition.',
    source: 'Hu, Shen, Sun. Squeeze-and-Excitation Networks. CVPR 2018 (arXiv:1709.01507); He et al. Deep Residual Learning for Image Recognition. CVPR 2016.',
  });
  const conv = (x: string, filters: number, k: number, strides: number, name: string) =>
    b.add('Conv2D', { filters, kernelSize: [k, k], strides: [strides, strides], padding: k === 1 ? 'valid' : 'same', useBias: false }, x, name);
  const bn = (x: string, name: string) => b.add('BatchNormalization', { epsilon: 1e-5 }, x, name);
  const relu = (x: string, name: string) => b.add('Activation', { activation: 'relu' }, x, name);

  let x = b.input(options.inputShape ?? [224, 224, 3]);
  x = b.add('ZeroPadding2D', { padding: [[3, 3], [3, 3]] }, x, 'conv1_pad');
  x = b.add('Conv2D', { filters: 64, kernelSize: [7, 7], strides: [2, 2], useBias: false }, x, 'conv1_conv');
  x = relu(bn(x, 'conv1_bn'), 'conv1_relu');
  x = b.add('ZeroPadding2D', { padding: [[1, 1], [1, 1]] }, x, 'pool1_pad');
  x = b.add('MaxPool2D', { poolSize: [3, 3], strides: [2, 2] }, x, 'pool1_pool');

  STAGES.forEach((stage, s) => {
    for (let i = 0; i < stage.blocks; i++) {
      const name = `conv${s + 2}_block${i + 1}`;
      const strides = i === 0 ? stage.strides : 1;
      const out = stage.filters * 4;
      let shortcut = x;
      if (i === 0) shortcut = bn(conv(x, out, 1, strides, `${name}_0_conv`), `${name}_0_bn`);
      let y = relu(bn(conv(x, stage.filters, 1, strides, `${name}_1_conv`), `${name}_1_bn`), `${name}_1_relu`);
      y = relu(bn(conv(y, stage.filters, 3, 1, `${name}_2_conv`), `${name}_2_bn`), `${name}_2_relu`);
      y = bn(conv(y, out, 1, 1, `${name}_3_conv`), `${name}_3_bn`);
      y = b.add('SqueezeExcite', { ratio: 16 }, y, `${name}_se`);
      x = relu(b.add('Add', {}, [shortcut, y], `${name}_add`), `${name}_out`);
    }
  });
  x = b.add('GlobalAvgPool2D', {}, x, 'avg_pool');
  x = b.add('Dense', { units: options.classes ?? 1000, activation: 'softmax' }, x, 'predictions');
  b.output(x);
  return b.build();
}
