/** Feature maps of one layer for one sample: the top-N channels by mean activation, with their channel numbers. */

/** One channel's activation map. */
export interface FeatureChannel {
  /** Channel number in the layer's output. */
  index: number;
  mean: number;
  /** `height × width` values, row-major. */
  map: Float32Array;
}

/** The channels picked from one layer's output. */
export interface FeatureMaps {
  layerName: string;
  height: number;
  width: number;
  /** Channels the layer has in all. */
  totalChannels: number;
  channels: FeatureChannel[];
}

/**
 * Picks the `topN` channels with the highest mean activation from one example's `[h, w, c]` output
 * (`data` in NHWC order, channels fastest), highest first; ties keep channel order.
 */
export function topFeatureMaps(layerName: string, data: ArrayLike<number>, shape: readonly [number, number, number], topN: number): FeatureMaps {
  const [h, w, c] = shape;
  const sums = new Float64Array(c);
  for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) sums[k] += data[p * c + k];
  const order = Array.from({ length: c }, (_, k) => k).sort((a, b) => sums[b] - sums[a] || a - b);
  const channels = order.slice(0, Math.max(0, Math.min(topN, c))).map((k) => {
    const map = new Float32Array(h * w);
    for (let p = 0; p < h * w; p++) map[p] = data[p * c + k];
    return { index: k, mean: sums[k] / (h * w), map };
  });
  return { layerName, height: h, width: w, totalChannels: c, channels };
}
