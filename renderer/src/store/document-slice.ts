/**
 * The document and its history. Every edit is an engine command; undo/redo keeps whole documents (they share
 * unchanged nodes structurally, so a step costs little). Edits with the same `coalesce` key in quick succession
 * (one typing burst in the inspector) merge into one undo step.
 */
import type { StateCreator } from 'zustand';
import { emptyDocument, performCommands, scopedCommand, type DesignDocument, type EditCommand } from '../engine';
import { t } from '../i18n';
import type { EditorState } from './index';
import { isGraphCommand, scopeView } from './scope';

/** How long after the last keystroke a burst of edits to the same field still counts as one step. */
export const COALESCE_MS = 1000;
const HISTORY_LIMIT = 200;

/** Options of one dispatch. */
export interface DispatchOptions {
  /** Edits with the same key within `COALESCE_MS` of each other form one undo step. */
  coalesce?: string;
  /**
   * The composite scope the graph commands were made in (node ids from the top; default: the open scope, `[]`
   * at the top level). An edit in an expanded composite on the main canvas names that composite.
   */
  scope?: readonly string[];
}

/** Document, history and file state. */
export interface DocumentSlice {
  doc: DesignDocument;
  past: DesignDocument[];
  future: DesignDocument[];
  /** The canvas (composite scope) each undo (redo) step was made on, parallel to `past` (`future`): undo goes back there. */
  pastScopes: string[][];
  futureScopes: string[][];
  /** The composite opened on the canvas: node ids from the top level inward; empty for the design itself. */
  scope: string[];
  /** Opens a composite of the current canvas for editing (one level deeper). */
  enterScope(nodeId: string): void;
  /** Shows the scope `path` (`[]`: the design; a breadcrumb click keeps a prefix). */
  setScope(path: string[]): void;
  lastEdit: { key: string; at: number } | null;
  /** Where the document lives on disk; null for a new, unsaved design. */
  filePath: string | null;
  /** The document as last saved or opened, for the unsaved-changes dot. */
  savedDoc: DesignDocument | null;
  /** Applies commands as one undo step; returns false (and shows the reason) when the engine refuses. */
  dispatch(commands: EditCommand | EditCommand[], options?: DispatchOptions): boolean;
  undo(): void;
  redo(): void;
  /** Replaces the document (open, template, recovery); clears history. */
  loadDocument(doc: DesignDocument, filePath?: string | null, saved?: boolean): void;
  markSaved(filePath: string, doc: DesignDocument): void;
}

const initialDoc = emptyDocument();

/** The state change that shows scope `path`: nothing when it is already shown, else a fresh selection and a fit. */
function goTo(s: EditorState, path: string[]): Partial<EditorState> {
  if (path.length === s.scope.length && path.every((id, i) => id === s.scope[i])) return {};
  return { scope: path, selection: [], selectedEdges: [], fitSeq: s.fitSeq + 1 };
}

export const createDocumentSlice: StateCreator<EditorState, [], [], DocumentSlice> = (set, get) => ({
  doc: initialDoc,
  past: [],
  future: [],
  pastScopes: [],
  futureScopes: [],
  scope: [],
  lastEdit: null,
  filePath: null,
  savedDoc: initialDoc,
  dispatch(commands, options) {
    const given = Array.isArray(commands) ? commands : [commands];
    const { doc, past, pastScopes, lastEdit } = get();
    // Graph edits on an open composite's canvas apply to its inside: one command for the whole design.
    const scope = options?.scope ?? scopeView(doc, get().scope).levels.map((l) => l.nodeId);
    const graph = given.filter(isGraphCommand);
    const list = scope.length && graph.length ? [...scopedCommand(scope, graph), ...given.filter((c) => !isGraphCommand(c))] : given;
    let next: DesignDocument;
    try {
      next = performCommands(doc, list);
    } catch (err) {
      get().showToast('error', (err as Error).message);
      return false;
    }
    const now = performance.now();
    const merge = options?.coalesce !== undefined && lastEdit?.key === options.coalesce && now - lastEdit.at < COALESCE_MS && past.length > 0;
    set({
      doc: next,
      past: merge ? past : [...past.slice(-HISTORY_LIMIT + 1), doc],
      // The canvas the edit was made on (an edit in a composite expanded on the design's canvas is the design's).
      pastScopes: merge ? pastScopes : [...pastScopes.slice(-HISTORY_LIMIT + 1), [...get().scope]],
      future: [],
      futureScopes: [],
      lastEdit: options?.coalesce !== undefined ? { key: options.coalesce, at: now } : null,
    });
    return true;
  },
  undo() {
    const { past, pastScopes, doc, future, futureScopes } = get();
    if (!past.length) return;
    // Show the canvas the undone edit was made on (a scope that no longer opens falls back to its valid prefix).
    const where = pastScopes[pastScopes.length - 1] ?? [];
    set({ doc: past[past.length - 1], past: past.slice(0, -1), pastScopes: pastScopes.slice(0, -1), future: [doc, ...future], futureScopes: [where, ...futureScopes], lastEdit: null, ...goTo(get(), where) });
  },
  redo() {
    const { past, pastScopes, doc, future, futureScopes } = get();
    if (!future.length) return;
    const where = futureScopes[0] ?? [];
    set({ doc: future[0], past: [...past, doc], pastScopes: [...pastScopes, where], future: future.slice(1), futureScopes: futureScopes.slice(1), lastEdit: null, ...goTo(get(), where) });
  },
  enterScope(nodeId) {
    const { doc, scope } = get();
    const path = [...scopeView(doc, scope).levels.map((l) => l.nodeId), nodeId];
    const opened = scopeView(doc, path);
    if (opened.levels.length !== path.length) {
      const node = scopeView(doc, scope).doc.nodes.find((n) => n.id === nodeId);
      get().showToast('error', t('canvas.cannotOpen', { name: node?.name ?? nodeId }));
      return;
    }
    set(goTo(get(), path));
  },
  setScope(path) {
    set(goTo(get(), path));
  },
  loadDocument(doc, filePath = null, saved = true) {
    set((s) => ({ doc, past: [], future: [], pastScopes: [], futureScopes: [], scope: [], lastEdit: null, filePath, savedDoc: saved ? doc : null, selection: [], selectedEdges: [], fitSeq: s.fitSeq + 1 }));
  },
  markSaved(filePath, doc) {
    set({ filePath, savedDoc: doc });
  },
});
