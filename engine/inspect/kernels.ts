/**
 * A convolution's learned kernels, as stored by tfjs: `[kh, kw, in, out]` (depthwise: `[kh, kw, in, multiplier]`;
 * separable: its depthwise kernel; transposed: `[kh, kw, out, in]`, as tfjs keeps it).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { DesignError } from '../errors';
import { CONV_CLASSES } from './layers';

/** The kernel tensor of one convolution, flat in tfjs order (last axis fastest). */
export interface KernelSet {
  layerName: string;
  className: string;
  shape: [number, number, number, number];
  weights: Float32Array;
}

/** Reads the kernel of convolution `layerName` (not a copy of the model: the weights are downloaded). */
export function kernelsOf(model: tfjs.LayersModel, layerName: string): KernelSet {
  const layer = model.getLayer(layerName);
  const className = layer.getClassName();
  if (!CONV_CLASSES.has(className)) throw new DesignError('invalid-graph', `'${layerName}' is not a convolution (it is a ${className})`, 'node');
  // The first weight of every convolution class is its (depthwise) kernel; bias and pointwise come after.
  const kernel = layer.getWeights()[0];
  if (!kernel || kernel.rank !== 4) throw new DesignError('invalid-graph', `'${layerName}' has no 4-D kernel`, 'node');
  return { layerName, className, shape: kernel.shape as KernelSet['shape'], weights: kernel.dataSync() as Float32Array };
}

/** The kernel value at `[y, x, i, o]`. */
export function kernelAt(set: KernelSet, y: number, x: number, i: number, o: number): number {
  const [, kw, cin, cout] = set.shape;
  return set.weights[((y * kw + x) * cin + i) * cout + o];
}
