/**
 * tfjs-layers' Conv2D runs `tf.fused.conv2d` whenever its activation is
 * linear, and that op's gradient (a customGrad) computes the input gradient
 * eagerly even when nothing needs it: for a network's first convolution, whose
 * input is data, that is a whole wasted Conv2DBackpropInput per step (about
 * 5% of a ResNet-18 step, the 7×7 stride-2 stem). While gradients are being
 * recorded on the wasm backend, the layer here runs `conv2d` then the bias
 * add, whose registered gradients tfjs prunes to what the tape needs. Outside
 * training, on other backends, and for other layers, the original `call` runs.
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';

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
  const proto = Object.getPrototypeOf(layers.conv2d({ filters: 1, kernelSize: 1 })) as { call: Call };
  const original = proto.call;
  proto.call = function (this: ConvLayer, inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (tfc.getBackend() !== 'wasm' || !recording() || this.rank !== 2 || this.dataFormat !== 'channelsLast'
      || (this.padding !== 'same' && this.padding !== 'valid') || x.shape.length !== 4 || (Array.isArray(inputs) && inputs.length !== 1)) {
      return original.call(this, inputs, kwargs);
    }
    return tfc.tidy(() => {
      let y: Tensor = tfc.conv2d(x as tfc.Tensor4D, this.kernel.read() as tfc.Tensor4D, this.strides as [number, number],
        this.padding as 'same' | 'valid', 'NHWC', this.dilationRate as [number, number]);
      if (this.bias) y = tfc.add(y, this.bias.read());
      return this.activation.getClassName() === 'linear' ? y : this.activation.apply(y);
    });
  };
}
