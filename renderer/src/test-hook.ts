/**
 * `window.__layerloom`: a small hook for e2e specs and the UI benchmark to load documents, read the document and
 * its analysis, and dispatch commands without going through the mouse.
 */
import type { DesignAnalysis, DesignDocument, EditCommand } from './engine';
import { parseDocument } from './engine';
import { useEditor } from './store';

/** What the hook offers. */
export interface TestHook {
  loadDocument(doc: unknown): void;
  getDocument(): DesignDocument;
  /** The analysis of the current document once it is up to date (without the flat graph: see analysis/protocol.ts). */
  getAnalysis(): Promise<DesignAnalysis>;
  dispatch(cmd: EditCommand | EditCommand[]): boolean;
  undo(): void;
  redo(): void;
  select(ids: string[]): void;
  /** Selects a node and brings it into view (as a click in the diagnostics or summary panel does). */
  focus(id: string): void;
  /** Resolves once the analysis describes the current document. */
  whenAnalyzed(): Promise<void>;
}

declare global {
  interface Window {
    __layerloom?: TestHook;
  }
}

function whenAnalyzed(): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      const s = useEditor.getState();
      return s.analyzedDoc === s.doc;
    };
    if (check()) return resolve();
    const unsubscribe = useEditor.subscribe(() => {
      if (check()) {
        unsubscribe();
        resolve();
      }
    });
  });
}

/** Installs the hook on `window`. */
export function installTestHook(): void {
  window.__layerloom = {
    loadDocument: (doc) => useEditor.getState().loadDocument(parseDocument(doc), null, true),
    getDocument: () => useEditor.getState().doc,
    async getAnalysis() {
      await whenAnalyzed();
      return useEditor.getState().analysis!;
    },
    dispatch: (cmd) => useEditor.getState().dispatch(cmd),
    undo: () => useEditor.getState().undo(),
    redo: () => useEditor.getState().redo(),
    select: (ids) => useEditor.getState().setSelection(ids),
    focus: (id) => useEditor.getState().focusNode(id),
    whenAnalyzed,
  };
}
