/**
 * Deformable convolution v2 (Zhu et al., "Deformable ConvNets v2: More Deformable, Better Results", CVPR 2019)
 * as a tfjs layer written with standard ops, so autodiff gives its gradients on every backend that has them:
 *  - a k×k convolution predicts, per output position, an offset (dy, dx) for each of the K = kh·kw taps and
 *    (v2) a modulation scalar per tap (sigmoid);
 *  - each tap samples the input at its regular position plus its offset, bilinearly (zero outside the image);
 *  - the samples, weighted by the modulation, go through the layer's kernel as one matrix product.
 * Offsets start at zero and modulation at 0.5 (the paper's initialization), so an untrained layer is a regular
 * convolution with halved taps. Channels last (NHWC), like every LayerLoom layer.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../compile';
import { configWithoutName, firstShape, windowedOutputShape, type WindowedConfig } from './common';
import { samePadding } from '../../blocks/shape-utils';

/** The layer's config, as stored in model.json. */
export interface DeformableConvConfig extends WindowedConfig {
  useBias: boolean;
  activation: string;
  /** v2: learned modulation per tap (v1 when false). */
  modulation: boolean;
  kernelInitializer?: string;
}

/** The tfjs class name of the layer. */
export const DEFORMABLE_CONV_CLASS = 'DeformableConv2D';

/** The four neighbours of each sample: which row/column offset, and the sign of d(weight)/d(position). */
const CORNERS = [[0, 0], [0, 1], [1, 0], [1, 1]] as const;

/**
 * Bilinear sampling of `x` [B, H, W, C] at fractional positions `ys`, `xs` [B, Ho, Wo, K] (zero outside the
 * image), each sample scaled by `scale` [B, Ho, Wo, K]; returns [B, Ho, Wo, K, C]. Its gradient is written out
 * (the input's by scatter-add, the positions' from the bilinear weights), because tfjs' gather has no gradient
 * path that keeps integer indices out of the tape.
 */
export function bilinearSample(tf: Tf, x: tfjs.Tensor4D, ys: tfjs.Tensor4D, xs: tfjs.Tensor4D, scale: tfjs.Tensor4D): tfjs.Tensor {
  const [b, h, w, c] = x.shape;
  const [, ho, wo, k] = ys.shape;
  /** Per corner: flat row index into x [B·H·W] and the bilinear weight without the scale (0 outside). */
  const corners = (yv: tfjs.Tensor, xv: tfjs.Tensor) => {
    const batchBase = tf.range(0, b, 1, 'int32').mul(tf.scalar(h * w, 'int32')).reshape([b, 1, 1, 1]);
    const y0 = yv.floor();
    const x0 = xv.floor();
    const fy = yv.sub(y0);
    const fx = xv.sub(x0);
    return CORNERS.map(([dy, dx]) => {
      const yc = y0.add(dy);
      const xc = x0.add(dx);
      const inside = yc.greaterEqual(0).logicalAnd(yc.lessEqual(h - 1)).logicalAnd(xc.greaterEqual(0)).logicalAnd(xc.lessEqual(w - 1)).cast('float32');
      const index = yc.clipByValue(0, h - 1).mul(w).add(xc.clipByValue(0, w - 1)).cast('int32').add(batchBase).reshape([-1]);
      const wy = dy ? fy : tf.scalar(1).sub(fy);
      const wx = dx ? fx : tf.scalar(1).sub(fx);
      return { index, wy, wx, inside, sy: dy ? 1 : -1, sx: dx ? 1 : -1 };
    });
  };
  /** The samples of each corner [B, Ho, Wo, K, C] (zero weight outside is applied by the caller). */
  const gatherAll = (xi: tfjs.Tensor, parts: ReturnType<typeof corners>) => {
    const flat = xi.reshape([b * h * w, c]);
    return parts.map((p) => tf.gather(flat, p.index).reshape([b, ho, wo, k, c]));
  };
  const op = tf.customGrad((...args: unknown[]) => {
    const [xi, yi, xsi, si] = args as [tfjs.Tensor4D, tfjs.Tensor4D, tfjs.Tensor4D, tfjs.Tensor4D];
    const save = args[4] as (tensors: tfjs.Tensor[]) => void;
    save([xi, yi, xsi, si]);
    const parts = corners(yi, xsi);
    const picked = gatherAll(xi, parts);
    const value = parts.reduce<tfjs.Tensor | null>((acc, p, i) => {
      const term = picked[i].mul(p.wy.mul(p.wx).mul(p.inside).mul(si).expandDims(-1));
      return acc ? acc.add(term) : term;
    }, null)!;
    const gradFunc = (dy: tfjs.Tensor, saved: tfjs.Tensor[]) => {
      const [sx, sy, sxs, ss] = saved;
      const ps = corners(sy, sxs);
      const values = gatherAll(sx, ps);
      let gx: tfjs.Tensor = tf.zeros([b * h * w, c]);
      let gy: tfjs.Tensor = tf.zerosLike(sy);
      let gxs: tfjs.Tensor = tf.zerosLike(sxs);
      let gs: tfjs.Tensor = tf.zerosLike(ss);
      ps.forEach((p, i) => {
        // d/dx: each sample's upstream gradient, weighted, added back to the pixel it read.
        const updates = dy.mul(p.wy.mul(p.wx).mul(p.inside).mul(ss).expandDims(-1)).reshape([-1, c]);
        gx = gx.add(tf.scatterND(p.index.expandDims(1), updates, [b * h * w, c]));
        const dot = dy.mul(values[i]).sum(-1).mul(p.inside); // Σ_c dy·x_corner where the corner is inside
        gs = gs.add(dot.mul(p.wy).mul(p.wx));
        gy = gy.add(dot.mul(ss).mul(p.wx).mul(p.sy));
        gxs = gxs.add(dot.mul(ss).mul(p.wy).mul(p.sx));
      });
      return [gx.reshape(sx.shape), gy, gxs, gs];
    };
    return { value, gradFunc };
  });
  return (op as unknown as (...t: tfjs.Tensor[]) => tfjs.Tensor)(x, ys, xs, scale);
}

/** Regular tap positions before offsets: [Ho, Wo, K] rows and columns of the input each tap reads. */
function basePositions(tf: Tf, cfg: DeformableConvConfig, h: number, w: number, ho: number, wo: number): [tfjs.Tensor3D, tfjs.Tensor3D] {
  const [kh, kw] = cfg.kernelSize;
  const [sh, sw] = cfg.strides;
  const [dh, dw] = cfg.dilationRate;
  const top = cfg.padding === 'same' ? samePadding(h, kh, sh, dh)[0] : 0;
  const left = cfg.padding === 'same' ? samePadding(w, kw, sw, dw)[0] : 0;
  const rows = new Float32Array(ho * wo * kh * kw);
  const cols = new Float32Array(ho * wo * kh * kw);
  let i = 0;
  for (let oy = 0; oy < ho; oy++) {
    for (let ox = 0; ox < wo; ox++) {
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++, i++) {
          rows[i] = oy * sh - top + ky * dh;
          cols[i] = ox * sw - left + kx * dw;
        }
      }
    }
  }
  return [tf.tensor3d(rows, [ho, wo, kh * kw]), tf.tensor3d(cols, [ho, wo, kh * kw])];
}

const classes = new WeakMap<object, unknown>();

/**
 * The DeformableConv2D layer class for this tfjs namespace (defined once per namespace and registered for
 * serialization, so saved models load back).
 */
export function deformableConvClass(tf: Tf): new (config: DeformableConvConfig) => tfjs.layers.Layer {
  const known = classes.get(tf);
  if (known) return known as new (config: DeformableConvConfig) => tfjs.layers.Layer;

  class DeformableConv2D extends tf.layers.Layer {
    static className = DEFORMABLE_CONV_CLASS;
    readonly cfg: DeformableConvConfig;
    private kernel!: tfjs.LayerVariable;
    private bias: tfjs.LayerVariable | null = null;
    private offsetKernel!: tfjs.LayerVariable;
    private offsetBias!: tfjs.LayerVariable;
    private maskKernel: tfjs.LayerVariable | null = null;
    private maskBias: tfjs.LayerVariable | null = null;
    private readonly act: tfjs.layers.Layer | null;

    constructor(config: DeformableConvConfig) {
      super({ name: config.name });
      this.cfg = { ...config };
      this.act = activationLayer(tf, config.activation);
    }

    override build(inputShape: tfjs.Shape | tfjs.Shape[]): void {
      const c = firstShape(inputShape)[3] as number;
      const [kh, kw] = this.cfg.kernelSize;
      const taps = kh * kw;
      const zeros = tf.initializers.zeros();
      // [kh, kw, C, filters] as Conv2D's kernel; read as [kh·kw·C, filters], the order the samples come in.
      this.kernel = this.addWeight('kernel', [kh, kw, c, this.cfg.filters], 'float32', tf.initializers.glorotUniform({}));
      if (this.cfg.useBias) this.bias = this.addWeight('bias', [this.cfg.filters], 'float32', zeros);
      this.offsetKernel = this.addWeight('offset_kernel', [kh, kw, c, 2 * taps], 'float32', zeros);
      this.offsetBias = this.addWeight('offset_bias', [2 * taps], 'float32', zeros);
      if (this.cfg.modulation) {
        this.maskKernel = this.addWeight('mask_kernel', [kh, kw, c, taps], 'float32', zeros);
        this.maskBias = this.addWeight('mask_bias', [taps], 'float32', zeros);
      }
      this.built = true;
    }

    override computeOutputShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
      return windowedOutputShape(inputShape, this.cfg);
    }

    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      return tf.tidy(() => {
        const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tfjs.Tensor4D;
        const [b, h, w, c] = x.shape;
        const conv = (kernel: tfjs.LayerVariable, bias: tfjs.LayerVariable) =>
          tf.conv2d(x, kernel.read() as tfjs.Tensor4D, this.cfg.strides, this.cfg.padding, 'NHWC', this.cfg.dilationRate).add(bias.read());
        const offsets = conv(this.offsetKernel, this.offsetBias) as tfjs.Tensor4D;
        const [, ho, wo] = offsets.shape;
        const taps = this.cfg.kernelSize[0] * this.cfg.kernelSize[1];
        const pairs = offsets.reshape([b, ho, wo, taps, 2]);
        const [dy, dx] = tf.split(pairs, 2, 4).map((t) => t.reshape([b, ho, wo, taps]) as tfjs.Tensor4D);
        const [rows, cols] = basePositions(tf, this.cfg, h, w, ho, wo);
        const scale = this.maskKernel && this.maskBias
          ? (tf.sigmoid(conv(this.maskKernel, this.maskBias)) as tfjs.Tensor4D)
          : (tf.ones([b, ho, wo, taps]) as tfjs.Tensor4D);
        const sampled = bilinearSample(tf, x, dy.add(rows) as tfjs.Tensor4D, dx.add(cols) as tfjs.Tensor4D, scale);
        let y = tf.matMul(sampled.reshape([b * ho * wo, taps * c]), this.kernel.read().reshape([taps * c, this.cfg.filters]) as tfjs.Tensor2D);
        if (this.bias) y = y.add(this.bias.read());
        const out = y.reshape([b, ho, wo, this.cfg.filters]);
        return this.act ? (this.act.apply(out) as tfjs.Tensor) : out;
      });
    }

    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), ...configWithoutName(this.cfg) };
    }
  }
  tf.serialization.registerClass(DeformableConv2D as unknown as tfjs.serialization.SerializableConstructor<tfjs.layers.Layer>);
  classes.set(tf, DeformableConv2D);
  return DeformableConv2D as unknown as new (config: DeformableConvConfig) => tfjs.layers.Layer;
}

/** The activation applied after a custom layer's main op (tfjs' own Activation layer), or null for linear. */
export function activationLayer(tf: Tf, name: string): tfjs.layers.Layer | null {
  return name === 'linear' ? null : tf.layers.activation({ activation: name as 'relu' });
}
