/**
 * The pieces block params are made of (sizes, activations, paddings, losses). Each block's own params schema,
 * with its defaults (`schema.parse({})`), is in the block's file.
 */
import { z } from 'zod';

/** A positive whole number up to `max`, with messages a user can read. */
export const posInt = (max = 1_000_000) =>
  z.number({ error: 'expected a number' }).int('expected a whole number').positive('expected a positive integer').max(max, `expected at most ${max}`);
/** A [height, width] pair of positive integers with a default. */
export const pairSchema = (def: [number, number], max = 4096) => z.tuple([posInt(max), posInt(max)]).default(def);

/** Activations tfjs supports as a layer `activation` string. */
export const ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'hardSigmoid', 'tanh', 'softmax', 'softplus', 'softsign', 'swish', 'mish', 'gelu'] as const;
export const activationSchema = z.enum(ACTIVATIONS);
export type ActivationName = z.infer<typeof activationSchema>;

export const paddingSchema = z.enum(['valid', 'same']);
export type Padding = z.infer<typeof paddingSchema>;

export const LOSSES = ['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy', 'meanSquaredError'] as const;
