/**
 * The search's accuracy-vs-MACs plot (uPlot): every trained candidate as a point, the Pareto front drawn through
 * its members, the selected candidate ringed. Points arrive as candidates finish; hovering one reports it, a click
 * selects it.
 */
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEditor } from '../../store';
import { formatCompact } from '../../ui/format';
import { themeColor } from '../training/chart';
import { plotData } from './search-view';

const noLine = () => null;

/** The plot; `onHover` gets the candidate under the cursor (or null). */
export function SearchPlot({ onHover }: { onHover: (id: string | null) => void }) {
  const view = useEditor((s) => s.searchView);
  const selected = useEditor((s) => s.searchSelected);
  const theme = useEditor((s) => s.theme);
  const { t } = useTranslation('search');
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const ids = useRef<string[]>([]);
  const hover = useRef(onHover);
  hover.current = onHover;
  const data = useMemo(() => plotData(view), [view]);
  const aligned = useMemo((): uPlot.AlignedData => [data.macs, data.accuracy, data.front, data.ids.map((id, i) => (id === selected ? data.accuracy[i] : null))], [data, selected]);
  const latest = useRef(aligned);
  latest.current = aligned;
  ids.current = data.ids;

  useEffect(() => {
    const el = host.current!;
    let u: uPlot | null = null;
    let ro: ResizeObserver | null = null;
    // The app applies a new theme in its own effect, which runs after this one: read the colours a frame later.
    const frame = requestAnimationFrame(() => {
      const text = themeColor('--text-muted', '#999');
      const grid = { stroke: themeColor('--border', '#333'), width: 1 };
      const accent = themeColor('--accent', '#7c83ff');
      const ok = themeColor('--ok', '#3fb97a');
      const axis = (label: string, values: (v: number) => string): uPlot.Axis => ({ label, stroke: text, grid, ticks: { stroke: grid.stroke, width: 1 }, size: 48, labelSize: 16, font: '11px sans-serif', labelFont: '11px sans-serif', values: (_u, splits) => splits.map(values) });
      const pct = (v: number | null) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);
      const width = () => Math.max(240, el.clientWidth);
      u = new uPlot({
        width: width(),
        height: 210,
        // The caption names the series; the details under the plot show the hovered candidate's values.
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { size: 10 } },
        scales: { x: { time: false }, y: { range: (_u, min, max) => [Math.max(0, Math.min(min, 1) - 0.05), Math.min(1, Math.max(max, 0) + 0.05)] } },
        axes: [axis(t('plot.macsAxis'), (v) => formatCompact(v)), axis(t('plot.accuracyAxis'), (v) => `${Math.round(v * 100)}%`)],
        series: [
          { label: 'MACs', value: (_u, v) => (v === null || v === undefined ? '—' : formatCompact(v)) },
          { label: t('plot.candidates'), stroke: accent, paths: noLine, points: { show: true, size: 8, fill: accent }, value: (_u, v) => pct(v) },
          { label: t('plot.front'), stroke: ok, width: 2, spanGaps: true, points: { show: true, size: 11, fill: ok }, value: (_u, v) => pct(v) },
          { label: t('plot.selected'), stroke: themeColor('--text', '#ddd'), width: 2, paths: noLine, points: { show: true, size: 16, fill: 'transparent' }, value: (_u, v) => pct(v) },
        ],
        hooks: {
          setCursor: [(p) => hover.current(p.cursor.idx === null || p.cursor.idx === undefined ? null : (ids.current[p.cursor.idx] ?? null))],
          ready: [(p) => p.over.addEventListener('click', () => {
            const i = p.cursor.idx;
            if (i !== null && i !== undefined && ids.current[i]) useEditor.getState().setSearchSelected(ids.current[i]);
          })],
        },
      }, latest.current, el);
      plot.current = u;
      ro = new ResizeObserver(() => u?.setSize({ width: width(), height: 210 }));
      ro.observe(el);
    });
    return () => {
      cancelAnimationFrame(frame);
      ro?.disconnect();
      u?.destroy();
      plot.current = null;
    };
    // theme: the colours come from the theme's CSS variables; t: the axis labels follow the interface language.
  }, [theme, t]);

  useEffect(() => {
    plot.current?.setData(aligned);
  }, [aligned]);

  return <div className="ll-chart ll-search__plot" ref={host} data-testid="search-plot" data-points={data.ids.length} data-front={view.front.join(',')} />;
}
