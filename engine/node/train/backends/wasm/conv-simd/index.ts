/**
 * The wasm path's own SIMD convolution kernels (`conv-grads.c`, built by scripts/build-conv-simd.sh):
 * forward convolution, input gradient and filter gradient as tap-by-tap implicit GEMMs. They run in their
 * own small WebAssembly instance: operands are copied from the tfjs heap into its memory and the result
 * copied back (memcpy-speed, a few percent of the convolution). Returns null where a kernel does not apply
 * (channel counts not multiples of 8 (or 4), NCHW, no WebAssembly SIMD), so the caller keeps its XNNPACK path.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type * as tfc from '@tensorflow/tfjs-core';
import { heapF32, type WasmBackendLike } from '../kernel-utils';
import { CONV_SIMD_WASM_BASE64 } from './conv-grads.wasm';

type Info = ReturnType<typeof tfc.backend_util.computeConv2DInfo>;
type ConvFn = (a: number, b: number, c: number, ...dims: number[]) => void;

/** The slice of the WebAssembly JS API used here (the Node-only tsconfig has no DOM/WebAssembly lib). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (mod: object, imports: object) => { exports: unknown };
}

interface Exports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  __heap_base: { value: number };
  conv_forward: ConvFn;
  conv_input_grad: ConvFn;
  conv_filter_grad: ConvFn;
  transpose_taps: (w: number, wt: number, taps: number, ci: number, co: number) => void;
  activate: (y: number, len: number, act: number) => void;
}

let instance: Exports | null | undefined;
let enabled = process.env.LAYERLOOM_CONV_SIMD !== '0';

/** The kernels' instance, or null where this runtime cannot compile them (no WebAssembly SIMD) or they are off. */
function kernels(): Exports | null {
  if (!enabled) return null;
  if (instance === undefined) {
    try {
      const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
      const mod = new api.Module(Buffer.from(CONV_SIMD_WASM_BASE64, 'base64'));
      instance = new api.Instance(mod, {}).exports as Exports;
    } catch {
      instance = null;
    }
  }
  return instance;
}

/** Whether the SIMD convolution kernels are in use (`LAYERLOOM_CONV_SIMD=0` turns them off). */
export function convSimdAvailable(): boolean {
  return kernels() != null;
}

/** Turn the SIMD kernels off (the XNNPACK-based paths run instead) or back on; for A/B tests and benchmarks. */
export function setConvSimd(on: boolean): void {
  enabled = on;
}

/** Byte offsets (16-byte aligned) of float32 buffers of the given lengths in the kernels' memory, grown as needed. */
function layout(k: Exports, ...lengths: number[]): number[] {
  let at = (k.__heap_base.value + 15) & ~15;
  const out: number[] = [];
  for (const n of lengths) {
    out.push(at);
    at = (at + 4 * n + 15) & ~15;
  }
  const need = at - k.memory.buffer.byteLength;
  if (need > 0) k.memory.grow(Math.ceil(need / 65536));
  return out;
}

function view(k: Exports, at: number, n: number): Float32Array {
  return new Float32Array(k.memory.buffer, at, n);
}

const size = (t: TensorInfo) => t.shape.reduce((p, d) => p * d, 1);

/** The dimension arguments every kernel takes, from tfjs's convolution info. */
function dims(info: Info): number[] {
  return [
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.dilationHeight,
    info.dilationWidth, info.padInfo.top, info.padInfo.left,
  ];
}

function usable(info: Info): boolean {
  return info.dataFormat === 'channelsLast' && info.outHeight > 0 && info.outWidth > 0 && info.batchSize > 0;
}

/** Activations `forward` applies (0: none). */
const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2 };

/**
 * Forward convolution y = act(conv(x, filter) + bias), or null where it does not apply: Co % 8 ≠ 0, fewer than
 * 8 input channels (a first layer: XNNPACK's packed path suits it better), or another activation.
 */
export function simdConvForward(
  b: WasmBackendLike, x: TensorInfo, filter: TensorInfo, info: Info, bias?: TensorInfo | null, activation = 'linear',
): TensorInfo | null {
  const act = ACTIVATIONS[activation];
  if (act === undefined || info.outChannels % 8 !== 0 || info.inChannels < 8 || !usable(info)) return null;
  if (bias && (size(bias) !== info.outChannels || bias.dtype !== 'float32')) return null;
  const k = kernels();
  if (!k) return null;
  const ySize = info.batchSize * info.outHeight * info.outWidth * info.outChannels;
  const [xa, wa, ya] = layout(k, size(x), size(filter), ySize);
  view(k, xa, size(x)).set(heapF32(b, x));
  view(k, wa, size(filter)).set(heapF32(b, filter));
  const y = view(k, ya, ySize);
  if (bias) {
    const bv = heapF32(b, bias), co = info.outChannels;
    y.set(bv);
    for (let filled = co; filled < ySize; filled = Math.min(ySize, filled * 2)) y.copyWithin(filled, 0, Math.min(filled, ySize - filled));
  } else {
    y.fill(0);
  }
  k.conv_forward(xa, wa, ya, ...dims(info));
  if (act) k.activate(ya, ySize, act);
  const out = b.makeOutput([info.batchSize, info.outHeight, info.outWidth, info.outChannels], 'float32');
  heapF32(b, out).set(view(k, ya, ySize));
  return out;
}

/** dx of a Conv2D, or null where it does not apply (Ci % 8 ≠ 0). */
export function simdConvInputGrad(b: WasmBackendLike, dy: TensorInfo, filter: TensorInfo, info: Info): TensorInfo | null {
  if (info.inChannels % 8 !== 0 || !usable(info)) return null;
  const k = kernels();
  if (!k) return null;
  const xSize = info.batchSize * info.inHeight * info.inWidth * info.inChannels;
  const [da, wa, ta, xa] = layout(k, size(dy), size(filter), size(filter), xSize);
  view(k, da, size(dy)).set(heapF32(b, dy));
  view(k, wa, size(filter)).set(heapF32(b, filter));
  k.transpose_taps(wa, ta, info.filterHeight * info.filterWidth, info.inChannels, info.outChannels);
  view(k, xa, xSize).fill(0);
  k.conv_input_grad(da, ta, xa, ...dims(info));
  const out = b.makeOutput([info.batchSize, info.inHeight, info.inWidth, info.inChannels], 'float32');
  heapF32(b, out).set(view(k, xa, xSize));
  return out;
}

/** dW of a Conv2D, or null where it does not apply (Ci % 4 ≠ 0 or Co % 8 ≠ 0). */
export function simdConvFilterGrad(b: WasmBackendLike, x: TensorInfo, dy: TensorInfo, info: Info): TensorInfo | null {
  if (info.inChannels % 4 !== 0 || info.outChannels % 8 !== 0 || !usable(info)) return null;
  const k = kernels();
  if (!k) return null;
  const wSize = info.filterHeight * info.filterWidth * info.inChannels * info.outChannels;
  const [xa, da, wa] = layout(k, size(x), size(dy), wSize);
  view(k, xa, size(x)).set(heapF32(b, x));
  view(k, da, size(dy)).set(heapF32(b, dy));
  view(k, wa, wSize).fill(0);
  k.conv_filter_grad(xa, da, wa, ...dims(info));
  const out = b.makeOutput([info.filterHeight, info.filterWidth, info.inChannels, info.outChannels], 'float32');
  heapF32(b, out).set(view(k, wa, wSize));
  return out;
}
