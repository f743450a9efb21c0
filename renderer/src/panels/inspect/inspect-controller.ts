/**
 * Talks to the host for the Inspect panel: the run list (the training history), and `inspectCompute` for the
 * current query, where the latest request wins (an answer to an older query is dropped). The work runs in the
 * host's inspect worker, so the page only waits for a message and never computes tensors itself.
 */
import type { InspectView } from '../../../../contract/inspect';
import type { RunSummary } from '../../../../contract/training-runs';
import { getHostClient, HostCallError } from '../../host';
import { useEditor } from '../../store';
import { errorDetailText } from '../../i18n/messages';
import { t } from '../../i18n';

let latest = 0;

/** A failed host call in the interface language (by the host's code + values when it gave them). */
const failureText = (err: unknown) => (err instanceof HostCallError ? errorDetailText(err) : (err as Error).message);

/** Runs whose model (final, or the last epoch's checkpoint) can be inspected, newest first. */
export function inspectableRuns(runs: readonly RunSummary[]): RunSummary[] {
  return runs.filter((r) => r.hasModel || r.canResume || r.status === 'running');
}

/** Reloads the run history into the store; picks the newest inspectable run when none is chosen. */
export async function loadInspectRuns(): Promise<void> {
  const s = useEditor.getState();
  try {
    const { runs } = await getHostClient().call('trainingRuns', {});
    s.setTrainingRuns(runs);
    const usable = inspectableRuns(runs);
    const current = useEditor.getState().inspectQuery.runId;
    if ((!current || !usable.some((r) => r.runId === current)) && usable[0]) s.setInspectQuery({ runId: usable[0].runId });
  } catch (err) {
    s.setInspectAnswer({ error: t('inspect.listFailed', { reason: failureText(err) }) });
  }
}

/** Computes `view` for the current query (no-op without a run). */
export async function refreshInspect(view: InspectView): Promise<void> {
  const s = useEditor.getState();
  const q = s.inspectQuery;
  if (!q.runId) return;
  const mine = ++latest;
  s.setInspectAnswer({ busy: true, error: null });
  try {
    const result = await getHostClient().call('inspectCompute', {
      runId: q.runId,
      view,
      ...(q.layer ? { node: q.layer } : {}),
      sample: q.sample,
      ...(q.classIndex !== null && view === 'cam' ? { classIndex: q.classIndex } : {}),
      ...(q.output !== null && view === 'cam' ? { output: q.output } : {}),
      topN: 12,
    });
    if (mine === latest) useEditor.getState().setInspectAnswer({ result, busy: false });
  } catch (err) {
    if (mine === latest) useEditor.getState().setInspectAnswer({ busy: false, error: failureText(err) });
  }
}

/** Opens or closes the panel. */
export function toggleInspectPanel(): void {
  const s = useEditor.getState();
  s.setInspectOpen(!s.inspectOpen);
}
