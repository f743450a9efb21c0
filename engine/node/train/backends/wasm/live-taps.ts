/**
 * Dead filter taps. On small feature maps most of a convolution's window can
 * lie in the padding for every output (ResNet-18 at 32×32 ends on 1×1 maps,
 * where a 3×3 'same' convolution only ever reads its centre tap). XNNPACK
 * still multiplies the padded zeros, so these helpers find the taps that read
 * real input for at least one output and crop the filter (and the padding) to
 * them: the same result for a fraction of the work.
 */

/** One spatial axis of a convolution: input length, kernel taps, stride, dilation, padding, output length. */
export interface ConvAxis {
  inLen: number;
  k: number;
  stride: number;
  dilation: number;
  padBefore: number;
  outLen: number;
}

/**
 * First and last tap of `a` that reads at least one real input position
 * (`o·stride + t·dilation − padBefore` in [0, inLen) for some output o), or null when none does.
 */
export function liveTapRange(a: ConvAxis): [number, number] | null {
  let first = -1, last = -1;
  for (let t = 0; t < a.k; t++) {
    const lo = t * a.dilation - a.padBefore; // input position read by output 0
    const o = lo >= 0 ? 0 : Math.ceil(-lo / a.stride); // first output reading a position ≥ 0
    if (o < a.outLen && o * a.stride + lo < a.inLen) {
      if (first < 0) first = t;
      last = t;
    }
  }
  return first < 0 ? null : [first, last];
}

/** How a convolution shrinks once its dead taps are dropped (per axis: taps kept, padding removed). */
export interface Crop {
  /** Kept tap ranges [first, last] along height and width. */
  h: [number, number];
  w: [number, number];
  /** Padding after cropping, [[top, bottom], [left, right]]. */
  pads: [[number, number], [number, number]];
}

/**
 * The crop of a convolution with explicit padding, or null when every tap is live (nothing to gain) or the
 * output size `expectedOut` (tfjs's) is not the floor-rounded one assumed here.
 * `'empty'` when no tap reads real input at all: the output is all zeros (bias and activation aside).
 */
export function cropDeadTaps(
  inH: number, inW: number, kh: number, kw: number, strides: [number, number], dilations: [number, number],
  pads: [[number, number], [number, number]], expectedOut?: [number, number],
): Crop | null | 'empty' {
  const [[t, bo], [l, r]] = pads;
  const outH = Math.floor((inH + t + bo - (kh - 1) * dilations[0] - 1) / strides[0]) + 1;
  const outW = Math.floor((inW + l + r - (kw - 1) * dilations[1] - 1) / strides[1]) + 1;
  if (outH <= 0 || outW <= 0) return null;
  // tfjs rounds (not floors) some explicit-padding output sizes; leave those convolutions alone.
  if (expectedOut && (expectedOut[0] !== outH || expectedOut[1] !== outW)) return null;
  const h = liveTapRange({ inLen: inH, k: kh, stride: strides[0], dilation: dilations[0], padBefore: t, outLen: outH });
  const w = liveTapRange({ inLen: inW, k: kw, stride: strides[1], dilation: dilations[1], padBefore: l, outLen: outW });
  if (!h || !w) return 'empty';
  if (h[0] === 0 && h[1] === kh - 1 && w[0] === 0 && w[1] === kw - 1) return null;
  return {
    h, w,
    pads: [
      [t - h[0] * dilations[0], bo - (kh - 1 - h[1]) * dilations[0]],
      [l - w[0] * dilations[1], r - (kw - 1 - w[1]) * dilations[1]],
    ],
  };
}
