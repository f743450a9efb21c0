/** What LayerLoom's custom tfjs layers share: their windowed output shape and their serialized config. */
import type * as tfjs from '@tensorflow/tfjs';
import { convOutputLength } from '../../blocks/shape-utils';

/** The window of a convolution-like custom layer, as in its config. */
export interface WindowedConfig {
  filters: number;
  kernelSize: [number, number];
  strides: [number, number];
  padding: 'valid' | 'same';
  dilationRate: [number, number];
  name?: string;
}

/** The (first) input shape a layer's build/computeOutputShape receives. */
export function firstShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfjs.Shape;
}

/** [batch, h', w', filters] of a convolution with this window (unknown sizes stay null). */
export function windowedOutputShape(inputShape: tfjs.Shape | tfjs.Shape[], cfg: WindowedConfig): tfjs.Shape {
  const shape = firstShape(inputShape);
  const out = (len: number | null, a: 0 | 1) =>
    len == null ? null : convOutputLength(len, cfg.kernelSize[a], cfg.padding, cfg.strides[a], cfg.dilationRate[a]);
  return [shape[0], out(shape[1], 0), out(shape[2], 1), cfg.filters];
}

/** The layer's own config without its name (the base class adds the name, trainable and dtype). */
export function configWithoutName(cfg: { name?: string }): tfjs.serialization.ConfigDict {
  const { name: _name, ...rest } = cfg;
  return rest as tfjs.serialization.ConfigDict;
}
