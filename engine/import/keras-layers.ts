/**
 * Keras / tfjs layer configs -> LayerLoom blocks. Configs come in snake_case (Keras `to_json`, tfjs model.json)
 * or camelCase (tfjs `getConfig`); `cfg()` reads either. A layer the engine cannot express throws a
 * `DesignError('import-failed')` naming the layer and its class.
 */
import { ACTIVATIONS, LOSSES, type ActivationName } from '../blocks/params';
import { DesignError } from '../errors';

/** One block produced for a layer: its type and params (defaults omitted where Keras' equal ours). */
export interface ImportedBlock {
  type: string;
  params: Record<string, unknown>;
}

type Config = Record<string, unknown>;

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** Reads a config key given in snake_case, accepting its camelCase spelling too. */
export function cfg(config: Config, snakeKey: string): unknown {
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

class LayerProblem extends Error {}

function activationOf(value: unknown): ActivationName {
  const name = value === undefined || value === null ? 'linear' : value;
  if (typeof name !== 'string') throw new LayerProblem('a custom activation object');
  const mapped = (ACTIVATIONS as readonly string[]).includes(name) ? (name as ActivationName) : KERAS_ACTIVATIONS[name];
  if (!mapped) throw new LayerProblem(`activation '${name}'`);
  return mapped;
}

function pair(value: unknown, what: string): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) return [value[0], value[1]];
  throw new LayerProblem(`${what} ${JSON.stringify(value)}`);
}

function padding(value: unknown): 'valid' | 'same' {
  if (value === undefined || value === 'valid' || value === 'same') return (value as 'valid' | 'same') ?? 'valid';
  throw new LayerProblem(`padding '${String(value)}'`);
}

function channelsLast(config: Config): void {
  const f = cfg(config, 'data_format');
  if (f !== undefined && f !== null && f !== 'channels_last') throw new LayerProblem(`data_format '${String(f)}' (only channels_last)`);
}

function convCommon(config: Config): Record<string, unknown> {
  channelsLast(config);
  const groups = cfg(config, 'groups');
  if (typeof groups === 'number' && groups !== 1) throw new LayerProblem(`groups ${groups}`);
  return {
    kernelSize: pair(cfg(config, 'kernel_size'), 'kernel_size'),
    strides: pair(cfg(config, 'strides') ?? 1, 'strides'),
    padding: padding(cfg(config, 'padding')),
    useBias: cfg(config, 'use_bias') !== false,
    activation: activationOf(cfg(config, 'activation')),
  };
}

function pool(config: Config): Record<string, unknown> {
  channelsLast(config);
  const poolSize = pair(cfg(config, 'pool_size') ?? 2, 'pool_size');
  const s = cfg(config, 'strides');
  const strides = s === undefined || s === null ? undefined : pair(s, 'strides');
  return { poolSize, ...(strides && (strides[0] !== poolSize[0] || strides[1] !== poolSize[1]) ? { strides } : {}), padding: padding(cfg(config, 'padding')) };
}

function globalPool(type: string, config: Config): ImportedBlock[] {
  channelsLast(config);
  const blocks: ImportedBlock[] = [{ type, params: {} }];
  // keepdims=True (Keras Applications' MobileNet) keeps a 1x1 spatial grid: a Reshape restores it.
  if (cfg(config, 'keepdims') === true) blocks.push({ type: 'Reshape', params: { targetShape: [1, 1, -1] } });
  return blocks;
}

function zeroPadding(config: Config): Record<string, unknown> {
  channelsLast(config);
  const p = cfg(config, 'padding') ?? 1;
  if (typeof p === 'number') return { padding: [[p, p], [p, p]] };
  if (Array.isArray(p) && p.length === 2) {
    const [a, b] = p as unknown[];
    if (typeof a === 'number' && typeof b === 'number') return { padding: [[a, a], [b, b]] };
    return { padding: [pair(a, 'padding'), pair(b, 'padding')] };
  }
  throw new LayerProblem(`padding ${JSON.stringify(p)}`);
}

function relu(config: Config): Record<string, unknown> {
  const max = cfg(config, 'max_value');
  const slope = Number(cfg(config, 'negative_slope') ?? 0);
  const threshold = Number(cfg(config, 'threshold') ?? 0);
  if (slope !== 0 || threshold !== 0) throw new LayerProblem(`negative_slope ${slope} / threshold ${threshold}`);
  if (max === undefined || max === null) return { activation: 'relu' };
  if (Number(max) === 6) return { activation: 'relu6' };
  throw new LayerProblem(`max_value ${String(max)} (only 6 or none)`);
}

function batchNorm(config: Config): Record<string, unknown> {
  const axis = cfg(config, 'axis');
  const ax = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
  if (ax !== undefined && ax !== -1 && ax !== 3) throw new LayerProblem(`axis ${JSON.stringify(axis)} (only the channel axis)`);
  return {
    momentum: Number(cfg(config, 'momentum') ?? 0.99),
    epsilon: Number(cfg(config, 'epsilon') ?? 0.001),
    center: cfg(config, 'center') !== false,
    scale: cfg(config, 'scale') !== false,
  };
}

const MAPPERS: Record<string, (config: Config) => ImportedBlock[]> = {
  Conv2D: (c) => [{ type: 'Conv2D', params: { filters: cfg(c, 'filters'), ...convCommon(c), dilation: pair(cfg(c, 'dilation_rate') ?? 1, 'dilation_rate') } }],
  DepthwiseConv2D: (c) => [
    {
      type: 'DepthwiseConv2D',
      params: { ...convCommon(c), dilation: pair(cfg(c, 'dilation_rate') ?? 1, 'dilation_rate'), depthMultiplier: cfg(c, 'depth_multiplier') ?? 1 },
    },
  ],
  SeparableConv2D: (c) => [
    {
      type: 'SeparableConv2D',
      params: { filters: cfg(c, 'filters'), ...convCommon(c), dilation: pair(cfg(c, 'dilation_rate') ?? 1, 'dilation_rate'), depthMultiplier: cfg(c, 'depth_multiplier') ?? 1 },
    },
  ],
  Conv2DTranspose: (c) => {
    const d = pair(cfg(c, 'dilation_rate') ?? 1, 'dilation_rate');
    if (d[0] !== 1 || d[1] !== 1) throw new LayerProblem(`dilation_rate ${JSON.stringify(d)}`);
    if (cfg(c, 'output_padding') != null) throw new LayerProblem('output_padding');
    return [{ type: 'Conv2DTranspose', params: { filters: cfg(c, 'filters'), ...convCommon(c) } }];
  },
  MaxPooling2D: (c) => [{ type: 'MaxPool2D', params: pool(c) }],
  AveragePooling2D: (c) => [{ type: 'AvgPool2D', params: pool(c) }],
  GlobalAveragePooling2D: (c) => globalPool('GlobalAvgPool2D', c),
  GlobalMaxPooling2D: (c) => globalPool('GlobalMaxPool2D', c),
  ZeroPadding2D: (c) => [{ type: 'ZeroPadding2D', params: zeroPadding(c) }],
  BatchNormalization: (c) => [{ type: 'BatchNormalization', params: batchNorm(c) }],
  Dropout: (c) => [{ type: 'Dropout', params: { rate: Number(cfg(c, 'rate') ?? 0.5) } }],
  Activation: (c) => [{ type: 'Activation', params: { activation: activationOf(cfg(c, 'activation')) } }],
  Softmax: (c) => {
    const axis = cfg(c, 'axis');
    if (axis !== undefined && axis !== -1 && !(Array.isArray(axis) && axis.length === 1 && axis[0] === -1)) throw new LayerProblem(`axis ${JSON.stringify(axis)}`);
    return [{ type: 'Activation', params: { activation: 'softmax' } }];
  },
  ReLU: (c) => [{ type: 'Activation', params: relu(c) }],
  LeakyReLU: (c) => [{ type: 'Activation', params: { activation: 'leakyRelu', alpha: Number(cfg(c, 'alpha') ?? cfg(c, 'negative_slope') ?? 0.3) } }],
  Flatten: (c) => {
    channelsLast(c);
    return [{ type: 'Flatten', params: {} }];
  },
  Dense: (c) => [{ type: 'Dense', params: { units: cfg(c, 'units'), useBias: cfg(c, 'use_bias') !== false, activation: activationOf(cfg(c, 'activation')) } }],
  Reshape: (c) => [{ type: 'Reshape', params: { targetShape: cfg(c, 'target_shape') } }],
  Add: () => [{ type: 'Add', params: {} }],
  Multiply: () => [{ type: 'Multiply', params: {} }],
  Concatenate: (c) => [{ type: 'Concatenate', params: { axis: Number(cfg(c, 'axis') ?? -1) } }],
};

/** The layer classes the importer understands (besides InputLayer). */
export const SUPPORTED_LAYER_CLASSES = Object.keys(MAPPERS);

/**
 * Maps one Keras/tfjs layer to one or more blocks (chained). Throws `DesignError('import-failed')` naming the
 * layer and class when the class or one of its settings has no LayerLoom equivalent.
 */
export function mapLayer(className: string, layerName: string, config: Config, where: string): ImportedBlock[] {
  const mapper = MAPPERS[className];
  if (!mapper) {
    throw new DesignError('import-failed', `layer '${layerName}' has class ${className}, which LayerLoom cannot import (supported: InputLayer, ${SUPPORTED_LAYER_CLASSES.join(', ')})`, where);
  }
  try {
    return mapper(config);
  } catch (err) {
    if (err instanceof LayerProblem) throw new DesignError('import-failed', `layer '${layerName}' (${className}) uses ${err.message}, which LayerLoom cannot express`, where);
    throw err;
  }
}
