/**
 * Wires the training panel to the host: worker events go into the run feed and reach the store (and the
 * charts) at most once per animation frame; the panel's commands go out as host calls. On start the page asks
 * the host for a live run and replays its events, so a reload re-attaches to a running worker.
 */
import { t as translateUi } from '../../i18n';
import { getHostClient, HostCallError } from '../../host';
import { useEditor } from '../../store';
import { runFeed } from '../../store/training-slice';
import type { DesignDocument } from '../../engine';
import type { TrainingEvent, TrainingOverrides } from '../../../../contract/training-protocol';
import type { RunSummary } from '../../../../contract/training-runs';
import { parseDatasetText, type DatasetSpec } from './dataset-spec';
import { isActive } from './run-feed';
import { errorDetailText } from '../../i18n/messages';

const frameListeners = new Set<() => void>();
let frame = 0;

/** Subscribes to feed frames (charts redraw here); returns the unsubscribe function. */
export function onFeedFrame(listener: () => void): () => void {
  frameListeners.add(listener);
  return () => frameListeners.delete(listener);
}

function flush(): void {
  frame = 0;
  useEditor.setState({ trainingRun: runFeed.view() });
  for (const l of frameListeners) l();
}

function schedule(): void {
  // rAF stops in hidden tabs; the timer keeps the store current there (and flushes at most ~10×/s).
  if (!frame) frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(flush) : (setTimeout(flush, 100) as unknown as number);
}

function message(err: unknown): string {
  return err instanceof HostCallError ? errorDetailText(err) : translateUi('common.hostUnreachable', { reason: (err as Error)?.message ?? String(err) });
}

let started = false;

/** Starts listening to training events and re-attaches to a live run; call once when the app mounts. */
export function startTrainingController(): () => void {
  if (started) return () => undefined;
  started = true;
  let off: (() => void) | undefined;
  try {
    off = getHostClient().on('trainingEvent', (e: TrainingEvent) => {
      runFeed.ingest(e);
      schedule();
      if (e.type === 'finished' || e.type === 'error') {
        void refreshRuns();
        // The run folder is the record's parent: its name is the run id (also for runs this page did not start).
        const runId = e.type === 'finished' ? (e.recordPath.split(/[\\/]/).at(-2) ?? null) : null;
        if (e.type === 'finished' && e.testAccuracy !== null && e.confusionMatrix && runId) {
          useEditor.setState({ trainingResults: { runId, testAccuracy: e.testAccuracy, testLoss: e.testLoss, confusionMatrix: e.confusionMatrix, classNames: e.classNames } });
        }
        if (e.type === 'finished' && e.testAccuracy !== null && useEditor.getState().trainingTab === 'curves') useEditor.getState().setTrainingTab('results');
      }
    });
  } catch {
    return () => undefined; // no host (a static preview): nothing to train with
  }
  void reattach();
  return () => {
    off?.();
    started = false;
  };
}

/** Replays the live run's events (after a reload) and marks the design it trains. */
export async function reattach(): Promise<void> {
  try {
    const status = await getHostClient().call('trainingStatus', {});
    if (!status.runId) return;
    runFeed.reset('starting', status.runId);
    for (const e of status.events) runFeed.ingest(e);
    const design = status.design as Partial<DesignDocument> | null;
    useEditor.setState({ trainingStartDoc: design?.nodes && design.edges ? { nodes: design.nodes, edges: design.edges } : null, trainingOpen: true });
    if (isActive(runFeed.view().phase)) useEditor.setState({ trainingTab: 'curves' });
    schedule();
  } catch {
    // the host is older or unreachable: the panel simply starts idle
  }
}

/** What a run trains; by default the editor's design with its own settings and dataset. */
export interface StartOptions {
  document?: DesignDocument;
  dataset?: DatasetSpec;
  overrides?: TrainingOverrides;
  /** A checkpoint folder relative to the runs folder (`<runId>/checkpoints/last`). */
  resumeFrom?: string;
}

/** Starts a run; returns false (with the reason shown) when the host refuses. */
export async function startTraining(options: StartOptions = {}): Promise<boolean> {
  const s = useEditor.getState();
  const doc = options.document ?? s.doc;
  runFeed.begin(null);
  useEditor.setState({ trainingStartDoc: { nodes: doc.nodes, edges: doc.edges }, trainingTab: 'curves', trainingOpen: true });
  schedule();
  try {
    const { runId } = await getHostClient().call('trainingStart', {
      document: doc as unknown as Record<string, unknown>,
      dataset: options.dataset ?? parseDatasetText(doc.training.dataset),
      overrides: options.overrides ?? {},
      backend: s.trainingBackend,
      ...(options.resumeFrom ? { resumeFrom: options.resumeFrom } : {}),
    });
    runFeed.setRunId(runId);
    schedule();
    void refreshRuns();
    return true;
  } catch (err) {
    runFeed.ingest({ type: 'error', code: 'invalid-command', message: message(err) });
    schedule();
    return false;
  }
}

async function control(channel: 'trainingPause' | 'trainingResume' | 'trainingStop'): Promise<void> {
  try {
    await getHostClient().call(channel, {});
  } catch (err) {
    useEditor.getState().showToast('error', message(err));
  }
}

/** Pauses the live run after its current step. */
export const pauseTraining = () => control('trainingPause');
/** Resumes a paused run. */
export const resumeTraining = () => control('trainingResume');
/** Stops the live run after its current step (the worker still writes the model and the record). */
export const stopTraining = () => control('trainingStop');

/** Reloads the run history list. */
export async function refreshRuns(): Promise<RunSummary[]> {
  try {
    const { runs } = await getHostClient().call('trainingRuns', {});
    useEditor.getState().setTrainingRuns(runs);
    return runs;
  } catch {
    return useEditor.getState().trainingRuns;
  }
}
