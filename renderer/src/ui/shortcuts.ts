/** Keyboard shortcuts (the platform's Ctrl/Cmd conventions); ignored while typing in a field. */
import { useEffect } from 'react';
import { autoLayout, copySelection, duplicateSelection, paste, selectAll } from '../canvas/actions';
import { deleteSelectionBridging } from '../canvas/keyboard-actions';
import { openFile, saveFile, saveFileAs } from '../files/file-actions';
import { toggleCodePanel } from '../panels/code/code-store';
import { useEditor } from '../store';
import { useKeyboardEditing } from './keyboard-editing';
import { useShortcutsSheet } from './shortcuts-dialog';

/** The shortcut table, shown in the help overlay and used by the handler. */
export const SHORTCUTS: { keys: string; label: string }[] = [
  { keys: 'Mod+Z', label: 'Undo' },
  { keys: 'Mod+Shift+Z', label: 'Redo' },
  { keys: 'Mod+C / Mod+V', label: 'Copy / paste' },
  { keys: 'Mod+D', label: 'Duplicate' },
  { keys: 'Mod+A', label: 'Select all' },
  { keys: '/ / Space', label: 'Quick-add a block after the selection' },
  { keys: '↑ / ↓', label: 'Select the source / target along the wire' },
  { keys: '← / →', label: 'Select the previous / next sibling' },
  { keys: 'Enter', label: 'Edit the first parameter of the selection' },
  { keys: 'Esc', label: 'Back to the canvas from a field; clear the selection; up one level from an opened block' },
  { keys: 'Delete', label: 'Delete selection (a node with one input and one output: reconnect its neighbours)' },
  { keys: 'Shift+N / Shift+F', label: 'Add a note / a frame (around the selection); Enter edits its text' },
  { keys: 'Mod+O / Mod+S', label: 'Open / save' },
  { keys: 'Shift+L', label: 'Auto-layout' },
  { keys: 'Shift+1', label: 'Fit view' },
  { keys: 'Shift+M', label: 'Show / hide the minimap' },
  { keys: 'Mod+Shift+K', label: 'Show / hide the code panel' },
  { keys: 'Shift+T', label: 'Show / hide the training panel' },
  { keys: '?', label: 'This list' },
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
