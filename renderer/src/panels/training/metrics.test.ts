import { describe, expect, it } from 'vitest';
import { decimate, formatDuration, perClassMetrics, Smoother, sortRuns } from './metrics';

describe('training panel metrics', () => {
  it('computes precision and recall per class from a confusion matrix', () => {
    // actual 0: 8 right, 2 called 1; actual 1: 5 right, 5 called 0; class 2: no examples, never predicted.
    const m = perClassMetrics([
      [8, 2, 0],
      [5, 5, 0],
      [0, 0, 0],
    ]);
    expect(m[0]).toEqual({ support: 10, precision: 8 / 13, recall: 0.8 });
    expect(m[1]).toEqual({ support: 10, precision: 5 / 7, recall: 0.5 });
    expect(m[2]).toEqual({ support: 0, precision: null, recall: null });
  });

  it('smooths with a debiased moving average and passes non-finite values through as null', () => {
    const s = new Smoother(0.5);
    expect(s.push(4)).toBe(4);
    expect(s.push(2)).toBeCloseTo((0.5 * 0.5 * 4 + 0.5 * 2) / 0.75, 10);
    expect(s.push(null)).toBeNull();
    expect(s.push(NaN)).toBeNull();
  });

  it('decimates to at most the asked number of points, keeping spikes in extreme series', () => {
    const n = 10_000;
    const x = Array.from({ length: n }, (_, i) => i);
    const y = Array.from({ length: n }, (_, i) => (i === 5_003 ? 50 : 1));
    const [dx, dy, dm] = decimate(x, [y, y], n, 500, [true, false]);
    expect(dx.length).toBe(500);
    expect(dy.length).toBe(500);
    expect(Math.max(...(dy as number[]))).toBe(50);
    expect(Math.max(...(dm as number[]))).toBeCloseTo(1 + 49 / 20, 10);
    expect(dx[0]).toBe(0);
    const small = decimate([1, 2], [[3, null]], 2, 500);
    expect(small).toEqual([[1, 2], [3, null]]);
  });

  it('formats durations', () => {
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(null)).toBe('--:--');
  });

  it('sorts runs by a column either way, unknown values last', () => {
    const run = (design: string, testAccuracy: number | null, startedAt: string) => ({ design, testAccuracy, startedAt, dataset: 'd', status: 'completed', seconds: 1, backend: 'wasm' });
    const runs = [run('b', 0.5, '2026-01-02'), run('a', null, '2026-01-03'), run('c', 0.9, '2026-01-01')];
    expect(sortRuns(runs, 'testAccuracy', false).map((r) => r.design)).toEqual(['c', 'b', 'a']);
    expect(sortRuns(runs, 'testAccuracy', true).map((r) => r.design)).toEqual(['b', 'c', 'a']);
    expect(sortRuns(runs, 'design', true).map((r) => r.design)).toEqual(['a', 'b', 'c']);
    expect(sortRuns(runs, 'startedAt', false).map((r) => r.design)).toEqual(['a', 'b', 'c']);
  });
});
