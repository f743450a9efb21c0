/**
 * 2×2 / stride-2 max pooling that remembers its winners. tfjs's MaxPool gradient reads x and y again to find
 * each window's maximum (for the reference CNN's first pool: 11 MB of x per step); here the forward pass writes
 * one byte per output — which of the four won — and the gradient reads only that and dy. Both are LayerLoom's
 * SIMD kernels (simd/pooling.c). tfjs-layers' MaxPooling2D is routed here on the wasm backend for 2×2 windows
 * at stride 2 whose windows all lie inside the input ('valid', or 'same' on even sizes), channels last, while
 * the SIMD kernels are loaded; everything else keeps tfjs's MaxPool and our MaxPoolGrad.
 * y follows tfjs's cpu backend: NaN never wins, and a window with nothing above -Infinity gives -Infinity
 * and no gradient.
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import type { WasmBackendLike } from './kernel-utils';
import { simdRuntime } from './simd/loader';

/** Kernel names (LayerLoom's own). */
export const MaxPool2x2 = 'LayerLoomMaxPool2x2';
export const MaxPool2x2Grad = 'LayerLoomMaxPool2x2Grad';

type Args = { inputs: Record<string, TensorInfo>; backend: WasmBackendLike; attrs: NamedAttrMap };

function runtime(b: WasmBackendLike) {
  const simd = simdRuntime(b);
  if (!simd) throw new Error(`${MaxPool2x2} needs LayerLoom's SIMD kernels, which are not loaded`);
  return simd;
}

/** Input x [n, h, w, c] float32; outputs y [n, ⌊h/2⌋, ⌊w/2⌋, c] and the winners (bool dtype: bytes 0…3, 255). */
export function maxPool2x2(args: Args): TensorInfo[] {
  const { backend: b } = args;
  const { x } = args.inputs;
  const [n, h, w, c] = x.shape;
  const oh = Math.floor(h / 2), ow = Math.floor(w / 2);
  const y = b.makeOutput([n, oh, ow, c], 'float32'), idx = b.makeOutput([n, oh, ow, c], 'bool');
  const simd = runtime(b);
  simd.kernels.max_pool_2x2_argmax(simd.offset(x), simd.offset(y), simd.offset(idx), n, h, w, c, oh, ow);
  return [y, idx];
}

/** Inputs dy and the winners; attrs inShape [n, h, w, c]. Output dx. */
export function maxPool2x2Grad(args: Args): TensorInfo {
  const { backend: b } = args;
  const { dy, idx } = args.inputs;
  const [n, h, w, c] = args.attrs.inShape as number[];
  const dx = b.makeOutput([n, h, w, c], 'float32');
  const simd = runtime(b);
  simd.kernels.max_pool_2x2_argmax_grad(simd.offset(dy), simd.offset(idx), simd.offset(dx), n, h, w, c, dy.shape[1], dy.shape[2]);
  return dx;
}

/** The two kernels, on the wasm backend. */
export const maxPool2x2Kernels: KernelConfig[] = [
  { kernelName: MaxPool2x2, backendName: 'wasm', kernelFunc: maxPool2x2 as unknown as tfc.KernelFunc },
  { kernelName: MaxPool2x2Grad, backendName: 'wasm', kernelFunc: maxPool2x2Grad as unknown as tfc.KernelFunc },
];

type PoolingFunction = (inputs: Tensor, poolSize: [number, number], strides: [number, number], padding: string, dataFormat: string) => Tensor;

let installed = false;

/** Route tfjs-layers' MaxPooling2D to the kernels above where they apply (see the module comment). Idempotent. */
export function installMaxPool2x2(): void {
  if (installed) return;
  installed = true;
  tfc.registerGradient({
    kernelName: MaxPool2x2,
    outputsToSave: [false, true],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const [idx] = saved;
      const d = Array.isArray(dy) ? dy[0] : dy;
      return { x: () => tfc.engine().runKernel(MaxPool2x2Grad, { dy: d, idx } as unknown as tfc.NamedTensorMap, attrs) as Tensor };
    },
  });
  const proto = Object.getPrototypeOf(layers.maxPooling2d({ poolSize: 2 })) as { poolingFunction: PoolingFunction };
  const original = proto.poolingFunction;
  proto.poolingFunction = function (this: unknown, x, poolSize, strides, padding, dataFormat) {
    const [n, h, w] = x.shape;
    const applies = tfc.getBackend() === 'wasm' && x.rank === 4 && x.dtype === 'float32' && dataFormat === 'channelsLast'
      && poolSize?.[0] === 2 && poolSize?.[1] === 2 && strides?.[0] === 2 && strides?.[1] === 2
      && (padding === 'valid' || (h % 2 === 0 && w % 2 === 0)) && n > 0 && h >= 2 && w >= 2
      && simdRuntime(tfc.backend() as unknown as WasmBackendLike) != null;
    if (!applies) return original.call(this, x, poolSize, strides, padding, dataFormat);
    return tfc.tidy(() => {
      const [y] = tfc.engine().runKernel(MaxPool2x2, { x } as unknown as tfc.NamedTensorMap, { inShape: x.shape }) as Tensor[];
      return y;
    });
  };
}
