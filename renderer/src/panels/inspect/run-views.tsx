/**
 * The trained-model views of the Inspect panel: the run, node, sample and class pickers, and the kernels,
 * feature maps and class activation map the host's inspect worker computed (PNG pictures, drawn pixelated).
 */
import { memo } from 'react';
import type { InspectComputeResponse } from '../../../../contract/inspect';
import { useEditor } from '../../store';
import { SampleImage } from '../training/sample-image';
import { inspectableRuns } from './inspect-controller';

const className = (r: InspectComputeResponse, k: number) => r.classNames?.[k] ?? `class ${k}`;

/** Run, node, sample (and class for CAM) pickers. */
export function RunPickers({ view }: { view: 'kernels' | 'features' | 'cam' }) {
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
        Run
        <select value={q.runId ?? ''} onChange={(e) => setQuery({ runId: e.target.value || null })} data-testid="inspect-run">
          {usable.length === 0 && <option value="">no trained run yet</option>}
          {usable.map((r) => (
            <option key={r.runId} value={r.runId}>
              {r.design} · {r.startedAt.slice(0, 16).replace('T', ' ')} · {r.status}
              {r.testAccuracy !== null ? ` · ${(r.testAccuracy * 100).toFixed(1)}%` : ''}
            </option>
          ))}
        </select>
      </label>
      <label>
        Node
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
          Test sample
          <span className="ll-inspect__stepper">
            <button className="ll-button is-small" disabled={q.sample <= 0} onClick={() => setQuery({ sample: q.sample - 1 })} aria-label="Previous sample">‹</button>
            <input type="number" min={0} max={Math.max(0, count - 1)} value={q.sample} onChange={(e) => setQuery({ sample: Math.max(0, Math.min(count - 1, Number(e.target.value) || 0)) })} data-testid="inspect-sample" />
            <button className="ll-button is-small" disabled={count > 0 && q.sample >= count - 1} onClick={() => setQuery({ sample: q.sample + 1 })} aria-label="Next sample">›</button>
          </span>
        </label>
      )}
      {view === 'cam' && result?.cam && (
        <label>
          Explain class
          <select value={q.classIndex ?? ''} onChange={(e) => setQuery({ classIndex: e.target.value === '' ? null : Number(e.target.value) })} data-testid="inspect-class">
            <option value="">predicted ({className(result, result.cam.predicted)})</option>
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
  if (!result.sample) return null;
  return (
    <figure className="ll-inspect__pinned">
      <SampleImage image={result.sample.image} size={112} title={`test sample ${result.sample.index}`} />
      <figcaption>
        test #{result.sample.index}
        {result.sample.label !== null ? ` · true: ${className(result, result.sample.label)}` : ''}
      </figcaption>
    </figure>
  );
}

/** A convolution's filters. */
export const KernelsView = memo(function KernelsView({ result }: { result: InspectComputeResponse }) {
  const k = result.kernels;
  if (!k) return null;
  const [kh, kw, cin, cout] = k.shape;
  return (
    <div className="ll-inspect__view" data-testid="inspect-kernels">
      <p className="ll-inspect__caption">
        <strong>{result.layer.nodeName ?? result.layer.layerName}</strong>: {cout} filters of {kh}×{kw}×{cin}
        {k.shown < cout ? ` (first ${k.shown} shown)` : ''}.{' '}
        {cin === 3 ? 'A first layer on colour input: each filter drawn in colour.' : 'Each filter averaged over its input channels: red positive, blue negative, white zero.'} Early filters
        often become edge and blob detectors, like Sobel filters.
      </p>
      <img className="ll-inspect__pixelated ll-inspect__kernels" src={k.image} alt={`kernels of ${result.layer.layerName}`} />
    </div>
  );
});

/** The strongest feature maps of a layer for the pinned sample. */
export const FeaturesView = memo(function FeaturesView({ result }: { result: InspectComputeResponse }) {
  const f = result.features;
  if (!f) return null;
  return (
    <div className="ll-inspect__view" data-testid="inspect-features">
      <PinnedSample result={result} />
      <div>
        <p className="ll-inspect__caption">
          <strong>{result.layer.nodeName ?? result.layer.layerName}</strong>: the {f.channels.length} of {f.totalChannels} channels with the highest mean activation ({f.height}×{f.width} each; bright = strong).
        </p>
        <div className="ll-inspect__maps">
          {f.channels.map((c) => (
            <figure key={c.index}>
              <img className="ll-inspect__pixelated" src={c.image} alt={`channel ${c.index}`} />
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
  const c = result.cam;
  if (!c) return null;
  const top = c.probabilities.map((p, k) => ({ p, k })).sort((a, b) => b.p - a.p).slice(0, 5);
  return (
    <div className="ll-inspect__view ll-inspect__row" data-testid="inspect-cam">
      <PinnedSample result={result} />
      <figure className="ll-inspect__cam">
        <img src={c.overlay} alt={`class activation map for ${className(result, c.classIndex)}`} />
        <figcaption>
          {c.method === 'cam' ? 'CAM' : 'Grad-CAM'} at <strong>{result.layer.nodeName ?? result.layer.layerName}</strong> ({c.coarse.height}×{c.coarse.width}) for <strong>{className(result, c.classIndex)}</strong>
          {c.classIndex === c.predicted ? ' (predicted)' : ` (predicted: ${className(result, c.predicted)})`}.{' '}
          {c.peak > 0 ? 'Red = where the evidence for this class is.' : 'The map is zero everywhere: nothing in this image speaks for this class at this layer.'}
        </figcaption>
      </figure>
      <ol className="ll-inspect__probs" aria-label="Class probabilities">
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
