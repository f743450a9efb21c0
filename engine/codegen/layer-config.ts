/**
 * Readers of Keras/tfjs layer configs that the writers and the blocks' export rules share (a leaf module: it
 * imports no registry, so block files can use it).
 */

/** A layer config value as a pair: `3` -> `[3, 3]`, `[3, 5]` as is; missing -> `fallback`. */
export function pairOf(value: unknown, fallback: [number, number]): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) return [value[0], value[1]];
  return fallback;
}

/** Kernel, strides, dilation and padding of a convolution or pooling layer config (Keras defaults filled in). */
export interface WindowConfig {
  kernel: [number, number];
  strides: [number, number];
  dilation: [number, number];
  padding: 'valid' | 'same';
}

/** Reads a conv/pool config; pooling strides default to the pool size, as in Keras. */
export function windowConfig(config: Record<string, unknown>): WindowConfig {
  const kernel = pairOf(config.kernelSize ?? config.poolSize, [1, 1]);
  const strides = pairOf(config.strides, config.poolSize !== undefined ? kernel : [1, 1]);
  return {
    kernel,
    strides,
    dilation: pairOf(config.dilationRate, [1, 1]),
    padding: config.padding === 'same' ? 'same' : 'valid',
  };
}
