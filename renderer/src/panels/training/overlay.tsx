/** Curves of two or more runs on shared axes: smoothed batch loss over steps and validation accuracy per epoch. */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type uPlot from 'uplot';
import { getHostClient, HostCallError } from '../../host';
import { errorDetailText } from '../../i18n/messages';
import { useEditor } from '../../store';
import { Chart, type ChartSpec } from './chart';
import { decimate } from './metrics';
import { RunFeed } from './run-feed';

/** Line colours for overlaid runs (distinct in both themes). */
const PALETTE = ['#7c83ff', '#f59e0b', '#22c55e', '#f43f5e', '#06b6d4', '#a855f7', '#84cc16', '#ec4899'];

/** One run's curves, rebuilt from its events with the live feed's own logic. */
interface RunCurves {
  runId: string;
  label: string;
  step: number[];
  smooth: (number | null)[];
  epoch: number[];
  valAccuracy: (number | null)[];
  trainLoss: number[];
}

/** Aligns several (x, y) series on the union of their x values (null where a run has no point). */
export function alignSeries(series: { x: number[]; y: (number | null)[] }[]): uPlot.AlignedData {
  const xs = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s) => {
    const out = new Array<number | null>(xs.length).fill(null);
    s.x.forEach((x, i) => (out[index.get(x)!] = s.y[i]));
    return out;
  });
  return [xs, ...ys] as uPlot.AlignedData;
}

const noFrames = () => () => undefined;
const fixedVersion = () => 0;

/** The overlay of the runs in `runIds`. */
export function RunOverlay({ runIds }: { runIds: string[] }) {
  const { t } = useTranslation();
  const theme = useEditor((s) => s.theme);
  const [curves, setCurves] = useState<RunCurves[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = runIds.join('|');
  useEffect(() => {
    let live = true;
    setCurves(null);
    Promise.all(
      runIds.map(async (runId) => {
        const run = await getHostClient().call('trainingRunGet', { runId });
        const feed = new RunFeed();
        for (const e of run.events) feed.ingest(e);
        const s = feed.series;
        const [x, smooth] = decimate(s.step, [s.smooth], s.step.length, 400);
        return { runId, label: `${run.summary.design} · ${run.summary.runId.slice(5, 19).replace('T', ' ')}`, step: x, smooth: smooth as (number | null)[], epoch: s.epoch, valAccuracy: s.valAccuracy, trainLoss: s.trainLoss };
      }),
    )
      .then((c) => live && setCurves(c))
      .catch((err: unknown) => live && setError(err instanceof HostCallError ? errorDetailText(err) : (err as Error).message));
    return () => {
      live = false;
    };
    // Effect deps: keyed by the run ids
  }, [key]);
  const charts = useMemo(() => {
    if (!curves) return null;
    const loss: ChartSpec = { xLabel: t('curves.axis.step'), yLabel: t('curves.axis.smoothedLoss'), series: curves.map((c, i) => ({ label: c.label, color: PALETTE[i % PALETTE.length], width: 2 })) };
    const acc: ChartSpec = { xLabel: t('curves.axis.epoch'), yLabel: t('curves.series.valAccuracy'), series: curves.map((c, i) => ({ label: c.label, color: PALETTE[i % PALETTE.length], points: true })) };
    const lossData = alignSeries(curves.map((c) => ({ x: c.step, y: c.smooth })));
    const accData = alignSeries(curves.map((c) => ({ x: c.epoch, y: c.valAccuracy })));
    return { loss, acc, lossData, accData };
    // theme: chart colours are rebuilt with the theme
  }, [curves, theme, t]);
  if (error) return <p className="ll-train__error">{error}</p>;
  if (!charts) return <p className="ll-train__hint">{t('curves.loadingRuns')}</p>;
  return (
    <div className="ll-train__charts" data-testid="train-overlay">
      <figure>
        <figcaption>{t('curves.overlayLoss', { count: runIds.length })}</figcaption>
        <Chart spec={charts.loss} getData={() => charts.lossData} subscribe={noFrames} version={fixedVersion} testId="overlay-loss" />
      </figure>
      <figure>
        <figcaption>{t('curves.overlayAccuracy')}</figcaption>
        <Chart spec={charts.acc} getData={() => charts.accData} subscribe={noFrames} version={fixedVersion} testId="overlay-acc" />
      </figure>
    </div>
  );
}
