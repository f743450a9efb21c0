/** Selection and view state: what is selected, which panel is open, the theme, transient messages. */
import type { StateCreator } from 'zustand';
import { applyLanguage, initialLanguage, LANGUAGE_STORAGE_KEY, type Language } from '../i18n';
import type { EditorState } from './index';
import { viewDoc } from './scope';

export type Theme = 'dark' | 'light';
/** What the node colour encodes: nothing (block category) or a heat scale of a per-node metric. */
export type ColorBy = 'category' | 'params' | 'macs' | 'rf';
export type RightTab = 'inspector' | 'diagnostics' | 'summary';

/** A short message at the bottom of the canvas (a refused connection, a saved file). */
export interface Toast {
  id: number;
  kind: 'info' | 'error' | 'success';
  text: string;
}

/** Selection and UI state. */
export interface UiSlice {
  selection: string[];
  selectedEdges: string[];
  theme: Theme;
  /** The interface language (remembered across sessions; applied at once, without a reload). */
  language: Language;
  colorBy: ColorBy;
  /** Whether the canvas shows its minimap (View ▸ Toggle Minimap). */
  minimapVisible: boolean;
  rightTab: RightTab;
  galleryOpen: boolean;
  toast: Toast | null;
  /** A request for the canvas to centre on a node (diagnostics click); `seq` makes repeated requests distinct. */
  focus: { nodeId: string; seq: number } | null;
  /** Node ids copied with Ctrl+C, pasted as duplicates. */
  clipboard: string[];
  /** Bumped to ask the canvas to fit the whole design in view (after open, template, layout). */
  fitSeq: number;
  requestFit(): void;
  setSelection(nodes: string[], edges?: string[]): void;
  setTheme(theme: Theme): void;
  setLanguage(language: Language): void;
  setColorBy(colorBy: ColorBy): void;
  toggleMinimap(): void;
  setRightTab(tab: RightTab): void;
  setGalleryOpen(open: boolean): void;
  showToast(kind: Toast['kind'], text: string): void;
  dismissToast(): void;
  focusNode(nodeId: string): void;
  setClipboard(ids: string[]): void;
}

function initialTheme(): Theme {
  try {
    const saved = localStorage.getItem('layerloom.theme');
    if (saved === 'dark' || saved === 'light') return saved;
    return matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
  } catch {
    return 'dark';
  }
}

let toastSeq = 0;
let focusSeq = 0;

export const createUiSlice: StateCreator<EditorState, [], [], UiSlice> = (set, get) => ({
  selection: [],
  selectedEdges: [],
  theme: initialTheme(),
  language: initialLanguage(),
  colorBy: 'category',
  minimapVisible: true,
  rightTab: 'inspector',
  galleryOpen: false,
  toast: null,
  focus: null,
  clipboard: [],
  fitSeq: 0,
  requestFit() {
    set((s) => ({ fitSeq: s.fitSeq + 1 }));
  },
  setSelection(nodes, edges = []) {
    set({ selection: nodes, selectedEdges: edges });
  },
  setTheme(theme) {
    try {
      localStorage.setItem('layerloom.theme', theme);
    } catch {
      // storage unavailable (private mode): the theme just isn't remembered
    }
    set({ theme });
  },
  setLanguage(language) {
    try {
      localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
    } catch {
      // storage unavailable: the language applies to this session only
    }
    applyLanguage(language);
    // A toast on screen was written in the previous language: it goes (a message is never left half-translated).
    set({ language, ...(get().language !== language ? { toast: null } : {}) });
  },
  toggleMinimap() {
    set((s) => ({ minimapVisible: !s.minimapVisible }));
  },
  setColorBy(colorBy) {
    set({ colorBy });
  },
  setRightTab(rightTab) {
    set({ rightTab });
  },
  setGalleryOpen(galleryOpen) {
    set({ galleryOpen });
  },
  showToast(kind, text) {
    set({ toast: { id: ++toastSeq, kind, text } });
  },
  dismissToast() {
    set({ toast: null });
  },
  focusNode(nodeId) {
    // A node of the design asked for while a composite is open (a problem clicked in the list): back to the design.
    set((s) => ({
      focus: { nodeId, seq: ++focusSeq }, selection: [nodeId], selectedEdges: [], rightTab: 'inspector',
      ...(s.scope.length && !viewDoc(s).nodes.some((n) => n.id === nodeId) && s.doc.nodes.some((n) => n.id === nodeId) ? { scope: [] } : {}),
    }));
  },
  setClipboard(clipboard) {
    set({ clipboard });
  },
});
