/**
 * One uPlot chart (bundled locally) that redraws on feed frames, not on React renders: `getData` is called
 * when the feed moved, already decimated for display. Drag to zoom (x), double-click to reset; the legend
 * shows the values under the cursor. A zoomed chart keeps its zoom while points stream in.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** A series as the chart draws it. */
export interface ChartSeries {
  label: string;
  color: string;
  width?: number;
  dash?: number[];
  /** Draw points only (epoch metrics with few values). */
  points?: boolean;
  /** Right-hand axis (accuracy next to loss). */
  right?: boolean;
}

/** What a chart shows and how. */
export interface ChartSpec {
  xLabel: string;
  series: ChartSeries[];
  /** Logarithmic y axis. */
  log?: boolean;
  rightLabel?: string;
  yLabel?: string;
}

/** Reads a theme colour (CSS variable) for the canvas, which cannot use `var()`. */
export function themeColor(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

function buildOptions(spec: ChartSpec, width: number, height: number, zoomed: { current: boolean }): uPlot.Options {
  const grid = { stroke: themeColor('--border', '#333'), width: 1 };
  const text = themeColor('--text-muted', '#999');
  // `side` only when given: uPlot takes an explicit undefined as "top" instead of its per-axis default.
  const axis = (label: string | undefined, scale: string, side?: 1): uPlot.Axis => ({ scale, label, stroke: text, grid: side === 1 ? { show: false } : grid, ticks: { stroke: grid.stroke, width: 1 }, ...(side ? { side } : {}), size: 48, labelSize: 16, font: '11px sans-serif', labelFont: '11px sans-serif' });
  return {
    width,
    height,
    cursor: { drag: { x: true, y: false } },
    legend: { live: true },
    scales: { x: { time: false }, y: spec.log ? { distr: 3 } : {}, r: { range: [0, 1] } },
    // Steps and epochs are whole numbers: no 0.5 ticks on a short run.
    axes: [{ ...axis(spec.xLabel, 'x'), incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000] }, axis(spec.yLabel, 'y'), ...(spec.series.some((s) => s.right) ? [axis(spec.rightLabel, 'r', 1)] : [])],
    series: [
      { label: spec.xLabel },
      ...spec.series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: s.width ?? 1.5,
        dash: s.dash,
        scale: s.right ? 'r' : 'y',
        spanGaps: true,
        points: s.points ? { show: true, size: 6, fill: s.color } : { show: false },
        value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4)),
      })),
    ],
    hooks: {
      setSelect: [(u) => void (zoomed.current = u.select.width > 0 || zoomed.current)],
      ready: [(u) => u.over.addEventListener('dblclick', () => void (zoomed.current = false))],
    },
  };
}

/** A chart; `version()` says whether `getData()` would return something new. */
export function Chart({ spec, getData, subscribe, version, height = 170, testId, onDrawn }: {
  spec: ChartSpec;
  getData: () => uPlot.AlignedData;
  subscribe: (redraw: () => void) => () => void;
  version: () => number;
  height?: number;
  testId?: string;
  onDrawn?: () => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const dataRef = useRef(getData);
  dataRef.current = getData;
  const drawnRef = useRef(onDrawn);
  drawnRef.current = onDrawn;
  useEffect(() => {
    const el = host.current!;
    const zoomed = { current: false };
    const width = () => Math.max(200, el.clientWidth);
    const u = new uPlot(buildOptions(spec, width(), height, zoomed), dataRef.current(), el);
    let seen = version();
    const ro = new ResizeObserver(() => u.setSize({ width: width(), height }));
    ro.observe(el);
    const off = subscribe(() => {
      const v = version();
      if (v === seen) return;
      seen = v;
      u.setData(dataRef.current(), !zoomed.current);
      drawnRef.current?.();
    });
    return () => {
      off();
      ro.disconnect();
      u.destroy();
    };
    // `spec` is memoized by the caller (theme, log scale); rebuilding the chart on its change is intended.
  }, [spec, height, subscribe, version]);
  return <div className="ll-chart" ref={host} data-testid={testId} />;
}
