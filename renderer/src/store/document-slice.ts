/**
 * The document and its history. Every edit is an engine command; undo/redo keeps whole documents (they share
 * unchanged nodes structurally, so a step costs little). Edits with the same `coalesce` key in quick succession
 * (one typing burst in the inspector) merge into one undo step.
 */
import type { StateCreator } from 'zustand';
import { emptyDocument, performCommands, type DesignDocument, type EditCommand } from '../engine';
import type { EditorState } from './index';

/** How long after the last keystroke a burst of edits to the same field still counts as one step. */
export const COALESCE_MS = 1000;
const HISTORY_LIMIT = 200;

/** Options of one dispatch. */
export interface DispatchOptions {
  /** Edits with the same key within `COALESCE_MS` of each other form one undo step. */
  coalesce?: string;
}

/** Document, history and file state. */
export interface DocumentSlice {
  doc: DesignDocument;
  past: DesignDocument[];
  future: DesignDocument[];
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

export const createDocumentSlice: StateCreator<EditorState, [], [], DocumentSlice> = (set, get) => ({
  doc: initialDoc,
  past: [],
  future: [],
  lastEdit: null,
  filePath: null,
  savedDoc: initialDoc,
  dispatch(commands, options) {
    const list = Array.isArray(commands) ? commands : [commands];
    const { doc, past, lastEdit } = get();
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
      future: [],
      lastEdit: options?.coalesce !== undefined ? { key: options.coalesce, at: now } : null,
    });
    return true;
  },
  undo() {
    const { past, doc, future } = get();
    if (!past.length) return;
    set({ doc: past[past.length - 1], past: past.slice(0, -1), future: [doc, ...future], lastEdit: null });
  },
  redo() {
    const { past, doc, future } = get();
    if (!future.length) return;
    set({ doc: future[0], past: [...past, doc], future: future.slice(1), lastEdit: null });
  },
  loadDocument(doc, filePath = null, saved = true) {
    set((s) => ({ doc, past: [], future: [], lastEdit: null, filePath, savedDoc: saved ? doc : null, selection: [], selectedEdges: [], fitSeq: s.fitSeq + 1 }));
  },
  markSaved(filePath, doc) {
    set({ filePath, savedDoc: doc });
  },
});
