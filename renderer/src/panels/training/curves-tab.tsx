/**
 * Live curves: batch loss (raw and smoothed) over steps, per-epoch training/validation loss with validation
 * accuracy, and the learning rate. Display data is decimated; every point stays in the run's events log.
 */
import { useMemo, useState } from 'react';
import type uPlot from 'uplot';
import { useEditor } from '../../store';
import { runFeed } from '../../store/training-slice';
import { Chart, themeColor, type ChartSpec } from './chart';
import { onFeedFrame } from './controller';
import { decimate } from './metrics';

/** Points a chart draws at most (about two per horizontal pixel of a wide panel). */
export const MAX_DRAWN_POINTS = 1200;

/** A test/bench probe (installed by `bench:stream` only): told how many batch points the loss chart shows. */
interface StreamProbe {
  drawn(points: number): void;
}

const version = () => runFeed.version;
const epochVersion = () => runFeed.epochVersion;

function batchData(): uPlot.AlignedData {
  const s = runFeed.series;
  return decimate(s.step, [s.loss, s.smooth], s.step.length, MAX_DRAWN_POINTS, [true, false]) as uPlot.AlignedData;
}

function epochData(): uPlot.AlignedData {
  const s = runFeed.series;
  return [s.epoch, s.trainLoss, s.valLoss, s.valAccuracy] as uPlot.AlignedData;
}

function lrData(): uPlot.AlignedData {
  const s = runFeed.series;
  return [s.learningRate.map((_, i) => i + 1 + (runFeed.view().started?.startEpoch ?? 0)), s.learningRate] as uPlot.AlignedData;
}

function probeDrawn(): void {
  (globalThis as { __layerloomStreamProbe?: StreamProbe }).__layerloomStreamProbe?.drawn(runFeed.series.step.length);
}

/** The curves tab. */
export function CurvesTab() {
  const theme = useEditor((s) => s.theme);
  const points = useEditor((s) => s.trainingRun.points);
  const [log, setLog] = useState(false);
  const specs = useMemo(() => {
    const accent = themeColor('--accent', '#7c83ff');
    const muted = themeColor('--text-faint', '#888');
    const ok = themeColor('--ok', '#3fb97a');
    const warn = themeColor('--warning', '#e5a53a');
    const batch: ChartSpec = { xLabel: 'step', yLabel: 'loss', log, series: [{ label: 'loss', color: muted, width: 1 }, { label: 'smoothed', color: accent, width: 2 }] };
    const epoch: ChartSpec = {
      xLabel: 'epoch',
      yLabel: 'loss',
      rightLabel: 'accuracy',
      log,
      series: [
        { label: 'train loss', color: accent, points: true },
        { label: 'val loss', color: warn, points: true },
        { label: 'val accuracy', color: ok, points: true, right: true, dash: [4, 3] },
      ],
    };
    const lr: ChartSpec = { xLabel: 'epoch', yLabel: 'learning rate', series: [{ label: 'learning rate', color: ok, points: true }] };
    return { batch, epoch, lr };
    // theme: the colours come from the theme's CSS variables.
  }, [log, theme]);
  return (
    <div className="ll-train__curves">
      <div className="ll-train__toolbar">
        <label className="ll-check">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} data-testid="train-log-scale" /> Log scale
        </label>
        <span className="ll-train__hint">Drag to zoom, double-click to reset; hover for values.</span>
        <span className="ll-train__hint" data-testid="train-points">{points.toLocaleString('en-US')} batch points</span>
      </div>
      <div className="ll-train__charts">
        <figure>
          <figcaption>Training loss per batch</figcaption>
          <Chart spec={specs.batch} getData={batchData} subscribe={onFeedFrame} version={version} testId="chart-batch-loss" onDrawn={probeDrawn} />
        </figure>
        <figure>
          <figcaption>Per epoch: loss and validation accuracy</figcaption>
          <Chart spec={specs.epoch} getData={epochData} subscribe={onFeedFrame} version={epochVersion} testId="chart-epochs" />
        </figure>
        <figure>
          <figcaption>Learning rate</figcaption>
          <Chart spec={specs.lr} getData={lrData} subscribe={onFeedFrame} version={epochVersion} testId="chart-lr" />
        </figure>
      </div>
    </div>
  );
}
