/**
 * Dynamic convolution (Chen et al., "Dynamic Convolution: Attention over Convolution Kernels", CVPR 2020; the
 * same idea as CondConv, Yang et al. 2019): K kernels, mixed per example by attention over the globally
 * pooled input — π = softmax(MLP(GAP(x)) / τ), y = conv(x, Σ_k π_k W_k) + Σ_k π_k b_k.
 *
 * Because convolution is linear in its kernel, conv(x, Σ π_k W_k) = Σ π_k conv(x, W_k): the layer runs one
 * convolution to K·filters channels and mixes the K results with π. That is exact, needs only standard ops (so
 * autodiff gives the gradients on every backend), and the PyTorch export does the same with one nn.Conv2d.
 * Channels last (NHWC).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../compile';
import { configWithoutName, firstShape, windowedOutputShape, type WindowedConfig } from './common';
import { activationLayer } from './deformable-conv';

/** The layer's config, as stored in model.json. */
export interface DynamicConvConfig extends WindowedConfig {
  useBias: boolean;
  activation: string;
  /** K: how many kernels are mixed. */
  kernels: number;
  /** Width of the attention MLP's hidden layer. */
  attentionUnits: number;
  /** Softmax temperature τ of the attention. */
  temperature: number;
}

/** The tfjs class name of the layer. */
export const DYNAMIC_CONV_CLASS = 'DynamicConv2D';

const classes = new WeakMap<object, unknown>();

/** The DynamicConv2D layer class for this tfjs namespace (defined once, registered for serialization). */
export function dynamicConvClass(tf: Tf): new (config: DynamicConvConfig) => tfjs.layers.Layer {
  const known = classes.get(tf);
  if (known) return known as new (config: DynamicConvConfig) => tfjs.layers.Layer;

  class DynamicConv2D extends tf.layers.Layer {
    static className = DYNAMIC_CONV_CLASS;
    readonly cfg: DynamicConvConfig;
    private readonly act: tfjs.layers.Layer | null;
    private kernel!: tfjs.LayerVariable;
    private bias: tfjs.LayerVariable | null = null;
    private attention1!: tfjs.LayerVariable;
    private attention1Bias!: tfjs.LayerVariable;
    private attention2!: tfjs.LayerVariable;
    private attention2Bias!: tfjs.LayerVariable;

    constructor(config: DynamicConvConfig) {
      super({ name: config.name });
      this.cfg = { ...config };
      this.act = activationLayer(tf, config.activation);
    }

    override build(inputShape: tfjs.Shape | tfjs.Shape[]): void {
      const c = firstShape(inputShape)[3] as number;
      const { kernels: k, filters: f, attentionUnits: h } = this.cfg;
      const glorot = tf.initializers.glorotUniform({});
      const zeros = tf.initializers.zeros();
      // The K kernels side by side: output channel k·filters + j is kernel k's filter j.
      this.kernel = this.addWeight('kernel', [this.cfg.kernelSize[0], this.cfg.kernelSize[1], c, k * f], 'float32', glorot);
      if (this.cfg.useBias) this.bias = this.addWeight('bias', [k * f], 'float32', zeros);
      this.attention1 = this.addWeight('attention1_kernel', [c, h], 'float32', glorot);
      this.attention1Bias = this.addWeight('attention1_bias', [h], 'float32', zeros);
      this.attention2 = this.addWeight('attention2_kernel', [h, k], 'float32', glorot);
      this.attention2Bias = this.addWeight('attention2_bias', [k], 'float32', zeros);
      this.built = true;
    }

    override computeOutputShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
      return windowedOutputShape(inputShape, this.cfg);
    }

    /** The attention π [B, K] for a batch. */
    attention(x: tfjs.Tensor4D): tfjs.Tensor2D {
      return tf.tidy(() => {
        const pooled = x.mean([1, 2]) as tfjs.Tensor2D;
        const hidden = tf.relu(tf.matMul(pooled, this.attention1.read() as tfjs.Tensor2D).add(this.attention1Bias.read()));
        const logits = tf.matMul(hidden as tfjs.Tensor2D, this.attention2.read() as tfjs.Tensor2D).add(this.attention2Bias.read());
        return tf.softmax(logits.div(this.cfg.temperature)) as tfjs.Tensor2D;
      });
    }

    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      return tf.tidy(() => {
        const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tfjs.Tensor4D;
        const b = x.shape[0];
        const { kernels: k, filters: f } = this.cfg;
        let all = tf.conv2d(x, this.kernel.read() as tfjs.Tensor4D, this.cfg.strides, this.cfg.padding, 'NHWC', this.cfg.dilationRate) as tfjs.Tensor;
        if (this.bias) all = all.add(this.bias.read());
        const [, ho, wo] = all.shape as number[];
        const pi = this.attention(x).reshape([b, 1, 1, k, 1]);
        const out = all.reshape([b, ho, wo, k, f]).mul(pi).sum(3);
        return this.act ? (this.act.apply(out) as tfjs.Tensor) : out;
      });
    }

    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), ...configWithoutName(this.cfg) };
    }
  }
  tf.serialization.registerClass(DynamicConv2D as unknown as tfjs.serialization.SerializableConstructor<tfjs.layers.Layer>);
  classes.set(tf, DynamicConv2D);
  return DynamicConv2D as unknown as new (config: DynamicConvConfig) => tfjs.layers.Layer;
}
