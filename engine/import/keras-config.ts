/**
 * Readers of Keras / tfjs layer configs that the blocks' import rules are written with (a leaf module: it
 * imports no registry, so block files can use it). Configs come in snake_case (Keras `to_json`, tfjs
 * model.json) or camelCase (tfjs `getConfig`); `cfg()` reads either. A setting LayerLoom cannot express throws
 * `LayerProblem`, which the importer turns into a `DesignError('import-failed')` naming the layer.
 */
import { ACTIVATIONS, LOSSES, type ActivationName } from '../blocks/params';
import type { LayerSettingNote } from '../messages/import';

/** A layer config as read from model.json or a Keras topology. */
export type LayerConfig = Record<string, unknown>;

/** One block produced for a layer: its type and params (defaults omitted where Keras' equal ours). */
export interface ImportedBlock {
  type: string;
  params: Record<string, unknown>;
}

/** Maps one Keras/tfjs layer config to one or more blocks (chained). Throws `LayerProblem` for what it can't express. */
export type LayerImporter = (config: LayerConfig) => ImportedBlock[];

/** A setting of a layer that LayerLoom cannot express; the message names the setting (e.g. `padding 'causal'`). */
export class LayerProblem extends Error {
  /**
   * @param setting the setting as the file writes it (`padding 'causal'`), quoted in the refusal
   * @param note what the block accepts instead, when the refusal says it; `custom-activation` for an activation
   *   given as an object (no name to quote)
   */
  constructor(readonly setting: string, readonly note?: LayerSettingNote | 'custom-activation') {
    super(setting);
  }
}

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** Reads a config key given in snake_case, accepting its camelCase spelling too. */
export function cfg(config: LayerConfig, snakeKey: string): unknown {
  if (snakeKey in config) return config[snakeKey];
  return config[camel(snakeKey)];
}

/** Keras activation identifiers (snake_case) -> tfjs names. */
const KERAS_ACTIVATIONS: Record<string, ActivationName> = {
  hard_sigmoid: 'hardSigmoid',
  relu6: 'relu6',
  swish: 'swish',
  silu: 'swish',
  gelu: 'gelu',
  mish: 'mish',
};

/** Keras loss identifiers -> the Output block's loss. */
const KERAS_LOSSES: Record<string, (typeof LOSSES)[number]> = {
  categorical_crossentropy: 'categoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
  binary_crossentropy: 'binaryCrossentropy',
  mean_squared_error: 'meanSquaredError',
  mse: 'meanSquaredError',
};

/** Maps a Keras loss name (either spelling) to an Output loss; unknown losses give undefined (the default is used). */
export function mapLoss(loss: unknown): (typeof LOSSES)[number] | undefined {
  if (typeof loss !== 'string') return undefined;
  if ((LOSSES as readonly string[]).includes(loss)) return loss as (typeof LOSSES)[number];
  return KERAS_LOSSES[loss.toLowerCase()];
}

/** An activation setting (name, either spelling) -> the block's activation. */
export function importActivation(value: unknown): ActivationName {
  const name = value === undefined || value === null ? 'linear' : value;
  if (typeof name !== 'string') throw new LayerProblem('a custom activation object', 'custom-activation');
  const mapped = (ACTIVATIONS as readonly string[]).includes(name) ? (name as ActivationName) : KERAS_ACTIVATIONS[name];
  if (!mapped) throw new LayerProblem(`activation '${name}'`);
  return mapped;
}

/** A size given as one number or a pair. */
export function importPair(value: unknown, what: string): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) return [value[0], value[1]];
  throw new LayerProblem(`${what} ${JSON.stringify(value)}`);
}

/** 'valid' or 'same' (Keras' default 'valid'); anything else (e.g. 'causal') is refused. */
export function importPadding(value: unknown): 'valid' | 'same' {
  if (value === undefined || value === 'valid' || value === 'same') return (value as 'valid' | 'same') ?? 'valid';
  throw new LayerProblem(`padding '${String(value)}'`);
}

/** Refuses channels_first layers (LayerLoom designs are channels last, as tfjs). */
export function requireChannelsLast(config: LayerConfig): void {
  const f = cfg(config, 'data_format');
  if (f !== undefined && f !== null && f !== 'channels_last') throw new LayerProblem(`data_format '${String(f)}'`, 'channels-last');
}

/** The settings every convolution shares: kernel, strides, padding, bias and activation. */
export function importConvCommon(config: LayerConfig): Record<string, unknown> {
  requireChannelsLast(config);
  const groups = cfg(config, 'groups');
  if (typeof groups === 'number' && groups !== 1) throw new LayerProblem(`groups ${groups}`);
  return {
    kernelSize: importPair(cfg(config, 'kernel_size'), 'kernel_size'),
    strides: importPair(cfg(config, 'strides') ?? 1, 'strides'),
    padding: importPadding(cfg(config, 'padding')),
    useBias: cfg(config, 'use_bias') !== false,
    activation: importActivation(cfg(config, 'activation')),
  };
}
