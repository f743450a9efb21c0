/** Number and shape formatting shared by nodes, edges and panels. */

/** `[28, 28, 32]` -> `28×28×32`; null (unknown) -> `?`. */
export function formatShape(shape: readonly number[] | null | undefined): string {
  if (!shape) return '?';
  return shape.length ? shape.join('×') : 'scalar';
}

/** A compact count: 950, 12.3K, 4.56M, 1.2G. */
export function formatCompact(n: number): string {
  const abs = Math.abs(n);
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'K']];
  for (const [scale, unit] of units) {
    if (abs >= scale) {
      const v = n / scale;
      return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)}${unit}`;
    }
  }
  return String(n);
}

// One formatter for every call: `toLocaleString` builds a new one each time, which shows when a frame formats hundreds.
const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A full count with thousands separators: 138,357,544. */
export function formatInt(n: number): string {
  return intFormat.format(Math.round(n));
}

/** Bytes as KB/MB/GB (binary units). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v.toFixed(0) : v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

/** Heat colour for a value in [0, max] on a log scale, from cool to hot (for the colour-by toggle). */
export function heatColor(value: number, max: number): string {
  if (!(value > 0) || !(max > 0)) return 'hsl(220 10% 50%)';
  const t = Math.min(1, Math.log1p(value) / Math.log1p(max));
  // 220 (blue) -> 160 (teal) -> 45 (amber) -> 0 (red): a perceptually even-ish ramp.
  const hue = t < 0.5 ? 220 - t * 2 * 160 : 60 - (t - 0.5) * 2 * 60;
  return `hsl(${hue.toFixed(0)} 80% ${t < 0.5 ? 55 : 52}%)`;
}

/** A per-axis pair: `[7, 7]` -> `7`, `[7, 5]` -> `7×5`. */
export function formatPair(pair: readonly [number, number] | readonly number[]): string {
  return pair[0] === pair[1] ? String(pair[0]) : `${pair[0]}×${pair[1]}`;
}
