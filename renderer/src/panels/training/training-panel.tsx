/**
 * The training panel: a drawer under the canvas (the canvas stays visible and editable above it) with the
 * run controls, progress, examples/s, ETA and memory always in its header, and four tabs: setup (dataset,
 * settings, backend), curves, results and history. Failures show as a message with their cause.
 */
import { useShallow } from 'zustand/react/shallow';
import { useEditor } from '../../store';
import type { TrainingTab } from '../../store/training-slice';
import { Icon } from '../../ui/icons';
import { pauseTraining, resumeTraining, startTraining, stopTraining } from './controller';
import { CurvesTab } from './curves-tab';
import { DatasetSection } from './dataset-section';
import { HistoryTab } from './history-tab';
import { formatDuration } from './metrics';
import { ResultsTab } from './results-tab';
import { isActive, type RunView } from './run-feed';
import { SettingsForm } from './settings-form';
import { SearchTab } from '../search/search-tab';
import './training.css';

const TABS: { tab: TrainingTab; label: string }[] = [
  { tab: 'setup', label: 'Setup' },
  { tab: 'curves', label: 'Curves' },
  { tab: 'results', label: 'Results' },
  { tab: 'history', label: 'History' },
  { tab: 'search', label: 'Search' },
];

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

/** A worker error in words: what happened, from its code. */
export function errorTitle(e: NonNullable<RunView['error']>): string {
  switch (e.code) {
    case 'data-mismatch':
      // The same code covers data that cannot be read and a design that does not fit it; only the latter names the design.
      return /design/i.test(e.message) ? 'The design does not fit the data' : 'The dataset could not be loaded';
    case 'non-finite-loss':
      return 'Training diverged (the loss became NaN or infinite)';
    case 'worker-crashed':
      return /SIGKILL|out of memory|heap/i.test(e.message) ? 'The training worker was killed (out of memory, or ended from outside)' : 'The training worker stopped unexpectedly';
    case 'backend-unavailable':
      return 'The chosen backend is not available here';
    case 'invalid-document':
    case 'design-error':
      return 'The design cannot be trained';
    case 'busy':
      return 'A run is already in progress';
    case 'invalid-command':
      return 'The run could not start';
    case 'internal':
      return 'Training failed';
  }
}

function Progress({ run }: { run: RunView }) {
  const st = run.started;
  const total = st ? st.epochs * st.batchesPerEpoch : 0;
  const done = st ? run.epoch * st.batchesPerEpoch + run.batchesDone : 0;
  const frac = run.phase === 'finished' ? 1 : total ? Math.min(1, done / total) : 0;
  return (
    <div className="ll-train__progress" data-testid="train-progress">
      <div className="ll-train__bar-outer" role="progressbar" aria-label="Training progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(frac * 100)}>
        <div className="ll-train__bar-inner" style={{ width: `${frac * 100}%` }} />
      </div>
      <span className="mono">
        {st ? `epoch ${Math.min(run.epoch + 1, st.epochs)}/${st.epochs} · batch ${run.batchesDone}/${st.batchesPerEpoch}` : run.phase === 'starting' ? 'starting the worker…' : ''}
      </span>
      {run.examplesPerSecond !== null && <span className="mono" data-testid="train-speed">{Math.round(run.examplesPerSecond).toLocaleString('en-US')} ex/s</span>}
      {isActive(run.phase) && run.etaSeconds !== null && <span className="mono">ETA {formatDuration(run.etaSeconds)}</span>}
      {run.memory && <span className="mono" title={`${run.memory.tensors} tensors, ${mb(run.memory.tensorBytes)} in tensors`}>RSS {mb(run.memory.rssBytes)}</span>}
      {run.lastLoss !== null && <span className="mono">loss {run.lastLoss.toFixed(4)}</span>}
    </div>
  );
}

function Controls({ run }: { run: RunView }) {
  const active = isActive(run.phase);
  return (
    <div className="ll-train__controls">
      {!active && (
        <button className="ll-button is-small is-primary" onClick={() => void startTraining()} data-testid="train-start">
          Train
        </button>
      )}
      {run.phase === 'running' && (
        <button className="ll-button is-small" onClick={() => void pauseTraining()} data-testid="train-pause">
          Pause
        </button>
      )}
      {run.phase === 'paused' && (
        <button className="ll-button is-small is-primary" onClick={() => void resumeTraining()} data-testid="train-resume">
          Resume
        </button>
      )}
      {active && (
        <button className="ll-button is-small is-danger" disabled={run.phase === 'stopping' || run.phase === 'starting'} onClick={() => void stopTraining()} data-testid="train-stop">
          {run.phase === 'stopping' ? 'Stopping…' : 'Stop'}
        </button>
      )}
    </div>
  );
}

/** Whether the editor's design differs from the one the run trains. */
function useDesignChanged(): boolean {
  return useEditor((s) => {
    const start = s.trainingStartDoc;
    if (!start || s.trainingRun.phase === 'idle') return false;
    if (start.nodes === s.doc.nodes && start.edges === s.doc.edges) return false;
    // After a reload the snapshot is a copy: compare by value (rare: only while references differ).
    return JSON.stringify(start.nodes) !== JSON.stringify(s.doc.nodes) || JSON.stringify(start.edges) !== JSON.stringify(s.doc.edges);
  });
}

/** The training drawer (rendered only while open). */
export function TrainingPanel() {
  const { tab, run } = useEditor(useShallow((s) => ({ tab: s.trainingTab, run: s.trainingRun })));
  const changed = useDesignChanged();
  const s = useEditor.getState();
  const active = isActive(run.phase);
  return (
    <section className="ll-train" data-testid="training-panel" data-phase={run.phase} aria-label="Training">
      <header className="ll-train__head">
        <div className="ll-tabs" role="tablist">
          {TABS.map((t) => (
            <button key={t.tab} role="tab" aria-selected={tab === t.tab} className={tab === t.tab ? 'is-active' : ''} onClick={() => s.setTrainingTab(t.tab)} data-testid={`train-tab-${t.tab}`}>
              {t.label}
            </button>
          ))}
        </div>
        {/* The search tab has its own phase and controls; the header's are the training run's. */}
        {tab === 'search' ? <span className="ll-train__progress" /> : (
          <>
            <span className={`ll-train__phase is-${run.phase}`} data-testid="train-phase">
              {run.phase === 'finished' ? run.finished?.status ?? 'finished' : run.phase}
            </span>
            <Progress run={run} />
            <Controls run={run} />
          </>
        )}
        <button className="ll-tool" onClick={() => s.setTrainingOpen(false)} title="Close the training panel" aria-label="Close the training panel" data-testid="train-close">
          <Icon name="x" size={14} />
        </button>
      </header>
      {run.error && (
        <div className="ll-train__failure" role="alert" data-testid="train-error">
          <Icon name="alert" size={14} />
          <div>
            <strong>{errorTitle(run.error)}</strong>
            <div>{run.error.message}</div>
            {run.error.path && <div className="ll-train__hint">at {run.error.path}</div>}
          </div>
        </div>
      )}
      {changed && (
        <div className="ll-train__notice" data-testid="train-design-changed">
          <Icon name="info" size={14} />
          {active ? ' The design has changed since this run started; the run goes on training the design as it was.' : ' The design has changed since this run; its curves and results are for the design as it was.'}
        </div>
      )}
      <div className="ll-train__body">
        {tab === 'setup' && (
          <div className="ll-train__setup">
            <DatasetSection disabled={active} />
            <SettingsForm disabled={active} />
          </div>
        )}
        {tab === 'curves' && <CurvesTab />}
        {tab === 'results' && <ResultsTab />}
        {tab === 'history' && <HistoryTab />}
        {tab === 'search' && <SearchTab />}
      </div>
    </section>
  );
}
