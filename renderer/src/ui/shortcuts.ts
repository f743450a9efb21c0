/** Keyboard shortcuts (the platform's Ctrl/Cmd conventions); ignored while typing in a field. */
import { useEffect } from 'react';
import { autoLayout, copySelection, duplicateSelection, paste, selectAll } from '../canvas/actions';
import { deleteSelectionBridging } from '../canvas/keyboard-actions';
import { openFile, saveFile, saveFileAs } from '../files/file-actions';
import { toggleCodePanel } from '../panels/code/code-store';
import { useEditor } from '../store';
import { useKeyboardEditing } from './keyboard-editing';
import { useShortcutsSheet } from './shortcuts-dialog';

/** The shortcut table, shown in the help overlay and used by the handler; `label` is its `shortcuts.action.<label>` text. */
export const SHORTCUTS: { keys: string; label: string }[] = [
  { keys: 'Mod+Z', label: 'undo' },
  { keys: 'Mod+Shift+Z', label: 'redo' },
  { keys: 'Mod+C / Mod+V', label: 'copyPaste' },
  { keys: 'Mod+D', label: 'duplicate' },
  { keys: 'Mod+A', label: 'selectAll' },
  { keys: '/ / Space', label: 'quickAdd' },
  { keys: '↑ / ↓', label: 'alongWire' },
  { keys: '← / →', label: 'sibling' },
  { keys: 'Enter', label: 'editFirst' },
  { keys: 'Esc', label: 'escape' },
  { keys: 'Delete', label: 'delete' },
  { keys: 'Shift+N / Shift+F', label: 'annotate' },
  { keys: 'Mod+O / Mod+S', label: 'openSave' },
  { keys: 'Shift+L', label: 'autoLayout' },
  { keys: 'Shift+1', label: 'fitView' },
  { keys: 'Shift+M', label: 'minimap' },
  { keys: 'Mod+Shift+K', label: 'code' },
  { keys: 'Shift+T', label: 'training' },
  { keys: '?', label: 'list' },
];

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

/** Installs the handler on the window for the app's lifetime. */
export function useShortcuts(fitView: () => void): void {
  useKeyboardEditing();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      const state = useEditor.getState();
      if (mod && key === 's') {
        e.preventDefault();
        void (e.shiftKey ? saveFileAs() : saveFile());
        return;
      }
      if (mod && key === 'o') {
        e.preventDefault();
        void openFile();
        return;
      }
      if (isTyping(e.target)) return;
      const run = (fn: () => void) => {
        e.preventDefault();
        fn();
      };
      if (mod && key === 'z') return run(e.shiftKey ? state.redo : state.undo);
      if (mod && key === 'y') return run(state.redo);
      if (mod && key === 'c') return run(copySelection);
      if (mod && key === 'v') return run(paste);
      if (mod && key === 'd') return run(duplicateSelection);
      if (mod && key === 'a') return run(selectAll);
      if (!mod && (e.key === 'Delete' || e.key === 'Backspace')) return run(deleteSelectionBridging);
      if (!mod && e.shiftKey && key === 'l') return run(autoLayout);
      if (!mod && e.shiftKey && key === 'm') return run(state.toggleMinimap);
      if (mod && e.shiftKey && key === 'k') return run(toggleCodePanel);
      if (!mod && e.shiftKey && key === 't') return run(() => state.setTrainingOpen(!state.trainingOpen));
      if (!mod && e.shiftKey && (e.code === 'Digit1' || key === '!')) return run(fitView);
      if (e.key === 'Escape') return run(() => state.setSelection([]));
      if (e.key === '?') return run(() => useShortcutsSheet.setState({ open: true }));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [fitView]);
}
