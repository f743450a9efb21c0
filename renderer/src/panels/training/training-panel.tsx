/**
 * The training panel: a drawer under the canvas (the canvas stays visible and editable above it) with the
 * run controls, progress, examples/s, ETA and memory always in its header, and four tabs: setup (dataset,
 * settings, backend), curves, results and history. Failures show as a message with their cause.
 */
import { useTranslation } from 'react-i18next';
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
import { t as translate } from '../../i18n';
import { errorDetailText } from '../../i18n/messages';

/** The tabs; their labels are `training.tab.<tab>`. */
const TABS: TrainingTab[] = ['setup', 'curves', 'results', 'history', 'search'];

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

/** Error paths that name a whole part (the design, its dataset, the backend) rather than a field: the message says which already. */
const WHOLE_PATHS = new Set(['design', 'dataset', 'backend']);

/** A worker error in words: what happened, from its code. */
export function errorTitle(e: NonNullable<RunView['error']>): string {
  switch (e.code) {
    case 'data-mismatch':
      // The same code covers data that cannot be read and a design that does not fit it; only the latter names the design.
      return /design/i.test(e.message) ? translate('training.error.dataDesign') : translate('training.error.dataLoad');
    case 'non-finite-loss':
      return translate('training.error.diverged');
    case 'worker-crashed':
      return /SIGKILL|out of memory|heap/i.test(e.message) ? translate('training.error.killed') : translate('training.error.crashed');
    case 'backend-unavailable':
      return translate('training.error.backend');
    case 'invalid-document':
    case 'design-error':
      return translate('training.error.design');
    case 'busy':
      return translate('training.error.busy');
    case 'invalid-command':
      return translate('training.error.start');
    case 'internal':
      return translate('training.error.failed');
  }
}

function Progress({ run }: { run: RunView }) {
  const { t } = useTranslation();
  const st = run.started;
  const total = st ? st.epochs * st.batchesPerEpoch : 0;
  const done = st ? run.epoch * st.batchesPerEpoch + run.batchesDone : 0;
  const frac = run.phase === 'finished' ? 1 : total ? Math.min(1, done / total) : 0;
  return (
    <div className="ll-train__progress" data-testid="train-progress">
      <div className="ll-train__bar-outer" role="progressbar" aria-label={t('training.progressLabel')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(frac * 100)}>
        <div className="ll-train__bar-inner" style={{ width: `${frac * 100}%` }} />
      </div>
      <span className="mono">
        {st ? t('training.progress', { epoch: Math.min(run.epoch + 1, st.epochs), epochs: st.epochs, batch: run.batchesDone, batches: st.batchesPerEpoch }) : run.phase === 'starting' ? t('training.startingWorker') : ''}
      </span>
      {run.examplesPerSecond !== null && <span className="mono" data-testid="train-speed">{t('training.speed', { value: Math.round(run.examplesPerSecond).toLocaleString('en-US') })}</span>}
      {isActive(run.phase) && run.etaSeconds !== null && <span className="mono">{t('training.eta', { time: formatDuration(run.etaSeconds) })}</span>}
      {run.memory && <span className="mono" title={t('training.memoryTitle', { tensors: run.memory.tensors, bytes: mb(run.memory.tensorBytes) })}>RSS {mb(run.memory.rssBytes)}</span>}
      {run.lastLoss !== null && <span className="mono">{t('training.loss', { value: run.lastLoss.toFixed(4) })}</span>}
    </div>
  );
}

function Controls({ run }: { run: RunView }) {
  const { t } = useTranslation();
  const active = isActive(run.phase);
  return (
    <div className="ll-train__controls">
      {!active && (
        <button className="ll-button is-small is-primary" onClick={() => void startTraining()} data-testid="train-start">
          {t('training.train')}
        </button>
      )}
      {run.phase === 'running' && (
        <button className="ll-button is-small" onClick={() => void pauseTraining()} data-testid="train-pause">
          {t('training.pause')}
        </button>
      )}
      {run.phase === 'paused' && (
        <button className="ll-button is-small is-primary" onClick={() => void resumeTraining()} data-testid="train-resume">
          {t('training.resume')}
        </button>
      )}
      {active && (
        <button className="ll-button is-small is-danger" disabled={run.phase === 'stopping' || run.phase === 'starting'} onClick={() => void stopTraining()} data-testid="train-stop">
          {run.phase === 'stopping' ? t('training.stopping') : t('training.stop')}
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
  const { t } = useTranslation();
  const { tab, run } = useEditor(useShallow((s) => ({ tab: s.trainingTab, run: s.trainingRun })));
  const changed = useDesignChanged();
  const s = useEditor.getState();
  const active = isActive(run.phase);
  return (
    <section className="ll-train" data-testid="training-panel" data-phase={run.phase} aria-label={t('training.label')}>
      <header className="ll-train__head">
        <div className="ll-tabs" role="tablist">
          {TABS.map((x) => (
            <button key={x} role="tab" aria-selected={tab === x} className={tab === x ? 'is-active' : ''} onClick={() => s.setTrainingTab(x)} data-testid={`train-tab-${x}`}>
              {t(`training.tab.${x}`)}
            </button>
          ))}
        </div>
        {/* The search tab has its own phase and controls; the header's are the training run's. */}
        {tab === 'search' ? <span className="ll-train__progress" /> : (
          <>
            <span className={`ll-train__phase is-${run.phase}`} data-testid="train-phase">
              {t(`training.phase.${run.phase === 'finished' ? run.finished?.status ?? 'finished' : run.phase}`)}
            </span>
            <Progress run={run} />
            <Controls run={run} />
          </>
        )}
        <button className="ll-tool" onClick={() => s.setTrainingOpen(false)} title={t('training.close')} aria-label={t('training.close')} data-testid="train-close">
          <Icon name="x" size={14} />
        </button>
      </header>
      {run.error && (
        <div className="ll-train__failure" role="alert" data-testid="train-error">
          <Icon name="alert" size={14} />
          <div>
            <strong>{errorTitle(run.error)}</strong>
            <div>{errorDetailText(run.error)}</div>
            {run.error.path && !WHOLE_PATHS.has(run.error.path) && <div className="ll-train__hint">{t('training.at', { path: run.error.path })}</div>}
          </div>
        </div>
      )}
      {changed && (
        <div className="ll-train__notice" data-testid="train-design-changed">
          <Icon name="info" size={14} />
          {' '}
          {active ? t('training.changedActive') : t('training.changedDone')}
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
