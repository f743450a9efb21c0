/**
 * The trained-model views of the Inspect panel: the run, node, sample and class pickers, and the kernels,
 * feature maps and class activation map the host's inspect worker computed (PNG pictures, drawn pixelated).
 */
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { i18n } from '../../i18n';
import type { InspectComputeResponse } from '../../../../contract/inspect';
import { useEditor } from '../../store';
import { SampleImage } from '../training/sample-image';
import { inspectableRuns } from './inspect-controller';

const className = (r: InspectComputeResponse, k: number) => r.classNames?.[k] ?? String(i18n.t('inspect.run.className', { k }));

/** Run, node, sample (and class for CAM) pickers. */
export function RunPickers({ view }: { view: 'kernels' | 'features' | 'cam' }) {
  const { t } = useTranslation();
  const runs = useEditor((s) => s.trainingRuns);
  const q = useEditor((s) => s.inspectQuery);
  const result = useEditor((s) => s.inspectResult);
  const setQuery = useEditor((s) => s.setInspectQuery);
  const usable = inspectableRuns(runs);
  const layers = (result?.layers ?? []).filter((l) => (view === 'features' ? l.spatial : l.conv));
  const count = result?.sample?.count ?? 0;
  return (
    <div className="ll-inspect__pickers">
      <label>
        {t('inspect.run.run')}
        <select value={q.runId ?? ''} onChange={(e) => setQuery({ runId: e.target.value || null })} data-testid="inspect-run">
          {usable.length === 0 && <option value="">{t('inspect.run.noRun')}</option>}
          {usable.map((r) => (
            <option key={r.runId} value={r.runId}>
              {r.design} · {r.startedAt.slice(0, 16).replace('T', ' ')} · {r.status}
              {r.testAccuracy !== null ? ` · ${(r.testAccuracy * 100).toFixed(1)}%` : ''}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('inspect.run.node')}
        <select value={q.layer ?? result?.layer.layerName ?? ''} onChange={(e) => setQuery({ layer: e.target.value || null })} data-testid="inspect-node">
          {layers.map((l) => (
            <option key={l.layerName} value={l.layerName}>
              {l.nodeName && l.nodeName !== l.layerName ? `${l.nodeName} › ${l.layerName}` : l.layerName} ({l.className}, {l.outputShape.join('×')})
            </option>
          ))}
        </select>
      </label>
      {view !== 'kernels' && (
        <label>
          {t('inspect.run.sample')}
          <span className="ll-inspect__stepper">
            <button className="ll-button is-small" disabled={q.sample <= 0} onClick={() => setQuery({ sample: q.sample - 1 })} aria-label={t('inspect.run.previous')}>‹</button>
            <input type="number" min={0} max={Math.max(0, count - 1)} value={q.sample} onChange={(e) => setQuery({ sample: Math.max(0, Math.min(count - 1, Number(e.target.value) || 0)) })} data-testid="inspect-sample" />
            <button className="ll-button is-small" disabled={count > 0 && q.sample >= count - 1} onClick={() => setQuery({ sample: q.sample + 1 })} aria-label={t('inspect.run.next')}>›</button>
          </span>
        </label>
      )}
      {view === 'cam' && result?.cam && result.outputs.length > 1 && (
        <label>
          {t('inspect.run.explainOutput')}
          {/* Another output has its own classes: the chosen class is forgotten with it. */}
          <select value={q.output ?? 0} onChange={(e) => setQuery({ output: Number(e.target.value), classIndex: null })} data-testid="inspect-output">
            {result.outputs.map((name, k) => (
              <option key={k} value={k}>
                {k + 1}: {name}
              </option>
            ))}
          </select>
        </label>
      )}
      {view === 'cam' && result?.cam && (
        <label>
          {t('inspect.run.explainClass')}
          <select value={q.classIndex ?? ''} onChange={(e) => setQuery({ classIndex: e.target.value === '' ? null : Number(e.target.value) })} data-testid="inspect-class">
            <option value="">{t('inspect.run.predictedOption', { name: className(result, result.cam.predicted) })}</option>
            {result.cam.probabilities.map((_, k) => (
              <option key={k} value={k}>
                {k}: {className(result, k)}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}

/** The pinned sample with its label. */
function PinnedSample({ result }: { result: InspectComputeResponse }) {
  const { t } = useTranslation();
  if (!result.sample) return null;
  return (
    <figure className="ll-inspect__pinned">
      <SampleImage image={result.sample.image} size={112} title={t('inspect.run.sampleTitle', { index: result.sample.index })} />
      <figcaption>
        {t('inspect.run.sampleCaption', { index: result.sample.index })}
        {result.sample.label !== null ? t('inspect.run.trueLabel', { name: className(result, result.sample.label) }) : ''}
      </figcaption>
    </figure>
  );
}

/** A convolution's filters. */
export const KernelsView = memo(function KernelsView({ result }: { result: InspectComputeResponse }) {
  const { t } = useTranslation();
  const k = result.kernels;
  if (!k) return null;
  const [kh, kw, cin, cout] = k.shape;
  return (
    <div className="ll-inspect__view" data-testid="inspect-kernels">
      <p className="ll-inspect__caption">
        <strong>{result.layer.nodeName ?? result.layer.layerName}</strong>: {t('inspect.run.kernels', { cout, kh, kw, cin })}
        {k.shown < cout ? t('inspect.run.kernelsShown', { shown: k.shown }) : ''}. {cin === 3 ? t('inspect.run.kernelsColour') : t('inspect.run.kernelsMean')} {t('inspect.run.kernelsEarly')}
      </p>
      <img className="ll-inspect__pixelated ll-inspect__kernels" src={k.image} alt={t('inspect.run.kernelsAlt', { layer: result.layer.layerName })} />
    </div>
  );
});

/** The strongest feature maps of a layer for the pinned sample. */
export const FeaturesView = memo(function FeaturesView({ result }: { result: InspectComputeResponse }) {
  const { t } = useTranslation();
  const f = result.features;
  if (!f) return null;
  return (
    <div className="ll-inspect__view" data-testid="inspect-features">
      <PinnedSample result={result} />
      <div>
        <p className="ll-inspect__caption">
          <strong>{result.layer.nodeName ?? result.layer.layerName}</strong>: {t('inspect.run.features', { shown: f.channels.length, total: f.totalChannels, h: f.height, w: f.width })}
        </p>
        <div className="ll-inspect__maps">
          {f.channels.map((c) => (
            <figure key={c.index}>
              <img className="ll-inspect__pixelated" src={c.image} alt={t('inspect.run.channelAlt', { index: c.index })} />
              <figcaption>
                #{c.index} · {c.mean.toFixed(2)}
              </figcaption>
            </figure>
          ))}
        </div>
      </div>
    </div>
  );
});

/** The class activation map over the pinned sample, and the class probabilities. */
export const CamView = memo(function CamView({ result }: { result: InspectComputeResponse }) {
  const { t } = useTranslation();
  const c = result.cam;
  if (!c) return null;
  const top = c.probabilities.map((p, k) => ({ p, k })).sort((a, b) => b.p - a.p).slice(0, 5);
  return (
    <div className="ll-inspect__view ll-inspect__row" data-testid="inspect-cam">
      <PinnedSample result={result} />
      <figure className="ll-inspect__cam">
        <img src={c.overlay} alt={t('inspect.run.camAlt', { name: className(result, c.classIndex) })} />
        <figcaption>
          {t('inspect.run.camAt', { method: c.method === 'cam' ? 'CAM' : 'Grad-CAM' })} <strong>{result.layer.nodeName ?? result.layer.layerName}</strong> ({c.coarse.height}×{c.coarse.width}) {t('inspect.run.camFor')}{' '}
          <strong>{className(result, c.classIndex)}</strong>
          {c.classIndex === c.predicted ? t('inspect.run.predicted') : t('inspect.run.predictedOther', { name: className(result, c.predicted) })}. {c.peak > 0 ? t('inspect.run.camEvidence') : t('inspect.run.camZero')}
        </figcaption>
      </figure>
      <ol className="ll-inspect__probs" aria-label={t('inspect.run.probabilities')}>
        {top.map(({ p, k }) => (
          <li key={k} className={k === c.classIndex ? 'is-chosen' : undefined}>
            <span>{className(result, k)}</span>
            <span className="ll-inspect__prob" style={{ width: `${Math.round(p * 100)}%` }} />
            <span>{(p * 100).toFixed(1)}%</span>
          </li>
        ))}
      </ol>
    </div>
  );
});
