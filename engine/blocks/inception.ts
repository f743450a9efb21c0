/** GoogLeNet's Inception module (Szegedy et al. 2014, Table 1): four branches joined on channels. */
import { z } from 'zod';
import { posInt } from './params';
import { SubgraphBuilder } from './subgraph';
import type { CompositeBlock } from './types';

/** GoogLeNet's Inception module; widths as in Szegedy et al. 2014, Table 1. */
export const inceptionParams = z.object({
  filters1x1: posInt(65536).default(64),
  filters3x3Reduce: posInt(65536).default(96),
  filters3x3: posInt(65536).default(128),
  filters5x5Reduce: posInt(65536).default(16),
  filters5x5: posInt(65536).default(32),
  poolProj: posInt(65536).default(32),
  batchNorm: z.boolean().default(false),
});

export const inception: CompositeBlock<z.output<typeof inceptionParams>> = {
  kind: 'composite',
  type: 'Inception',
  label: 'Inception Module',
  category: 'composite',
  description: 'Parallel 1×1, 3×3 and 5×5 convolutions (with 1×1 reductions) and a pooled projection, concatenated.',
  explain: {
    text: 'Looks at the same input with 1×1, 3×3 and 5×5 convolutions and a pooled path in parallel, and concatenates the results, so the next layer can pick the scale that fits. 1×1 reductions keep the cost down.',
    formulas: { output: '[H, W, Σ branch channels] (same spatial size)', params: 'the sum of its branches\' convolutions', receptiveField: 'the largest branch (the 5×5 path): RF + 4·S_eff' },
    diagram: 'parallel',
  },
  params: inceptionParams,
  inputs: [{ name: 'in' }],
  expand(p) {
    const b = new SubgraphBuilder();
    const x = SubgraphBuilder.input(0);
    // Caffe GoogLeNet names: inception_3a/1x1, .../3x3_reduce, ...; every convolution is followed by ReLU.
    const conv = (id: string, filters: number, k: number, from: string) => {
      let y = b.add(id, 'Conv2D', { filters, kernelSize: [k, k], padding: 'same', useBias: !p.batchNorm, activation: p.batchNorm ? 'linear' : 'relu' }, from);
      if (p.batchNorm) y = b.add(`${id}_relu`, 'Activation', { activation: 'relu' }, b.add(`${id}_bn`, 'BatchNormalization', {}, y));
      return y;
    };
    const b1 = conv('1x1', p.filters1x1, 1, x);
    const b2 = conv('3x3', p.filters3x3, 3, conv('3x3_reduce', p.filters3x3Reduce, 1, x));
    const b3 = conv('5x5', p.filters5x5, 5, conv('5x5_reduce', p.filters5x5Reduce, 1, x));
    const pool = b.add('pool', 'MaxPool2D', { poolSize: [3, 3], strides: [1, 1], padding: 'same' }, x);
    const b4 = conv('pool_proj', p.poolProj, 1, pool);
    return b.build(b.add('output', 'Concatenate', { axis: -1 }, [b1, b2, b3, b4]));
  },
};
