/**
 * GoogLeNet (Inception v1) from the Inception block, with the widths of Szegedy et al. 2014, Table 1, without
 * local response normalization (no standard tfjs layer); `buildGoogLeNetAux` adds the paper's two auxiliary
 * classifiers (section 5) as two more Output blocks, their losses weighted 0.3.
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

const SOURCE = 'Szegedy et al. Going Deeper with Convolutions. CVPR 2015 (arXiv:1409.4842), Table 1';

/** GoogLeNet at 224x224x3 / 1000 by default. */
export function buildGoogLeNet(options: TemplateOptions = {}): DesignDocument {
  return build(options, false);
}

/** GoogLeNet with its two auxiliary classifiers (after inception 4a and 4d), at 224x224x3 / 1000 by default. */
export function buildGoogLeNetAux(options: TemplateOptions = {}): DesignDocument {
  return build(options, true);
}

/** The auxiliary loss weight of the paper (section 5: "their loss is added to the total loss ... weighted by 0.3"). */
export const AUX_LOSS_WEIGHT = 0.3;

function build(options: TemplateOptions, aux: boolean): DesignDocument {
  const b = new DesignBuilder(aux ? 'GoogLeNet with auxiliary classifiers' : 'GoogLeNet', {
    description: aux
      ? 'GoogLeNet (Inception v1) as trained in the paper: the main network plus two auxiliary classifiers on inception 4a and 4d (5x5/3 average pooling, 1x1 convolution with 128 filters, a 1024-unit layer, dropout 0.7 and a softmax), whose losses join the total at weight 0.3. All three heads learn the same label. Without LRN.'
      : 'GoogLeNet (Inception v1): a 7x7/2 stem and nine Inception modules (parallel 1x1, 3x3, 5x5 convolutions and pooling, concatenated), global average pooling, dropout 0.4 and a linear classifier. Without auxiliary heads and LRN.',
    source: aux ? `${SOURCE} and section 5 (auxiliary classifiers).` : `${SOURCE}.`,
  });
  const classes = options.classes ?? 1000;
  const heads: Array<[string, string]> = [];
  const auxHead = (x: string, n: number) => {
    let h = b.add('AvgPool2D', { poolSize: [5, 5], strides: [3, 3], padding: 'valid' }, x, `aux${n}_avgpool_5x5_s3`);
    h = b.add('Conv2D', { filters: 128, kernelSize: [1, 1], activation: 'relu' }, h, `aux${n}_conv_1x1`);
    h = b.add('Flatten', {}, h, `aux${n}_flatten`);
    h = b.add('Dense', { units: 1024, activation: 'relu' }, h, `aux${n}_fc`);
    h = b.add('Dropout', { rate: 0.7 }, h, `aux${n}_drop`);
    h = b.add('Dense', { units: classes, activation: 'softmax' }, h, `aux${n}_classifier`);
    heads.push([h, `aux${n}_output`]);
  };
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
  for (const id of ['4a', '4b', '4c', '4d', '4e']) {
    x = inception(x, id);
    if (aux && id === '4a') auxHead(x, 1);
    if (aux && id === '4d') auxHead(x, 2);
  }
  x = maxPool(x, 'pool4_3x3_s2');
  x = inception(x, '5a');
  x = inception(x, '5b');
  x = b.add('GlobalAvgPool2D', {}, x, 'pool5_7x7_s1');
  x = b.add('Dropout', { rate: 0.4 }, x, 'pool5_drop');
  x = b.add('Dense', { units: classes, activation: 'softmax' }, x, 'loss3_classifier');
  // The main output first: it is created first, so it is the model's first output and the one accuracy reads.
  b.output(x);
  for (const [h, name] of heads) b.output(h, { lossWeight: AUX_LOSS_WEIGHT }, name);
  return b.build();
}
