/**
 * The run history: every run kept on disk, in a sortable list; overlay the curves of two or more; open a run's
 * design snapshot as a design; resume a run from its last checkpoint; show its results; export its model.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RunSummary } from '../../../../contract/training-runs';
import { parseDocument, type DesignDocument } from '../../engine';
import { getHostClient, HostCallError } from '../../host';
import { t as translate } from '../../i18n';
import { useEditor } from '../../store';
import { askText } from '../../ui/prompt';
import { refreshRuns, startTraining } from './controller';
import { formatDuration, sortRuns, type SortKey } from './metrics';
import { RunOverlay } from './overlay';
import { isActive } from './run-feed';
import { errorDetailText } from '../../i18n/messages';

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'startedAt', label: 'history.col.date' },
  { key: 'design', label: 'history.col.design' },
  { key: 'dataset', label: 'history.col.dataset' },
  { key: 'status', label: 'history.col.status' },
  { key: 'testAccuracy', label: 'history.col.accuracy' },
  { key: 'seconds', label: 'history.col.time' },
  { key: 'backend', label: 'history.col.backend' },
];

function fail(err: unknown): void {
  useEditor.getState().showToast('error', err instanceof HostCallError ? errorDetailText(err) : String(err));
}

async function loadRun(runId: string) {
  return getHostClient().call('trainingRunGet', { runId });
}

async function openDesign(run: RunSummary): Promise<void> {
  try {
    const { design } = await loadRun(run.runId);
    if (!design) throw new Error(`run ${run.runId} has no design snapshot (it was trained from the command line)`);
    const doc = parseDocument(design);
    useEditor.getState().loadDocument({ ...doc, name: `${doc.name} (run ${run.runId.slice(0, 16)})` }, null, false);
    useEditor.getState().showToast('success', translate('history.opened', { run: run.runId }));
  } catch (err) {
    fail(err);
  }
}

async function resumeRun(run: RunSummary): Promise<void> {
  try {
    const { design, request } = await loadRun(run.runId);
    if (!design || !request) throw new Error(`run ${run.runId} has no design snapshot or settings to resume with`);
    const doc: DesignDocument = parseDocument(design);
    const total = request.overrides.epochs ?? doc.training.epochs;
    // A run that trained all its epochs continues for as many again; a stopped one finishes its plan.
    const epochs = run.epochs >= total ? run.epochs + doc.training.epochs : total;
    await startTraining({ document: doc, dataset: request.dataset, overrides: { ...request.overrides, epochs }, resumeFrom: `${run.runId}/checkpoints/last` });
  } catch (err) {
    fail(err);
  }
}

async function showResults(run: RunSummary): Promise<void> {
  try {
    const { record } = await loadRun(run.runId);
    const test = record?.test as { accuracy: number; loss: number; confusionMatrix: number[][] } | null | undefined;
    const classNames = (record?.dataset as { classNames?: string[] } | undefined)?.classNames;
    if (!test || !classNames) throw new Error(`run ${run.runId} has no test results (${run.status})`);
    useEditor.setState({ trainingResults: { runId: run.runId, testAccuracy: test.accuracy, testLoss: test.loss, confusionMatrix: test.confusionMatrix, classNames } });
    useEditor.getState().setTrainingTab('results');
  } catch (err) {
    fail(err);
  }
}

async function exportModel(run: RunSummary): Promise<void> {
  const dir = await askText(translate('history.exportTitle'), { hint: translate('history.exportHint'), initial: `${run.design.replace(/[^\w.-]+/g, '-')}-model`, confirm: translate('history.export') });
  if (!dir) return;
  try {
    const out = await getHostClient().call('trainingRunExport', { runId: run.runId, dir });
    useEditor.getState().showToast('success', translate('history.exported', { count: out.files.length, dir: out.dir }));
  } catch (err) {
    fail(err);
  }
}

/** The history tab. */
export function HistoryTab() {
  const { t } = useTranslation();
  const runs = useEditor((s) => s.trainingRuns);
  const busy = useEditor((s) => isActive(s.trainingRun.phase));
  const [sort, setSort] = useState<{ key: SortKey; asc: boolean }>({ key: 'startedAt', asc: false });
  const [picked, setPicked] = useState<string[]>([]);
  const [overlay, setOverlay] = useState<string[] | null>(null);
  useEffect(() => {
    void refreshRuns();
  }, []);
  const sorted = useMemo(() => sortRuns(runs, sort.key, sort.asc), [runs, sort]);
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));
  return (
    <div className="ll-train__history">
      <div className="ll-train__toolbar">
        <button className="ll-button is-small" onClick={() => void refreshRuns()} data-testid="train-history-refresh">
          {t('history.refresh')}
        </button>
        <button className="ll-button is-small is-primary" disabled={picked.length < 2} onClick={() => setOverlay([...picked])} data-testid="train-overlay-button">
          {picked.length >= 2 ? t('history.overlayRuns', { count: picked.length }) : t('history.overlayPick')}
        </button>
        <span className="ll-train__hint">{t('history.runs', { count: runs.length })}</span>
      </div>
      {runs.length === 0 ? (
        <p className="ll-train__empty">{t('history.none')}</p>
      ) : (
        <table className="ll-train__table is-runs" data-testid="train-runs">
          <thead>
            <tr>
              <th />
              {COLUMNS.map((c) => (
                <th key={c.key} onClick={() => setSort((s) => ({ key: c.key, asc: s.key === c.key ? !s.asc : c.key === 'design' || c.key === 'dataset' }))} className="is-sortable" data-testid={`sort-${c.key}`}>
                  {t(c.label)}
                  {sort.key === c.key ? (sort.asc ? ' ▲' : ' ▼') : ''}
                </th>
              ))}
              <th />
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <tr key={r.runId} data-testid="train-run-row" data-status={r.status} title={r.error ?? r.runId}>
                <td>
                  <input type="checkbox" checked={picked.includes(r.runId)} onChange={() => toggle(r.runId)} aria-label={`compare run ${r.runId}`} data-testid="train-run-pick" />
                </td>
                <td className="mono">{r.startedAt ? new Date(r.startedAt).toLocaleString() : r.runId}</td>
                <td>{r.design}</td>
                <td className="mono ll-train__ellipsis">{r.dataset}</td>
                <td>
                  <span className={`ll-train__status is-${r.status}`}>{r.status}</span>
                </td>
                <td className="mono">{r.testAccuracy === null ? '—' : `${(r.testAccuracy * 100).toFixed(1)}%`}</td>
                <td className="mono">{formatDuration(r.seconds)}</td>
                <td>{r.backend ?? '—'}</td>
                <td className="ll-train__actions">
                  <button className="ll-button is-small" disabled={r.testAccuracy === null} onClick={() => void showResults(r)}>
                    {t('training.tab.results')}
                  </button>
                  <button className="ll-button is-small" onClick={() => void openDesign(r)} data-testid="train-run-open">
                    {t('history.openDesign')}
                  </button>
                  <button className="ll-button is-small" disabled={!r.canResume || busy} onClick={() => void resumeRun(r)} data-testid="train-run-resume">
                    {t('training.resume')}
                  </button>
                  <button className="ll-button is-small" disabled={!r.hasModel} onClick={() => void exportModel(r)} data-testid="train-run-export">
                    {t('history.export')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {overlay && <RunOverlay runIds={overlay} />}
    </div>
  );
}
