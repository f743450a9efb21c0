/**
 * Adam's update as one wasm kernel per variable: tfjs's AdamOptimizer spends
 * about ten full passes over every weight per step (mul, add, square, div,
 * sqrt, …: ~110 M element-ops for ResNet-18's 11 M weights); this is one pass
 * that reads value, m, v and the gradient and writes the three new tensors.
 * The arithmetic is tfjs's, term by term:
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,
 *   value ← value − lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε).
 * AdamOptimizer.applyGradients is routed here while the wasm backend is active
 * (idempotent); on other backends tfjs's own code runs. The pass is LayerLoom's SIMD kernel (simd/adam-norm.c)
 * where it loads, else the JS loop below; it writes the moments over their own buffers where nothing else shares
 * them, else into new tensors the variables take.
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { heapF32, type WasmBackendLike } from './kernel-utils';
import { simdRuntime } from './simd/loader';

/** Kernel names (LayerLoom's own). */
export const AdamUpdate = 'LayerLoomAdamUpdate';
export const AdamUpdateMomentsInPlace = 'LayerLoomAdamUpdateMomentsInPlace';

type Args = { inputs: Record<string, TensorInfo>; backend: WasmBackendLike; attrs: NamedAttrMap };

/**
 * The update into outValue, outM, outV (which may be value, m and v themselves: each element is read before
 * it is written). Inputs value, m, v, g (same shape, float32) and accBeta1, accBeta2 (scalars β1ᵗ, β2ᵗ);
 * attrs beta1, beta2, epsilon, learningRate.
 */
function adamInto(args: Args, outValue: TensorInfo, outM: TensorInfo, outV: TensorInfo): void {
  const { backend: b } = args;
  const { value, m, v, g, accBeta1, accBeta2 } = args.inputs;
  const { beta1, beta2, epsilon, learningRate } = args.attrs as { beta1: number; beta2: number; epsilon: number; learningRate: number };
  // tfjs computes 1 − β^t in float32.
  const c1 = Math.fround(1 - heapF32(b, accBeta1)[0]), c2 = Math.fround(1 - heapF32(b, accBeta2)[0]);
  const b1 = beta1, b2 = beta2, a1 = 1 - beta1, a2 = 1 - beta2;
  // lr·(m/c1)/(√(v/c2) + ε) = k1·m/(k2·√v + ε): one division and one square root per weight.
  const k1 = learningRate / c1, k2 = 1 / Math.sqrt(c2);
  const n = tfc.util.sizeFromShape(value.shape);
  const simd = simdRuntime(b);
  if (simd) {
    const o = simd.offset;
    simd.kernels.adam(o(value), o(m), o(v), o(g), o(outValue), o(outM), o(outV), n, b1, b2, a1, a2, k1, k2, epsilon);
    return;
  }
  const xv = heapF32(b, value), mv = heapF32(b, m), vv = heapF32(b, v), gv = heapF32(b, g);
  const ox = heapF32(b, outValue), om = heapF32(b, outM), ov = heapF32(b, outV);
  for (let i = 0; i < n; i++) {
    const gi = gv[i];
    const mi = Math.fround(mv[i] * b1 + gi * a1);
    const vi = Math.fround(vv[i] * b2 + gi * gi * a2);
    const xi = xv[i];
    om[i] = mi;
    ov[i] = vi;
    ox[i] = xi - (k1 * mi) / (k2 * Math.sqrt(vi) + epsilon);
  }
}

/** Inputs and attrs as `adamInto`'s. Outputs the new value, m and v. */
export function adamUpdate(args: Args): TensorInfo[] {
  const { backend: b } = args;
  const shape = args.inputs.value.shape;
  const outs = [b.makeOutput(shape, 'float32'), b.makeOutput(shape, 'float32'), b.makeOutput(shape, 'float32')] as const;
  adamInto(args, ...outs);
  return [...outs];
}

/**
 * The same update with the moments written over m and v themselves; outputs only the new value. Only for
 * moments nothing else shares (the caller checks their reference counts: a clone would change with them).
 * Saves allocating two buffers per weight and the cache traffic of writing into cold ones. (The value itself
 * always gets a new buffer: tfjs-backend-wasm caches XNNPACK operators with their packed filter per tensor id,
 * so a filter changed in place would be multiplied stale.)
 */
export function adamUpdateMomentsInPlace(args: Args): TensorInfo[] {
  const { value, m, v } = args.inputs;
  const outValue = args.backend.makeOutput(value.shape, 'float32');
  adamInto(args, outValue, m, v);
  return [outValue];
}

/** The kernels, on the wasm backend. */
export const adamKernels: KernelConfig[] = [
  { kernelName: AdamUpdate, backendName: 'wasm', kernelFunc: adamUpdate as unknown as tfc.KernelFunc },
  { kernelName: AdamUpdateMomentsInPlace, backendName: 'wasm', kernelFunc: adamUpdateMomentsInPlace as unknown as tfc.KernelFunc },
];

/** What the routed applyGradients reads of tfjs's AdamOptimizer (protected fields in the typings). */
interface AdamLike {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tfc.Variable;
  accBeta2: tfc.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tfc.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tfc.Variable } | undefined)[];
  incrementIterations(): void;
}
type VariableGradients = tfc.NamedTensorMap | { name: string; tensor: Tensor }[];

let installed = false;

/** Route AdamOptimizer.applyGradients to the fused kernel on the wasm backend (float32 weights only). */
export function installAdamUpdate(): void {
  if (installed) return;
  installed = true;
  const proto = tfc.AdamOptimizer.prototype as unknown as { applyGradients(this: AdamLike, g: VariableGradients): void };
  const original = proto.applyGradients;
  proto.applyGradients = function (this: AdamLike, variableGradients) {
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const allFloat = names.every((n) => tfc.engine().registeredVariables[n]?.dtype === 'float32');
    if (tfc.getBackend() !== 'wasm' || !allFloat) return original.call(this, variableGradients);
    tfc.tidy(() => {
      names.forEach((name, i) => {
        const value = tfc.engine().registeredVariables[name];
        this.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tfc.tidy(() => tfc.zerosLike(value).variable(false)) };
        this.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tfc.tidy(() => tfc.zerosLike(value).variable(false)) };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (gradient == null) return;
        const m = this.accumulatedFirstMoment[i]!.variable, v = this.accumulatedSecondMoment[i]!.variable;
        const inputs = { value, m, v, g: gradient, accBeta1: this.accBeta1, accBeta2: this.accBeta2 } as unknown as tfc.NamedTensorMap;
        const attrs = { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, learningRate: this.learningRate };
        // The moments in place where they own their buffers alone (a clone, e.g. a checkpoint's, shares them).
        const backend = tfc.backend() as unknown as { refCount(dataId: object): number };
        if (backend.refCount(m.dataId) === 1 && backend.refCount(v.dataId) === 1) {
          const [nextValue] = tfc.engine().runKernel(AdamUpdateMomentsInPlace, inputs, attrs) as Tensor[];
          value.assign(nextValue);
          return;
        }
        const [nextValue, nextM, nextV] = tfc.engine().runKernel(AdamUpdate, inputs, attrs) as Tensor[];
        m.assign(nextM);
        v.assign(nextV);
        value.assign(nextValue);
      });
      this.accBeta1.assign(tfc.mul(this.accBeta1, this.beta1));
      this.accBeta2.assign(tfc.mul(this.accBeta2, this.beta2));
    });
    this.incrementIterations();
  };
}
