/**
 * The Inspect panel: a drawer over the canvas with the receptive field on a sample image (design time), the
 * learned kernels, feature maps and class activation maps of a trained run (computed by the host's inspect
 * worker), and "why does this design work". Kernels refresh at each epoch end while the chosen run trains.
 */
import { useReactFlow } from '@xyflow/react';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useEditor } from '../../store';
import type { InspectTab } from '../../store/inspect-slice';
import { FieldView } from './field-view';
import { loadInspectRuns, refreshInspect } from './inspect-controller';
import { CamView, FeaturesView, KernelsView, RunPickers } from './run-views';
import { WhyView } from './why-view';
import './inspect.css';

const TABS: Array<{ id: InspectTab; label: string }> = [
  { id: 'field', label: 'inspect.tab.field' },
  { id: 'kernels', label: 'inspect.tab.kernels' },
  { id: 'features', label: 'inspect.tab.features' },
  { id: 'cam', label: 'inspect.tab.cam' },
  { id: 'why', label: 'inspect.tab.why' },
];

function RunTab({ view }: { view: 'kernels' | 'features' | 'cam' }) {
  const { t } = useTranslation();
  const q = useEditor((s) => s.inspectQuery);
  const result = useEditor((s) => s.inspectResult);
  const busy = useEditor((s) => s.inspectBusy);
  const error = useEditor((s) => s.inspectError);
  const liveRunId = useEditor((s) => s.trainingRun.runId);
  const liveEpochs = useEditor((s) => s.trainingRun.epochs.length);
  const finished = useEditor((s) => s.trainingRun.finished);
  // A run that just finished (or started) appears in the history.
  useEffect(() => {
    void loadInspectRuns();
  }, [finished, liveRunId]);
  // Recompute when the query changes, and at each epoch end of the run being inspected (its checkpoint moved)
  // and when it finishes (the final model replaces the checkpoint).
  const epochKey = q.runId === liveRunId ? `${liveEpochs}:${finished ? 'done' : 'running'}` : '';
  useEffect(() => {
    void refreshInspect(view);
  }, [view, q.runId, q.layer, q.sample, q.classIndex, q.output, epochKey]);
  const fresh = result && result.runId === q.runId;
  return (
    <>
      <RunPickers view={view} />
      {!q.runId && <p className="ll-inspect__empty">{t('inspect.empty')}</p>}
      {error && (
        <p className="ll-inspect__note is-error" role="alert" data-testid="inspect-error">
          {error}
        </p>
      )}
      {busy && <p className="ll-inspect__busy" data-testid="inspect-busy">{t('inspect.busy')}</p>}
      {fresh && (
        <div className={busy ? 'is-stale' : undefined}>
          {result.modelSource === 'checkpoint' && (
            <p className="ll-inspect__hint" data-testid="inspect-checkpoint">
              {t('inspect.checkpoint')}
            </p>
          )}
          {view === 'kernels' && <KernelsView result={result} />}
          {view === 'features' && <FeaturesView result={result} />}
          {view === 'cam' && <CamView result={result} />}
        </div>
      )}
    </>
  );
}

/** The drawer (renders nothing while closed). */
export function InspectPanel() {
  const { t } = useTranslation();
  const open = useEditor((s) => s.inspectOpen);
  const tab = useEditor((s) => s.inspectTab);
  const setTab = useEditor((s) => s.setInspectTab);
  const setOpen = useEditor((s) => s.setInspectOpen);
  const flow = useReactFlow();
  const section = useRef<HTMLElement>(null);
  // The drawer covers the left of the canvas: fit the graph into the part still visible, so its nodes can be
  // hovered and selected while the panel shows their receptive fields.
  useEffect(() => {
    const w = section.current?.getBoundingClientRect().width;
    if (open && w) void flow.fitView({ padding: { left: `${Math.round(w + 24)}px`, right: '24px', top: '24px', bottom: '24px' }, duration: 200, maxZoom: 1 });
  }, [open, flow]);
  if (!open) return null;
  return (
    <section className="ll-inspect" aria-label={t('topbar.inspect')} data-testid="inspect-panel" ref={section}>
      <div className="ll-inspect__bar">
        <div className="ll-tabs" role="tablist">
          {TABS.map((x) => (
            <button key={x.id} role="tab" aria-selected={tab === x.id} className={tab === x.id ? 'is-active' : undefined} onClick={() => setTab(x.id)} data-testid={`inspect-tab-${x.id}`}>
              {t(x.label)}
            </button>
          ))}
        </div>
        <button className="ll-button is-small" onClick={() => setOpen(false)} aria-label={t('inspect.close')}>
          ✕
        </button>
      </div>
      <div className="ll-inspect__body">
        {tab === 'field' && <FieldView />}
        {(tab === 'kernels' || tab === 'features' || tab === 'cam') && <RunTab view={tab} />}
        {tab === 'why' && <WhyView />}
      </div>
    </section>
  );
}
