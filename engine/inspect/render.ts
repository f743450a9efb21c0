/**
 * Pictures of what the inspector computes, as plain RGBA pixel buffers (the renderer puts them on a canvas,
 * the CLI encodes them as PNG): a sample image, a heat map over it, a grid of kernels, a grid of feature maps.
 * Colour maps: a perceptual "turbo"-like ramp for heat, blue-white-red for signed kernel weights.
 */
import type { FeatureMaps } from './features';
import type { KernelSet } from './kernels';
import { kernelAt } from './kernels';

/** An RGBA image, row-major, 4 bytes per pixel. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Heat colour for v in [0, 1]: dark blue → cyan → yellow → red (a piecewise "jet" without its muddy ends). */
export function heatColor(v: number): [number, number, number] {
  const t = clamp01(v);
  const r = clamp01(1.5 - Math.abs(4 * t - 3));
  const g = clamp01(1.5 - Math.abs(4 * t - 2));
  const b = clamp01(1.5 - Math.abs(4 * t - 1));
  return [Math.round(255 * r), Math.round(255 * g), Math.round(255 * b)];
}

/** Diverging colour for v in [-1, 1]: blue (negative), white (0), red (positive). */
export function signedColor(v: number): [number, number, number] {
  const t = Math.max(-1, Math.min(1, v));
  return t >= 0 ? [255, Math.round(255 * (1 - t)), Math.round(255 * (1 - t))] : [Math.round(255 * (1 + t)), Math.round(255 * (1 + t)), 255];
}

/** A blank image filled with `rgb`. */
export function blankImage(width: number, height: number, rgb: [number, number, number] = [255, 255, 255]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
  return { width, height, data };
}

/** An 8-bit HWC sample (1 or 3 channels) as RGBA, each pixel drawn as a `scale × scale` block. */
export function sampleToRgba(pixels: ArrayLike<number>, height: number, width: number, channels: number, scale = 1): RgbaImage {
  const img = blankImage(width * scale, height * scale);
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < width * scale; x++) {
      const p = (Math.floor(y / scale) * width + Math.floor(x / scale)) * channels;
      const o = (y * width * scale + x) * 4;
      if (channels === 3) img.data.set([pixels[p], pixels[p + 1], pixels[p + 2]], o);
      else img.data.set([pixels[p], pixels[p], pixels[p]], o);
    }
  }
  return img;
}

/** `base` (a sample scaled by `scale`) with the `height × width` heat map in [0, 1] blended over it at `alpha`. */
export function heatOverlay(base: RgbaImage, heat: ArrayLike<number>, height: number, width: number, alpha = 0.5): RgbaImage {
  const out = { width: base.width, height: base.height, data: new Uint8ClampedArray(base.data) };
  const sy = base.height / height;
  const sx = base.width / width;
  for (let y = 0; y < base.height; y++) {
    for (let x = 0; x < base.width; x++) {
      const v = heat[Math.min(height - 1, Math.floor(y / sy)) * width + Math.min(width - 1, Math.floor(x / sx))];
      const [r, g, b] = heatColor(v);
      // Weak evidence stays see-through so the object under it remains visible.
      const a = alpha * (0.35 + 0.65 * clamp01(v));
      const o = (y * base.width + x) * 4;
      out.data[o] = out.data[o] * (1 - a) + r * a;
      out.data[o + 1] = out.data[o + 1] * (1 - a) + g * a;
      out.data[o + 2] = out.data[o + 2] * (1 - a) + b * a;
    }
  }
  return out;
}

/** Copies `src` into `dst` at (x, y). */
function blit(dst: RgbaImage, src: RgbaImage, x0: number, y0: number): void {
  for (let y = 0; y < src.height; y++) {
    const row = src.data.subarray(y * src.width * 4, (y + 1) * src.width * 4);
    dst.data.set(row, ((y0 + y) * dst.width + x0) * 4);
  }
}

/** Lays tiles of equal size out in rows of `columns`, `gap` pixels apart on a light background. */
export function tileGrid(tiles: RgbaImage[], columns: number, gap = 2): RgbaImage {
  if (tiles.length === 0) return blankImage(1, 1);
  const tw = tiles[0].width;
  const th = tiles[0].height;
  const cols = Math.max(1, Math.min(columns, tiles.length));
  const rows = Math.ceil(tiles.length / cols);
  const grid = blankImage(cols * tw + (cols + 1) * gap, rows * th + (rows + 1) * gap, [200, 200, 200]);
  tiles.forEach((t, i) => blit(grid, t, gap + (i % cols) * (tw + gap), gap + Math.floor(i / cols) * (th + gap)));
  return grid;
}

/**
 * One tile per output filter (at most `max`), each weight a `scale`-pixel block. A first layer on a 3-channel
 * input is drawn in colour (each filter min-max scaled, as RGB); otherwise the filter's mean over input
 * channels, blue-white-red around zero, scaled by the largest magnitude in the layer so filters compare.
 */
export function kernelTiles(set: KernelSet, scale = 8, max = 64): RgbaImage[] {
  const [kh, kw, cin, cout] = set.shape;
  const n = Math.min(cout, max);
  let absMax = 0;
  for (const v of set.weights) absMax = Math.max(absMax, Math.abs(v));
  const tiles: RgbaImage[] = [];
  for (let o = 0; o < n; o++) {
    const tile = blankImage(kw * scale, kh * scale);
    let lo = Infinity;
    let hi = -Infinity;
    if (cin === 3) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let i = 0; i < 3; i++) { const v = kernelAt(set, y, x, i, o); lo = Math.min(lo, v); hi = Math.max(hi, v); }
    for (let y = 0; y < kh; y++) {
      for (let x = 0; x < kw; x++) {
        let rgb: [number, number, number];
        if (cin === 3) {
          const f = (i: number) => Math.round((255 * (kernelAt(set, y, x, i, o) - lo)) / (hi - lo || 1));
          rgb = [f(0), f(1), f(2)];
        } else {
          let s = 0;
          for (let i = 0; i < cin; i++) s += kernelAt(set, y, x, i, o);
          rgb = signedColor(absMax > 0 ? s / cin / absMax : 0);
        }
        for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) tile.data.set([...rgb, 255], ((y * scale + dy) * tile.width + x * scale + dx) * 4);
      }
    }
    tiles.push(tile);
  }
  return tiles;
}

/** One tile per picked channel: its map min-max scaled to grey (bright = strong), `scale` pixels per unit. */
export function featureTiles(maps: FeatureMaps, scale: number): RgbaImage[] {
  return maps.channels.map((ch) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of ch.map) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const grey = Array.from(ch.map, (v) => Math.round((255 * (v - lo)) / (hi - lo || 1)));
    return sampleToRgba(grey, maps.height, maps.width, 1, scale);
  });
}

/** A scale that makes a `size`-pixel side about `target` pixels (at least 1). */
export function scaleFor(size: number, target: number): number {
  return Math.max(1, Math.round(target / Math.max(1, size)));
}
