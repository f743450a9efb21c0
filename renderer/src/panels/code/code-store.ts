/**
 * The code panel's own state (kept out of the editor store so the panel stays independent of the other panels):
 * whether it is open, the tab, and the latest result of the code worker for that tab.
 */
import { create } from 'zustand';
import type { CodeResult, CodeTab } from './protocol';

/** Code panel state. */
export interface CodePanelState {
  open: boolean;
  tab: CodeTab;
  /** The latest answer for `tab` (null until the first one arrives). */
  result: CodeResult | null;
  /** The node of the line last clicked (an inner node of an expanded block is highlighted alone, not the whole block). */
  lineNode: string | null;
  /** Width of the drawer in pixels set by dragging its edge (null: the default share of the canvas). */
  width: number | null;
  setOpen(open: boolean): void;
  setTab(tab: CodeTab): void;
}

const WIDTH_KEY = 'layerloom.codePanelWidth';

function savedWidth(): number | null {
  try {
    const w = Number(localStorage.getItem(WIDTH_KEY));
    return Number.isFinite(w) && w >= 280 ? w : null;
  } catch {
    return null; // storage unavailable: the default width
  }
}

/** Remembers the drawer's width (dragged by its edge) for the next session. */
export function setCodePanelWidth(width: number): void {
  useCodePanel.setState({ width });
  try {
    localStorage.setItem(WIDTH_KEY, String(Math.round(width)));
  } catch {
    // storage unavailable: the width lasts for this session only
  }
}

/** The code panel's store. */
export const useCodePanel = create<CodePanelState>()((set) => ({
  open: false,
  tab: 'ts',
  result: null,
  lineNode: null,
  width: savedWidth(),
  setOpen(open) {
    set({ open });
  },
  setTab(tab) {
    set((s) => (s.tab === tab ? s : { tab, result: null }));
  },
}));

/** Opens or closes the code panel. */
export function toggleCodePanel(): void {
  const s = useCodePanel.getState();
  s.setOpen(!s.open);
}
