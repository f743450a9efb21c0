/**
 * The bias and activation gradients of a training step on tfjs's `webgpu` backend, each as one program.
 *
 * - Bias gradients are sums of dy over every axis but the channels (`Sum` over the leading axes: tfjs-core's
 *   fused conv2d and dense gradients). tfjs-backend-webgpu reduces only innermost axes, so it first transposes
 *   the whole of dy; `ColumnSumProgram` sums the columns in place (threads along channels read consecutive
 *   words; rows split over workgroups), then the split-K reduce adds the partial rows.
 * - ReLU's gradient is `dy · step(x)` in tfjs-core (Step, Cast, Multiply); here one program `dy · (x > 0)`.
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { SplitKReduceProgram, type GpuProgram } from './gemm';
import type { WebGpuBackendLike } from './conv-grads';

/** Partial column sums [S, cols] of a [rows, cols] matrix (S = 1: the sums themselves, in `outputShape`). */
class ColumnSumProgram implements GpuProgram {
  variableNames = ['x'];
  uniforms = 'rows : i32, cols : i32, rowsPerSplit : i32,';
  outputShape: number[];
  shaderKey = 'layerloomColumnSum';
  dispatchLayout = { x: [0], y: [1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [64, 1, 1];

  constructor(cols: number, splits: number, outputShape: number[]) {
    this.outputShape = outputShape;
    this.dispatch = [Math.ceil(cols / 64), splits, 1];
  }

  getUserCode(): string {
    return `
  fn main() {
    let c = i32(workgroupId.x) * 64 + i32(localId.x);
    let s = i32(workgroupId.y);
    if (c >= uniforms.cols) { return; }
    let r1 = min(uniforms.rows, (s + 1) * uniforms.rowsPerSplit);
    var acc = 0.0;
    for (var r = s * uniforms.rowsPerSplit; r < r1; r++) { acc += x[r * uniforms.cols + c]; }
    result[s * uniforms.cols + c] = acc;
  }`;
  }
}

/** dy · (x > 0), elementwise. */
class ReluGradProgram implements GpuProgram {
  variableNames = ['dy', 'x'];
  outputShape: number[];
  shaderKey = 'layerloomReluGrad';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;

  constructor(shape: number[]) {
    this.outputShape = shape;
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    this.dispatch = [Math.ceil(tfc.util.sizeFromShape(shape) / 64), 1, 1];
  }

  getUserCode(): string {
    return `
  fn main(index : i32) {
    if (index < uniforms.size) { result[index] = select(0.0, dy[index], x[index] > 0.0); }
  }`;
  }
}

/** Sums of a [rows, cols] float32 tensor over its rows, shaped `outShape` (cols elements). */
export function columnSum(x: TensorInfo, rows: number, cols: number, outShape: number[], backend: WebGpuBackendLike): TensorInfo {
  const rowsPerSplit = Math.max(64, Math.ceil(rows / 256));
  const splits = Math.ceil(rows / rowsPerSplit);
  const uniforms = [rows, cols, rowsPerSplit].map((v) => ({ type: 'int32', data: [v] }));
  if (splits === 1) return backend.runWebGPUProgram(new ColumnSumProgram(cols, 1, outShape), [x], 'float32', uniforms);
  const partial = backend.runWebGPUProgram(new ColumnSumProgram(cols, splits, [splits, cols]), [x], 'float32', uniforms);
  const out = backend.runWebGPUProgram(new SplitKReduceProgram(outShape), [partial], 'float32', [{ type: 'int32', data: [splits] }]);
  backend.disposeData(partial.dataId);
  return out;
}

let shippedSum: KernelFunc | null = null;

/** `Sum` on webgpu: leading-axes float32 sums (bias gradients) by `columnSum`, everything else by tfjs's kernel. */
const sumKernel: KernelConfig = {
  kernelName: tfc.Sum,
  backendName: 'webgpu',
  kernelFunc: ((args: { inputs: { x: TensorInfo }; backend: WebGpuBackendLike; attrs: NamedAttrMap }) => {
    const { x } = args.inputs;
    const r = x.shape.length;
    const axes = tfc.util.parseAxisParam(args.attrs.axis as number | number[], x.shape).sort((a, b) => a - b);
    const leading = r >= 2 && axes.length === r - 1 && axes.every((a, i) => a === i);
    if (!leading || x.dtype !== 'float32' || tfc.util.sizeFromShape(x.shape) === 0) return shippedSum!(args as unknown as Parameters<KernelFunc>[0]);
    const cols = x.shape[r - 1];
    const outShape = args.attrs.keepDims ? [...x.shape.slice(0, -1).map(() => 1), cols] : [cols];
    return columnSum(x, tfc.util.sizeFromShape(x.shape) / cols, cols, outShape, args.backend);
  }) as unknown as KernelFunc,
};

/** A kernel of our own name for the fused ReLU gradient (webgpu only). */
export const RELU_GRAD = 'LayerLoomReluGrad';

const reluGradKernel: KernelConfig = {
  kernelName: RELU_GRAD,
  backendName: 'webgpu',
  kernelFunc: ((args: { inputs: { dy: TensorInfo; x: TensorInfo }; backend: WebGpuBackendLike }) =>
    args.backend.runWebGPUProgram(new ReluGradProgram(args.inputs.x.shape), [args.inputs.dy, args.inputs.x], 'float32')) as unknown as KernelFunc,
};

let reluOriginal: GradConfig | null = null;
let reluFused = true;

/** ReLU's gradient through `RELU_GRAD` on webgpu (float32), tfjs-core's elsewhere. Idempotent. */
function installReluGradient(): void {
  if (reluOriginal) return;
  const orig = tfc.getGradient(tfc.Relu);
  if (!orig) return;
  reluOriginal = orig;
  tfc.registerGradient({
    kernelName: tfc.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const [x] = saved;
      if (!reluFused || tfc.getBackend() !== 'webgpu' || x.dtype !== 'float32') return orig.gradFunc(dy, saved, attrs);
      return { x: () => tfc.engine().runKernel(RELU_GRAD, { dy: dy as Tensor, x }) as Tensor };
    },
  });
}

/** Registers (enabled) or removes the column-sum `Sum` and the fused ReLU gradient (`false`: tfjs's own). */
export function useBiasActivationKernels(enabled = true): void {
  reluFused = enabled;
  const current = tfc.getKernel(tfc.Sum, 'webgpu');
  if (current && current !== sumKernel) shippedSum = current.kernelFunc;
  if (current) tfc.unregisterKernel(tfc.Sum, 'webgpu');
  tfc.registerKernel(enabled || !shippedSum ? sumKernel : { kernelName: tfc.Sum, backendName: 'webgpu', kernelFunc: shippedSum });
  if (!tfc.getKernel(RELU_GRAD, 'webgpu')) tfc.registerKernel(reluGradKernel);
  installReluGradient();
}
