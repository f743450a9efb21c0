/**
 * Buttons (and Shift+N / Shift+F) that add a note or a frame. A frame added with blocks selected is drawn around
 * them; a note goes beside the selected block, else in the middle of the view. Each is one undo step, and its text
 * is ready to type.
 */
import { useReactFlow } from '@xyflow/react';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { FRAME_SIZE, NOTE_SIZE, freshAnnotationId } from '../engine';
import { useEditor } from '../store';
import { useAnnotationEditing } from './annotation-nodes';
import { NODE_W } from './layout';

/** Padding of a frame drawn around a selection (the title sits above its top edge). */
const FRAME_PAD = 28;

type Flow = ReturnType<typeof useReactFlow>;

function viewCentre(flow: Flow): { x: number; y: number } {
  const pane = document.querySelector('.ll-canvas')?.getBoundingClientRect();
  return pane ? flow.screenToFlowPosition({ x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 }) : { x: 0, y: 0 };
}

/** Adds a note or frame, selects it and starts editing its text. */
export function addAnnotation(flow: Flow, kind: 'note' | 'frame'): void {
  const state = useEditor.getState();
  const id = freshAnnotationId(state.doc, kind);
  const blocks = state.selection.filter((s) => state.doc.nodes.some((n) => n.id === s));
  let position: { x: number; y: number };
  let size = kind === 'note' ? NOTE_SIZE : FRAME_SIZE;
  if (kind === 'frame' && blocks.length) {
    const b = flow.getNodesBounds(blocks);
    position = { x: Math.round(b.x - FRAME_PAD), y: Math.round(b.y - FRAME_PAD) };
    size = { width: Math.round(b.width + 2 * FRAME_PAD), height: Math.round(b.height + 2 * FRAME_PAD) };
  } else if (kind === 'note' && blocks.length) {
    const n = state.doc.nodes.find((x) => x.id === blocks[blocks.length - 1])!;
    position = { x: n.position.x + NODE_W + 40, y: n.position.y };
  } else {
    const c = viewCentre(flow);
    position = { x: Math.round(c.x - size.width / 2), y: Math.round(c.y - size.height / 2) };
  }
  if (!state.dispatch({ kind: 'addAnnotation', annotation: { id, kind, position, size } })) return;
  state.setSelection([id]);
  useAnnotationEditing.setState({ id });
}

function isTyping(el: Element | null): boolean {
  return !!el && ((el as HTMLElement).isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

/** The add-note / add-frame buttons over the canvas; must sit inside the `ReactFlowProvider`. */
export function AnnotationTools() {
  const { t } = useTranslation();
  const flow = useReactFlow();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.shiftKey || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target as Element) || document.querySelector('.ll-overlay')) return;
      const key = e.key.toLowerCase();
      if (key !== 'n' && key !== 'f') return;
      e.preventDefault();
      addAnnotation(flow, key === 'n' ? 'note' : 'frame');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [flow]);
  return (
    <div className="ll-annot-tools" role="toolbar" aria-label={t('annotations.label')}>
      <button className="ll-button" onClick={() => addAnnotation(flow, 'note')} title={t('annotations.noteTitle')} data-testid="add-note">
        {t('annotations.note')}
      </button>
      <button className="ll-button" onClick={() => addAnnotation(flow, 'frame')} title={t('annotations.frameTitle')} data-testid="add-frame">
        {t('annotations.frame')}
      </button>
    </div>
  );
}
