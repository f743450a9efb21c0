/** The model's ends: Input (the tensor fed in) and Output (marks the prediction and its loss). */
import { z } from 'zod';
import { LOSSES, posInt } from './params';
import type { PrimitiveBlock } from './types';

export const inputParams = z.object({ shape: z.array(posInt(1_000_000)).min(1).max(4).default([28, 28, 1]) });

/**
 * `lossWeight` scales this output's loss in the model's total (Keras' `loss_weights`): with several Output blocks
 * the total is the weighted sum, as GoogLeNet adds its auxiliary classifiers' losses at weight 0.3.
 */
export const outputParams = z.object({
  loss: z.enum(LOSSES).default('categoricalCrossentropy'),
  lossWeight: z.number({ error: 'expected a number' }).min(0, 'expected a weight of 0 or more').max(1000, 'expected at most 1000').default(1),
});

export const input: PrimitiveBlock<z.output<typeof inputParams>> = {
  kind: 'primitive',
  type: 'Input',
  label: 'Input',
  category: 'input',
  description: 'The model input, without the batch dimension (e.g. 28×28×1 images).',
  explain: {
    text: 'Where the images come in. Its shape (height × width × channels, without the batch) fixes every shape after it: 28×28×1 for grayscale Fashion-MNIST, 32×32×3 for CIFAR-10 colour images.',
    formulas: { output: 'output = the shape you set', params: '0', receptiveField: 'RF = 1×1: each input unit is one pixel' },
    diagram: 'io',
  },
  params: inputParams,
  inputs: [],
  outputShape: (_inputs, p) => ({ ok: true, shape: [...p.shape] }),
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  receptiveField: () => 'identity',
  layer: () => null,
  tfjs: {},
};

export const output: PrimitiveBlock<z.output<typeof outputParams>> = {
  kind: 'primitive',
  type: 'Output',
  label: 'Output',
  category: 'output',
  description: 'Marks a model output, the loss it is trained with and that loss\'s weight in the total.',
  explain: {
    text: 'Marks the tensor the model is trained to produce and the loss that compares it with the labels. Categorical cross-entropy with a softmax head is the usual choice for classification. A design may have several Outputs (auxiliary classifiers, as in GoogLeNet): the training loss is the sum of each output\'s loss times its weight.',
    formulas: { output: 'output = its input; total loss L = Σ weightᵢ · lossᵢ over the Outputs', params: '0', receptiveField: 'unchanged' },
    diagram: 'io',
  },
  params: outputParams,
  inputs: [{ name: 'in' }],
  outputShape: (inputs) => ({ ok: true, shape: inputs[0] }),
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  receptiveField: () => 'identity',
  layer: () => null,
  tfjs: {},
};
