/**
 * Keeps the open code panel's text in step with the design, off the input path: requests go to a web worker,
 * at most one in flight (the latest document waits, older ones are dropped), and edits that cannot change the
 * code (moving nodes) send nothing, so dragging never costs a frame here.
 */
import type { DesignDocument } from '../../engine';
import { t } from '../../i18n';
import { useEditor } from '../../store';
import { useCodePanel } from './code-store';
import type { CodeRequest, CodeResult } from './protocol';

/** True when `a` and `b` generate the same code: they differ at most in node positions (and history/UI fields). */
export function sameCode(a: DesignDocument, b: DesignDocument): boolean {
  if (a === b) return true;
  if (a.edges !== b.edges || a.name !== b.name || a.description !== b.description || a.training !== b.training || a.composites !== b.composites || a.source !== b.source) return false;
  if (a.nodes === b.nodes) return true;
  if (a.nodes.length !== b.nodes.length) return false;
  for (let i = 0; i < a.nodes.length; i++) {
    const x = a.nodes[i];
    const y = b.nodes[i];
    if (x === y) continue;
    if (x.id !== y.id || x.type !== y.type || x.name !== y.name || x.params !== y.params || x.collapsed !== y.collapsed) return false;
  }
  return true;
}

/** Starts the runner; returns a stop function. `makeWorker` is replaceable for tests. */
export function startCodeRunner(makeWorker: () => Worker = () => new Worker(new URL('./code.worker.ts', import.meta.url), { type: 'module' })): () => void {
  let worker: Worker | null = null;
  let seq = 0;
  let inFlight = false;
  let sentDoc: DesignDocument | null = null;
  let sentTab: string | null = null;

  const send = () => {
    const panel = useCodePanel.getState();
    if (!panel.open || inFlight) return;
    const doc = useEditor.getState().doc;
    if (sentDoc && sentTab === panel.tab && sameCode(sentDoc, doc) && panel.result) return;
    worker ??= createWorker();
    const req: CodeRequest = { seq: ++seq, doc, tab: panel.tab };
    sentDoc = doc;
    sentTab = panel.tab;
    inFlight = true;
    worker.postMessage(req);
  };

  const createWorker = (): Worker => {
    const w = makeWorker();
    w.onmessage = (event: MessageEvent<CodeResult>) => {
      inFlight = false;
      const result = event.data;
      if (result.seq === seq && result.tab === useCodePanel.getState().tab) useCodePanel.setState({ result });
      send(); // the document may have changed meanwhile
    };
    w.onerror = (event) => {
      inFlight = false;
      useCodePanel.setState({ result: { kind: 'invalid', seq, tab: useCodePanel.getState().tab, message: t('code.workerFailed', { reason: event.message }), ms: 0 } });
      worker?.terminate();
      worker = null;
      sentDoc = null;
    };
    return w;
  };

  const offDoc = useEditor.subscribe((s, prev) => {
    if (s.doc !== prev.doc) send();
    // The clicked inner line stops mattering once its block is no longer selected.
    const line = useCodePanel.getState().lineNode;
    if (line && s.selection !== prev.selection && !s.selection.includes(line.split('/')[0])) useCodePanel.setState({ lineNode: null });
  });
  const offPanel = useCodePanel.subscribe((s, prev) => {
    if (s.open !== prev.open || s.tab !== prev.tab) send();
  });
  send();
  return () => {
    offDoc();
    offPanel();
    worker?.terminate();
    worker = null;
  };
}
