/**
 * Live curves: batch loss (raw and smoothed) over steps, per-epoch training/validation loss with validation
 * accuracy, and the learning rate. Display data is decimated; every point stays in the run's events log.
 * A design with several Output blocks also gets each output's smoothed loss on the batch chart and a table
 * of each output's latest losses (the total is their weighted sum).
 */
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
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

/** The batch chart's columns: loss, smoothed loss, then each named output's smoothed loss. */
function batchData(outputs: readonly string[]): uPlot.AlignedData {
  const s = runFeed.series;
  const extra = outputs.map((name) => s.outputSmooth[name] ?? []);
  return decimate(s.step, [s.loss, s.smooth, ...extra], s.step.length, MAX_DRAWN_POINTS, [true, false, ...extra.map(() => false)]) as uPlot.AlignedData;
}

/** Line colours of the outputs' curves (after the accent of the total). */
const OUTPUT_COLORS = ['--ok', '--warning', '--danger', '--text-muted'];

const fmt = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(4));

/** Each output's latest batch, epoch and validation loss (only for designs with several Output blocks). */
function OutputLosses() {
  const { t } = useTranslation();
  const last = useEditor((s) => s.trainingRun.lastOutputLosses);
  const epoch = useEditor((s) => s.trainingRun.epochs.at(-1));
  if (!last) return null;
  return (
    <table className="ll-train__outputs" data-testid="train-output-losses">
      <caption>{t('curves.perOutput')}</caption>
      <thead>
        <tr><th>{t('curves.output')}</th><th>{t('curves.lastBatch')}</th><th>{t('curves.epoch')}</th><th>{t('curves.validation')}</th></tr>
      </thead>
      <tbody>
        {Object.entries(last).map(([name, loss]) => (
          <tr key={name} data-testid={`train-output-${name}`}>
            <td className="mono">{name}</td>
            <td className="mono">{fmt(loss)}</td>
            <td className="mono">{fmt(epoch?.outputLosses?.[name])}</td>
            <td className="mono">{fmt(epoch?.valOutputLosses?.[name])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
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
  const { t } = useTranslation();
  const theme = useEditor((s) => s.theme);
  const points = useEditor((s) => s.trainingRun.points);
  // A string, so the chart is rebuilt only when the set of outputs changes (not on every batch).
  const outputKey = useEditor((s) => Object.keys(s.trainingRun.lastOutputLosses ?? {}).join('\n'));
  const outputs = useMemo(() => (outputKey ? outputKey.split('\n') : []), [outputKey]);
  const getBatchData = useCallback(() => batchData(outputs), [outputs]);
  const [log, setLog] = useState(false);
  const specs = useMemo(() => {
    const accent = themeColor('--accent', '#7c83ff');
    const muted = themeColor('--text-faint', '#888');
    const ok = themeColor('--ok', '#3fb97a');
    const warn = themeColor('--warning', '#e5a53a');
    const perOutput = outputs.map((name, i) => ({ label: t('curves.series.outputSmoothed', { name }), color: themeColor(OUTPUT_COLORS[i % OUTPUT_COLORS.length], '#999'), width: 1.5 }));
    const batch: ChartSpec = { xLabel: t('curves.axis.step'), yLabel: t('curves.axis.loss'), log, series: [{ label: t('curves.series.loss'), color: muted, width: 1 }, { label: outputs.length ? t('curves.series.totalSmoothed') : t('curves.series.smoothed'), color: accent, width: 2 }, ...perOutput] };
    const epoch: ChartSpec = {
      xLabel: t('curves.axis.epoch'),
      yLabel: t('curves.axis.loss'),
      rightLabel: t('curves.axis.accuracy'),
      log,
      series: [
        { label: t('curves.series.trainLoss'), color: accent, points: true },
        { label: t('curves.series.valLoss'), color: warn, points: true },
        { label: t('curves.series.valAccuracy'), color: ok, points: true, right: true, dash: [4, 3] },
      ],
    };
    const lr: ChartSpec = { xLabel: t('curves.axis.epoch'), yLabel: t('curves.axis.learningRate'), series: [{ label: t('curves.series.learningRate'), color: ok, points: true }] };
    return { batch, epoch, lr };
    // theme: the colours come from the theme's CSS variables.
  }, [log, theme, outputs, t]);
  return (
    <div className="ll-train__curves">
      <div className="ll-train__toolbar">
        <label className="ll-check">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} data-testid="train-log-scale" /> {t('curves.log')}
        </label>
        <span className="ll-train__hint">{t('curves.hint')}</span>
        <span className="ll-train__hint" data-testid="train-points">{t('curves.points', { count: points, n: points.toLocaleString('en-US') })}</span>
      </div>
      <OutputLosses />
      <div className="ll-train__charts">
        <figure>
          <figcaption>{t('curves.batchLoss')}</figcaption>
          <Chart spec={specs.batch} getData={getBatchData} subscribe={onFeedFrame} version={version} testId="chart-batch-loss" onDrawn={probeDrawn} />
        </figure>
        <figure>
          <figcaption>{t('curves.epochs')}</figcaption>
          <Chart spec={specs.epoch} getData={epochData} subscribe={onFeedFrame} version={epochVersion} testId="chart-epochs" />
        </figure>
        <figure>
          <figcaption>{t('training.settings.learningRate')}</figcaption>
          <Chart spec={specs.lr} getData={lrData} subscribe={onFeedFrame} version={epochVersion} testId="chart-lr" />
        </figure>
      </div>
    </div>
  );
}
