/**
 * Keyboard-first editing keys: `/` or Space open the quick-add palette, arrows move the selection along wires,
 * Enter edits the selected node's first parameter, Escape in an inspector field returns to the canvas, Escape on
 * the canvas of an opened composite goes up one level.
 * Listens in the capture phase so a focused React Flow node does not also move with the arrows.
 */
import { useEffect } from 'react';
import { editFirstParam, moveSelection } from '../canvas/keyboard-actions';
import type { NavDirection } from '../canvas/keyboard-nav';
import { useEditor } from '../store';
import { openQuickAdd, useQuickAdd } from './quick-add';

/** What a key press asks for, or null when it is not a keyboard-editing key here. */
export type KeyIntent = { kind: 'quickAdd' } | { kind: 'move'; direction: NavDirection } | { kind: 'editParam' } | { kind: 'leaveField' } | { kind: 'scopeUp' };

/** Where the key was pressed. */
export interface KeyPlace {
  /** A text field, select or editable element (keys are the field's). */
  typing: boolean;
  /** A button, link or other control that Space/Enter activate (a canvas node is not one). */
  control: boolean;
  /** Inside the inspector panel. */
  inInspector: boolean;
  /** Inside a widget that moves its own focus with the arrows (a menu or list box). */
  arrowsOwned?: boolean;
}

/** Modifier state and key of a press. */
export interface KeyPress {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

const ARROWS: Record<string, NavDirection> = { ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right' };

/** Maps a key press to an intent (pure, so the table is tested). Modified keys are left to other shortcuts. */
export function keyIntent(e: KeyPress, place: KeyPlace): KeyIntent | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (place.typing) return e.key === 'Escape' && place.inInspector ? { kind: 'leaveField' } : null;
  if (e.key === '/' || (e.key === ' ' && !place.control)) return { kind: 'quickAdd' };
  // Shift+arrows stay React Flow's (nudging a focused node).
  if (ARROWS[e.key] && !e.shiftKey && !place.arrowsOwned) return { kind: 'move', direction: ARROWS[e.key] };
  if (e.key === 'Enter' && !e.shiftKey && !place.control) return { kind: 'editParam' };
  // Leaves an opened composite for the canvas around it (nothing at the top level).
  if (e.key === 'Escape') return { kind: 'scopeUp' };
  return null;
}

function placeOf(target: EventTarget | null): KeyPlace {
  const el = target instanceof HTMLElement ? target : null;
  const typing = !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
  const control = !!el && !el.closest('.react-flow__node') && (['BUTTON', 'A', 'SUMMARY'].includes(el.tagName) || !!el.closest('[role="button"],[role="tab"],[role="menuitem"],[role="option"],[role="switch"],[role="checkbox"]'));
  const arrowsOwned = !!el?.closest('[role="menu"],[role="listbox"]');
  return { typing, control, inInspector: !!el?.closest('[data-testid="inspector"]'), arrowsOwned };
}

/** Installs the keyboard-editing keys on the window for the app's lifetime. */
export function useKeyboardEditing(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Another dialog (quick-add, shortcuts sheet, a prompt) owns the keys while open.
      if (useQuickAdd.getState().open || document.querySelector('.ll-overlay')) return;
      const intent = keyIntent(e, placeOf(e.target));
      if (!intent) return;
      // Escape is only ours inside an opened composite; elsewhere it stays with whoever else listens.
      if (intent.kind === 'scopeUp' && !useEditor.getState().scope.length) return;
      // A block reached with Tab is the one the keys act on (these keys never reach React Flow's own handler).
      const focusedId = e.target instanceof HTMLElement ? e.target.closest('.react-flow__node')?.getAttribute('data-id') : null;
      if (focusedId && !useEditor.getState().selection.includes(focusedId)) useEditor.getState().setSelection([focusedId]);
      switch (intent.kind) {
        case 'quickAdd':
          openQuickAdd();
          break;
        case 'move':
          moveSelection(intent.direction);
          break;
        case 'editParam':
          if (!editFirstParam()) return;
          break;
        case 'leaveField':
          (e.target as HTMLElement).blur();
          break;
        case 'scopeUp': {
          const { scope, setScope } = useEditor.getState();
          setScope(scope.slice(0, -1));
          break;
        }
      }
      e.preventDefault();
      e.stopPropagation();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
}
