/**
 * Annotation commands: text notes and coloured frames on the canvas (document version 2). Pure like every command;
 * a frame moved with `moveContents` carries the blocks and notes lying inside it, in the same step.
 */
import { DesignError } from '../errors';
import type { Annotation, AnnotationColor, DesignDocument, Position } from '../schema/document';

/** The annotation edits (a part of `EditCommand`). */
export type AnnotationCommand =
  | { kind: 'addAnnotation'; annotation: Omit<Annotation, 'id' | 'text' | 'color'> & { id?: string; text?: string; color?: AnnotationColor } }
  /** Moves a note or frame; a frame with `moveContents` moves what lies inside it by the same offset. */
  | { kind: 'moveAnnotation'; id: string; position: Position; moveContents?: boolean }
  | { kind: 'resizeAnnotation'; id: string; size: Annotation['size']; position?: Position }
  | { kind: 'editAnnotation'; id: string; text?: string; color?: AnnotationColor }
  | { kind: 'removeAnnotation'; ids: string[] };

/** Default sizes of new annotations. */
export const NOTE_SIZE = { width: 220, height: 110 };
export const FRAME_SIZE = { width: 420, height: 320 };

function annotationsOf(doc: DesignDocument): Annotation[] {
  return doc.annotations ?? [];
}

function requireAnnotation(doc: DesignDocument, id: string): Annotation {
  const a = annotationsOf(doc).find((x) => x.id === id);
  if (!a) throw new DesignError('invalid-graph', `there is no note or frame with id '${id}'`);
  return a;
}

function replaceAnnotation(doc: DesignDocument, a: Annotation): DesignDocument {
  return { ...doc, annotations: annotationsOf(doc).map((x) => (x.id === a.id ? a : x)) };
}

/** An annotation id not used by a node, edge or annotation (they share the canvas's id space). */
export function freshAnnotationId(doc: DesignDocument, kind: Annotation['kind']): string {
  const taken = new Set([...doc.nodes.map((n) => n.id), ...doc.edges.map((e) => e.id), ...annotationsOf(doc).map((a) => a.id)]);
  for (let i = 1; ; i++) if (!taken.has(`${kind}_${i}`)) return `${kind}_${i}`;
}

/** Whether point `p` lies inside annotation `a`'s box. */
function inside(a: Annotation, p: Position): boolean {
  return p.x >= a.position.x && p.y >= a.position.y && p.x <= a.position.x + a.size.width && p.y <= a.position.y + a.size.height;
}

/**
 * What a frame carries when dragged: the ids of the blocks and notes whose top-left corner lies inside it (none for
 * a note). The engine's move and the editor's live drag preview both use this, so they agree.
 */
export function frameContents(doc: DesignDocument, frameId: string): string[] {
  const frame = annotationsOf(doc).find((a) => a.id === frameId);
  if (!frame || frame.kind !== 'frame') return [];
  return [
    ...doc.nodes.filter((n) => inside(frame, n.position)).map((n) => n.id),
    ...annotationsOf(doc).filter((x) => x.kind === 'note' && inside(frame, x.position)).map((x) => x.id),
  ];
}

function checkSize(size: Annotation['size'], where: string): void {
  if (!(Number.isFinite(size.width) && Number.isFinite(size.height) && size.width >= 40 && size.height >= 30)) {
    throw new DesignError('invalid-params', `${where}: expected a size of at least 40×30, got ${size.width}×${size.height}`, where);
  }
}

/** Applies one annotation command. */
export function performAnnotation(doc: DesignDocument, c: AnnotationCommand): DesignDocument {
  switch (c.kind) {
    case 'addAnnotation': {
      const id = c.annotation.id ?? freshAnnotationId(doc, c.annotation.kind);
      if (doc.nodes.some((n) => n.id === id) || annotationsOf(doc).some((a) => a.id === id)) {
        throw new DesignError('invalid-graph', `a node or annotation with id '${id}' already exists`);
      }
      checkSize(c.annotation.size, 'annotation.size');
      const a: Annotation = {
        id,
        kind: c.annotation.kind,
        text: c.annotation.text ?? '',
        color: c.annotation.color ?? (c.annotation.kind === 'note' ? 'yellow' : 'blue'),
        position: { ...c.annotation.position },
        size: { ...c.annotation.size },
      };
      // Frames go first, so they are drawn under the notes.
      const list = annotationsOf(doc);
      return { ...doc, annotations: a.kind === 'frame' ? [a, ...list] : [...list, a] };
    }
    case 'moveAnnotation': {
      const a = requireAnnotation(doc, c.id);
      const dx = c.position.x - a.position.x;
      const dy = c.position.y - a.position.y;
      const carried = c.moveContents ? new Set(frameContents(doc, a.id)) : new Set<string>();
      const shift = (p: Position) => ({ x: p.x + dx, y: p.y + dy });
      return {
        ...doc,
        nodes: carried.size ? doc.nodes.map((n) => (carried.has(n.id) ? { ...n, position: shift(n.position) } : n)) : doc.nodes,
        annotations: annotationsOf(doc).map((x) =>
          x.id === a.id ? { ...x, position: { ...c.position } } : carried.has(x.id) ? { ...x, position: shift(x.position) } : x,
        ),
      };
    }
    case 'resizeAnnotation': {
      const a = requireAnnotation(doc, c.id);
      checkSize(c.size, `annotations[${annotationsOf(doc).indexOf(a)}].size`);
      return replaceAnnotation(doc, { ...a, size: { ...c.size }, position: c.position ? { ...c.position } : a.position });
    }
    case 'editAnnotation': {
      const a = requireAnnotation(doc, c.id);
      return replaceAnnotation(doc, { ...a, ...(c.text !== undefined ? { text: c.text } : {}), ...(c.color ? { color: c.color } : {}) });
    }
    case 'removeAnnotation': {
      for (const id of c.ids) requireAnnotation(doc, id);
      const gone = new Set(c.ids);
      return { ...doc, annotations: annotationsOf(doc).filter((a) => !gone.has(a.id)) };
    }
  }
}
