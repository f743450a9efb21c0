/**
 * tfjs-layers' Conv2D runs `tf.fused.conv2d` whenever its activation is
 * linear, and that op's gradient (a customGrad) computes the input gradient
 * eagerly even when nothing needs it: for a network's first convolution, whose
 * input is data, that is a whole wasted Conv2DBackpropInput per step (about
 * 5% of a ResNet-18 step, the 7×7 stride-2 stem). While gradients are being
 * recorded on the wasm backend, the layer here runs `conv2d` then the bias
 * add, whose registered gradients tfjs prunes to what the tape needs. Outside
 * training, on other backends, and for other layers, the original `call` runs.
 * With a bias and a linear or relu activation the layer runs one kernel instead,
 * `LayerLoomConv2DBiasAct` (the wasm FusedConv2D: bias and relu inside the
 * convolution), whose registered gradient is a map of lazy per-input functions,
 * so tfjs still prunes the unneeded input gradient: no separate bias Add and
 * Relu passes over the activations (4.7 and 1.2 ms of a reference-CNN step).
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import type { WasmBackendLike } from './kernel-utils';
import { ReluGrad } from './cheap-kernels';
import { simdRuntime } from './simd/loader';

/** conv2d + bias + (linear | relu) as one kernel on wasm. */
export const ConvBiasAct = 'LayerLoomConv2DBiasAct';

interface ConvBiasActAttrs {
  strides: [number, number];
  pad: 'same' | 'valid';
  dilations: [number, number];
  activation: 'linear' | 'relu';
}

/** The wasm FusedConv2D as registered (our SIMD kernel where it applies, XNNPACK's fused convolution otherwise). */
function convBiasAct(args: { inputs: Record<string, TensorInfo>; backend: WasmBackendLike; attrs: NamedAttrMap }): TensorInfo {
  const a = args.attrs as unknown as ConvBiasActAttrs;
  const fused = tfc.getKernel(tfc.FusedConv2D, 'wasm');
  if (!fused) throw new Error('wasm kernel FusedConv2D is not registered');
  return fused.kernelFunc({
    inputs: { x: args.inputs.x, filter: args.inputs.filter, bias: args.inputs.bias }, backend: args.backend,
    attrs: { strides: a.strides, pad: a.pad, dilations: a.dilations, dataFormat: 'NHWC', activation: a.activation, leakyreluAlpha: 0.2 },
  }) as TensorInfo;
}

/** Kernel config of `LayerLoomConv2DBiasAct`. */
export const convBiasActKernel: KernelConfig = {
  kernelName: ConvBiasAct, backendName: 'wasm', kernelFunc: convBiasAct as unknown as tfc.KernelFunc,
};

/** dy through the activation: dy · step(y) for relu (y > 0 exactly where the pre-activation is; NaN stays NaN). */
function throughActivation(dy: Tensor, y: Tensor, activation: string): Tensor {
  if (activation !== 'relu') return dy;
  if (simdRuntime(tfc.backend() as unknown as WasmBackendLike)) {
    return tfc.engine().runKernel(ReluGrad, { dy, x: y } as unknown as tfc.NamedTensorMap) as Tensor;
  }
  return tfc.mul(dy, tfc.step(y));
}

function registerConvBiasActGradient(): void {
  tfc.registerGradient({
    kernelName: ConvBiasAct,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const [x, filter, y] = saved;
      const a = attrs as unknown as ConvBiasActAttrs;
      // Eagerly: tfjs runs each input's gradient function in its own tidy, which would dispose a shared lazy one.
      const g = throughActivation(dy as Tensor, y, a.activation);
      const masked = () => g;
      const common = { strides: a.strides, pad: a.pad, dilations: a.dilations, dataFormat: 'NHWC' };
      const eng = tfc.engine();
      return {
        x: () => eng.runKernel(tfc.Conv2DBackpropInput, { dy: masked(), filter } as unknown as tfc.NamedTensorMap, { ...common, inputShape: x.shape }) as Tensor,
        filter: () => eng.runKernel(tfc.Conv2DBackpropFilter, { x, dy: masked() } as unknown as tfc.NamedTensorMap, { ...common, filterShape: filter.shape }) as Tensor,
        bias: () => tfc.sum(masked(), [0, 1, 2]),
      };
    },
  });
}

/** What the routed `call` reads of a tfjs-layers Conv2D (fields are protected in the typings). */
interface ConvLayer {
  rank: number;
  kernel: { read(): Tensor };
  bias: { read(): Tensor } | null;
  strides: number[];
  padding: string;
  dataFormat: string;
  dilationRate: number[];
  activation: { getClassName(): string; apply(t: Tensor): Tensor };
}
type Call = (this: ConvLayer, inputs: Tensor | Tensor[], kwargs: Record<string, unknown>) => Tensor | Tensor[];

let installed = false;

/** Whether a tape is recording: tfjs fuses a linear conv2d only then (`shouldFuse`). */
function recording(): boolean {
  return (tfc.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
}

/** Route Conv2D layers through the unfused ops while training on wasm (idempotent). */
export function installUnfusedTrainingConv(): void {
  if (installed) return;
  installed = true;
  registerConvBiasActGradient();
  const proto = Object.getPrototypeOf(layers.conv2d({ filters: 1, kernelSize: 1 })) as { call: Call };
  const original = proto.call;
  proto.call = function (this: ConvLayer, inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (tfc.getBackend() !== 'wasm' || !recording() || this.rank !== 2 || this.dataFormat !== 'channelsLast'
      || (this.padding !== 'same' && this.padding !== 'valid') || x.shape.length !== 4 || (Array.isArray(inputs) && inputs.length !== 1)) {
      return original.call(this, inputs, kwargs);
    }
    const act = this.activation.getClassName();
    if (this.bias && (act === 'linear' || act === 'relu')) {
      const attrs = {
        strides: this.strides, pad: this.padding, dilations: this.dilationRate, activation: act,
      } as unknown as NamedAttrMap;
      return tfc.engine().runKernel(ConvBiasAct, { x, filter: this.kernel.read(), bias: this.bias.read() } as unknown as tfc.NamedTensorMap, attrs) as Tensor;
    }
    return tfc.tidy(() => {
      let y: Tensor = tfc.conv2d(x as tfc.Tensor4D, this.kernel.read() as tfc.Tensor4D, this.strides as [number, number],
        this.padding as 'same' | 'valid', 'NHWC', this.dilationRate as [number, number]);
      if (this.bias) y = tfc.add(y, this.bias.read());
      return this.activation.getClassName() === 'linear' ? y : this.activation.apply(y);
    });
  };
}
