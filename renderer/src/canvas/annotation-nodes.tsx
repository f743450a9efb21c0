/**
 * Notes and frames on the canvas (document annotations): small memoized React Flow nodes. Double-click (or Enter
 * on a selected one) edits the text; when selected, handles resize it and swatches change its colour. Every
 * change is one engine command.
 */
import { NodeResizer, type NodeProps } from '@xyflow/react';
import { memo, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { create } from 'zustand';
import { ANNOTATION_COLORS, type Annotation } from '../engine';
import { useEditor } from '../store';
import type { FrameFlowNode, NoteFlowNode } from './to-flow';
import './annotations.css';

/** Which annotation's text is being edited (Enter on a selected note or frame starts it too). */
export const useAnnotationEditing = create<{ id: string | null }>(() => ({ id: null }));

function dispatch(...args: Parameters<ReturnType<typeof useEditor.getState>['dispatch']>) {
  return useEditor.getState().dispatch(...args);
}

/** The text while editing: committed on blur or Enter (Shift+Enter: new line in a note), dropped on Escape. */
function TextEditor({ a, multiline }: { a: Annotation; multiline: boolean }) {
  const { t } = useTranslation();
  const [text, setText] = useState(a.text);
  const ref = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const cancelled = useRef(false);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);
  const done = () => {
    useAnnotationEditing.setState({ id: null });
    if (!cancelled.current && text !== a.text) dispatch({ kind: 'editAnnotation', id: a.id, text });
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    e.stopPropagation();
    if (e.key === 'Escape') {
      cancelled.current = true;
      ref.current?.blur();
    } else if (e.key === 'Enter' && !(multiline && e.shiftKey)) {
      e.preventDefault();
      ref.current?.blur();
    }
  };
  const props = {
    ref,
    value: text,
    className: `ll-annot__edit nodrag nokey nowheel${multiline ? '' : ' is-title'}`,
    onChange: (e: React.ChangeEvent<HTMLTextAreaElement & HTMLInputElement>) => setText(e.target.value),
    onBlur: done,
    onKeyDown,
    'aria-label': multiline ? t('annotations.noteText') : t('annotations.frameText'),
    'data-testid': `annotation-edit-${a.id}`,
  };
  return multiline ? <textarea {...props} /> : <input {...props} />;
}

function Swatches({ a }: { a: Annotation }) {
  const { t } = useTranslation();
  return (
    <div className="ll-annot__swatches nodrag" role="group" aria-label={t('annotations.colour')}>
      {ANNOTATION_COLORS.map((c) => (
        <button
          key={c}
          className={`ll-annot__swatch ann-${c}${c === a.color ? ' is-on' : ''}`}
          aria-label={t('annotations.colourNamed', { color: c })}
          aria-pressed={c === a.color}
          onClick={() => c !== a.color && dispatch({ kind: 'editAnnotation', id: a.id, color: c })}
          data-testid={`annotation-color-${c}`}
        />
      ))}
    </div>
  );
}

function Resizer({ a, selected }: { a: Annotation; selected: boolean }) {
  return (
    <NodeResizer
      isVisible={selected}
      minWidth={a.kind === 'frame' ? 120 : 80}
      minHeight={a.kind === 'frame' ? 80 : 40}
      lineClassName="ll-annot__resize-line"
      handleClassName="ll-annot__resize-handle"
      onResizeEnd={(_e, p) => dispatch({ kind: 'resizeAnnotation', id: a.id, size: { width: Math.round(p.width), height: Math.round(p.height) }, position: { x: p.x, y: p.y } })}
    />
  );
}

function NoteNodeImpl({ data, selected }: NodeProps<NoteFlowNode>) {
  const { t } = useTranslation();
  const a = data.annotation;
  const editing = useAnnotationEditing((s) => s.id === a.id);
  return (
    <div
      className={`ll-annot ll-note ann-${a.color}`}
      onDoubleClick={() => useAnnotationEditing.setState({ id: a.id })}
      role="note"
      aria-label={t('annotations.noteLabel', { text: a.text || t('annotations.empty') })}
      data-testid={`note-${a.id}`}
    >
      <Resizer a={a} selected={!!selected} />
      {editing ? <TextEditor a={a} multiline /> : <div className="ll-note__text">{a.text || <span className="ll-annot__placeholder">{t('annotations.notePlaceholder')}</span>}</div>}
      {selected && !editing && <Swatches a={a} />}
    </div>
  );
}

function FrameNodeImpl({ data, selected }: NodeProps<FrameFlowNode>) {
  const { t } = useTranslation();
  const a = data.annotation;
  const editing = useAnnotationEditing((s) => s.id === a.id);
  return (
    <div className={`ll-annot ll-frame ann-${a.color}`} role="group" aria-label={t('annotations.frameLabel', { text: a.text || t('annotations.untitled') })} data-testid={`frame-${a.id}`}>
      <Resizer a={a} selected={!!selected} />
      <div className="ll-frame__title" onDoubleClick={() => useAnnotationEditing.setState({ id: a.id })}>
        {editing ? <TextEditor a={a} multiline={false} /> : a.text || <span className="ll-annot__placeholder">{t('annotations.framePlaceholder')}</span>}
      </div>
      {selected && !editing && <Swatches a={a} />}
    </div>
  );
}

/** Memoized note node. */
export const NoteNode = memo(NoteNodeImpl);
/** Memoized frame node. */
export const FrameNode = memo(FrameNodeImpl);
