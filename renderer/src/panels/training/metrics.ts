/** Pure numbers for the training panel: smoothing, display decimation, per-class precision and recall. */

/** Per class: how many test examples it has, precision and recall (null when undefined: nothing predicted / no examples). */
export interface ClassMetrics {
  support: number;
  precision: number | null;
  recall: number | null;
}

/** Precision and recall per class from `matrix[actual][predicted]`. */
export function perClassMetrics(matrix: readonly (readonly number[])[]): ClassMetrics[] {
  return matrix.map((row, k) => {
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = matrix.reduce((a, r) => a + (r[k] ?? 0), 0);
    const hit = row[k] ?? 0;
    return { support, precision: predicted ? hit / predicted : null, recall: support ? hit / support : null };
  });
}

/**
 * An exponential moving average with TensorBoard's debiasing (the first values are not pulled toward 0), fed
 * one value at a time; null values (a non-finite loss) pass through as null and leave the average alone.
 */
export class Smoother {
  private avg = 0;
  private n = 0;

  constructor(private readonly weight = 0.9) {}

  /** Adds a value; returns the smoothed value so far. */
  push(v: number | null): number | null {
    if (v === null || !Number.isFinite(v)) return null;
    this.n++;
    this.avg = this.weight * this.avg + (1 - this.weight) * v;
    return this.avg / (1 - Math.pow(this.weight, this.n));
  }
}

/** Display data: x and one or more y series of equal length (uPlot's aligned form). */
export type Columns = [number[], ...(number | null)[][]];

/**
 * Shrinks series of `n` points to at most `max` for drawing: each bucket keeps its first x and, per series, the
 * value farthest from the bucket's mean for `extreme` series (spikes stay visible) or the mean otherwise. Every
 * point is still in the run record; only the chart sees fewer.
 */
export function decimate(x: ArrayLike<number>, ys: ArrayLike<number | null>[], n: number, max: number, extreme: boolean[] = []): Columns {
  if (n <= max) return [Array.from({ length: n }, (_, i) => x[i]), ...ys.map((y) => Array.from({ length: n }, (_, i) => y[i]))] as Columns;
  const buckets = Math.max(1, max);
  const outX: number[] = [];
  const outY: (number | null)[][] = ys.map(() => []);
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets);
    if (hi <= lo) continue;
    outX.push(x[lo]);
    ys.forEach((y, s) => {
      let sum = 0;
      let count = 0;
      for (let i = lo; i < hi; i++) {
        const v = y[i];
        if (v !== null && v !== undefined) {
          sum += v;
          count++;
        }
      }
      if (!count) return outY[s].push(null);
      const mean = sum / count;
      if (!extreme[s]) return outY[s].push(mean);
      let far = mean;
      for (let i = lo; i < hi; i++) {
        const v = y[i];
        if (v !== null && v !== undefined && Math.abs(v - mean) > Math.abs(far - mean)) far = v;
      }
      outY[s].push(far);
    });
  }
  return [outX, ...outY] as Columns;
}

/** `1:05`, `12:30`, `1:02:03`; `--:--` when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const t = Math.max(0, Math.round(seconds));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = String(t % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Columns the run history sorts by. */
export type SortKey = 'startedAt' | 'design' | 'dataset' | 'status' | 'testAccuracy' | 'seconds' | 'backend';

/** Sorts runs by a column; unknown values (null) always last, whichever the direction. */
export function sortRuns<R extends Record<SortKey, string | number | null>>(runs: readonly R[], key: SortKey, asc: boolean): R[] {
  return [...runs].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return asc ? c : -c;
  });
}
