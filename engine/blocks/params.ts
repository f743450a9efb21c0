/**
 * Parameter schemas of every block, with defaults (`schema.parse({})` gives a block's defaults).
 * This is the contract shared by the block rules, the inspector, the compiler and the code generators.
 */
import { z } from 'zod';

const posInt = (max = 1_000_000) =>
  z.number({ error: 'expected a number' }).int('expected a whole number').positive('expected a positive integer').max(max, `expected at most ${max}`);
const pair = (def: [number, number], max = 4096) => z.tuple([posInt(max), posInt(max)]).default(def);

/** Activations tfjs supports as a layer `activation` string. */
export const ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'hardSigmoid', 'tanh', 'softmax', 'softplus', 'softsign', 'swish', 'mish', 'gelu'] as const;
export const activationSchema = z.enum(ACTIVATIONS);
export type ActivationName = z.infer<typeof activationSchema>;

export const paddingSchema = z.enum(['valid', 'same']);
export type Padding = z.infer<typeof paddingSchema>;

export const inputParams = z.object({ shape: z.array(posInt(1_000_000)).min(1).max(4).default([28, 28, 1]) });

export const conv2dParams = z.object({
  filters: posInt(65536).default(32),
  kernelSize: pair([3, 3], 1024),
  strides: pair([1, 1], 1024),
  padding: paddingSchema.default('valid'),
  dilation: pair([1, 1], 1024),
  useBias: z.boolean().default(true),
  activation: activationSchema.default('linear'),
});

export const depthwiseConv2dParams = z.object({
  kernelSize: pair([3, 3], 1024),
  strides: pair([1, 1], 1024),
  padding: paddingSchema.default('valid'),
  dilation: pair([1, 1], 1024),
  depthMultiplier: posInt(1024).default(1),
  useBias: z.boolean().default(true),
  activation: activationSchema.default('linear'),
});

export const separableConv2dParams = conv2dParams.extend({ depthMultiplier: posInt(1024).default(1) });

export const conv2dTransposeParams = z.object({
  filters: posInt(65536).default(32),
  kernelSize: pair([3, 3], 1024),
  strides: pair([1, 1], 1024),
  padding: paddingSchema.default('valid'),
  useBias: z.boolean().default(true),
  activation: activationSchema.default('linear'),
});

/** Max and average pooling; `strides` absent means equal to `poolSize` (Keras' default). */
export const pool2dParams = z.object({
  poolSize: pair([2, 2], 1024),
  strides: z.tuple([posInt(1024), posInt(1024)]).optional(),
  padding: paddingSchema.default('valid'),
});

export const globalPoolParams = z.object({});

/** Zero padding as [[top, bottom], [left, right]]. */
export const zeroPadding2dParams = z.object({
  padding: z
    .tuple([z.tuple([z.number().int().min(0).max(4096), z.number().int().min(0).max(4096)]), z.tuple([z.number().int().min(0).max(4096), z.number().int().min(0).max(4096)])])
    .default([[1, 1], [1, 1]]),
});

export const batchNormParams = z.object({
  momentum: z.number().min(0).max(1).default(0.99),
  epsilon: z.number().positive().max(1).default(0.001),
  center: z.boolean().default(true),
  scale: z.boolean().default(true),
});

export const dropoutParams = z.object({ rate: z.number().min(0).lt(1, 'expected a rate below 1').default(0.5) });

/** Activation layer: every tfjs activation plus leaky ReLU (a layer of its own in tfjs/Keras). */
export const activationParams = z.object({
  activation: z.enum([...ACTIVATIONS, 'leakyRelu']).default('relu'),
  /** Negative slope of leaky ReLU. */
  alpha: z.number().min(0).max(1).default(0.3),
});

export const flattenParams = z.object({});

export const denseParams = z.object({
  units: posInt(1_000_000).default(10),
  useBias: z.boolean().default(true),
  activation: activationSchema.default('linear'),
});

/** Reshape to `targetShape` (without the batch dimension); one entry may be -1 (inferred). */
export const reshapeParams = z.object({
  targetShape: z.array(z.number().int().min(-1).refine((n) => n !== 0, 'expected a positive size or -1')).min(1).max(4).default([-1]),
});

export const mergeParams = z.object({});
export const concatenateParams = z.object({ axis: z.number().int().default(-1) });

export const LOSSES = ['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy', 'meanSquaredError'] as const;
export const outputParams = z.object({ loss: z.enum(LOSSES).default('categoricalCrossentropy') });

// ---- composites ----

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

/**
 * Residual block (He et al. 2016). `basic`: 3x3-3x3 with `filters` out; `bottleneck`: 1x1-3x3-1x1 with
 * `filters * expansion` out. A projection shortcut (1x1 conv + BN) is added when stride or channels change
 * (`projection: 'auto'`). `strideAt` puts the stride on the first 1x1 (Keras ResNet v1) or on the 3x3 (v1.5).
 */
export const residualParams = z.object({
  variant: z.enum(['basic', 'bottleneck']).default('basic'),
  filters: posInt(65536).default(64),
  strides: posInt(64).default(1),
  expansion: posInt(64).default(4),
  projection: z.enum(['auto', 'always', 'never']).default('auto'),
  strideAt: z.enum(['1x1', '3x3']).default('3x3'),
  useBias: z.boolean().default(false),
  epsilon: z.number().positive().max(1).default(0.001),
});

/** Squeeze-and-Excitation (Hu et al. 2018): GAP -> Dense(C/r, relu) -> Dense(C, sigmoid) -> scale. */
export const squeezeExciteParams = z.object({ ratio: posInt(4096).default(16) });

/** Depthwise-separable block as in MobileNet v1: depthwise 3x3 -> BN -> act -> 1x1 conv -> BN -> act. */
export const separableBlockParams = z.object({
  filters: posInt(65536).default(64),
  strides: posInt(64).default(1),
  depthMultiplier: posInt(64).default(1),
  activation: activationSchema.default('relu6'),
  batchNorm: z.boolean().default(true),
});

/** MobileNet v2 inverted residual: 1x1 expand -> depthwise 3x3 -> 1x1 linear project (+ identity when shapes match). */
export const invertedResidualParams = z.object({
  filters: posInt(65536).default(32),
  strides: posInt(64).default(1),
  expansion: posInt(64).default(6),
});

/** A use of a user-defined composite stored in `document.composites`. */
export const compositeRefParams = z.object({ definition: z.string().min(1) });
