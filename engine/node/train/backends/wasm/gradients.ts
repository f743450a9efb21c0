/**
 * tfjs-core refuses gradients of dilated Conv2D / DepthwiseConv2dNative
 * ("dilation rates greater than 1 are not yet supported"). Our wasm gradient
 * kernels support dilation, so on the wasm backend these gradients pass the
 * dilation through; on every other backend the original gradient runs.
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

const originals = new Map<string, GradConfig>();

function isOne(d: unknown): boolean {
  if (d == null) return true;
  return Array.isArray(d) ? d.every((v) => v === 1) : d === 1;
}

function override(kernelName: string, filterGrad: string, inputGrad: string): void {
  if (originals.has(kernelName)) return;
  const orig = tfc.getGradient(kernelName);
  if (!orig) return;
  originals.set(kernelName, orig);
  tfc.registerGradient({
    kernelName,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      if (tfc.getBackend() !== 'wasm' || isOne(attrs.dilations)) return orig.gradFunc(dy, saved, attrs);
      const [x, filter] = saved;
      const common = {
        strides: attrs.strides, pad: attrs.pad, dilations: attrs.dilations,
        dimRoundingMode: attrs.dimRoundingMode, dataFormat: attrs.dataFormat,
      };
      const eng = tfc.engine();
      return {
        x: () => eng.runKernel(inputGrad, { dy, filter } as unknown as tfc.NamedTensorMap, { ...common, inputShape: x.shape }) as Tensor,
        filter: () => eng.runKernel(filterGrad, { x, dy } as unknown as tfc.NamedTensorMap, { ...common, filterShape: filter.shape }) as Tensor,
      };
    },
  });
}

/** Install the dilation-aware gradients (idempotent). */
export function registerConvGradients(): void {
  override(tfc.Conv2D, tfc.Conv2DBackpropFilter, tfc.Conv2DBackpropInput);
  override(tfc.DepthwiseConv2dNative, tfc.DepthwiseConv2dNativeBackpropFilter, tfc.DepthwiseConv2dNativeBackpropInput);
}
