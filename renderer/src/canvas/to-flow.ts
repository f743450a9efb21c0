/**
 * Document -> React Flow nodes and edges. Unchanged document nodes keep their flow objects (identity), so
 * memoized node components re-render only when their own node changed: the React Flow performance guide's rule.
 */
import type { Edge, Node } from '@xyflow/react';
import type { Annotation, DesignDocument, DesignNode } from '../engine';
import type { ExpandedView } from './expand-view';

/** Data of a block node (collapsed composites included). */
export type BlockNodeData = { node: DesignNode };
/** Data of an expanded composite's frame. */
export type GroupNodeData = { node: DesignNode; view: ExpandedView };
/** Data of a block inside an expanded composite (its params are edited in the inspector; its wiring on the composite's own canvas). */
export type InnerNodeData = { compositeId: string; innerId: string; type: string; name: string };

export type BlockFlowNode = Node<BlockNodeData, 'block'>;
export type GroupFlowNode = Node<GroupNodeData, 'composite'>;
export type InnerFlowNode = Node<InnerNodeData, 'inner'>;
/** Data of a note or frame (document annotations). */
export type AnnotationNodeData = { annotation: Annotation };
export type NoteFlowNode = Node<AnnotationNodeData, 'note'>;
export type FrameFlowNode = Node<AnnotationNodeData, 'frame'>;
export type FlowNode = BlockFlowNode | GroupFlowNode | InnerFlowNode | NoteFlowNode | FrameFlowNode;
export type FlowEdge = Edge<{ inner?: boolean }, 'shape'>;

/** Builds flow nodes, reusing `prev` objects whose inputs did not change. */
export function toFlowNodes(
  doc: DesignDocument,
  selection: ReadonlySet<string>,
  expanded: ReadonlyMap<string, ExpandedView>,
  prev: readonly FlowNode[],
): FlowNode[] {
  const prevById = new Map(prev.map((n) => [n.id, n]));
  const out: FlowNode[] = [];
  const annotations = doc.annotations ?? [];
  // Frames first (drawn under the blocks), notes last (over them).
  for (const a of annotations) if (a.kind === 'frame') out.push(annotationNode(a, selection.has(a.id), prevById.get(a.id)));
  for (const node of doc.nodes) {
    const selected = selection.has(node.id);
    const old = prevById.get(node.id);
    const view = expanded.get(node.id);
    if (view) {
      const same = old && old.type === 'composite' && old.data.node === node && old.data.view === view && !!old.selected === selected;
      out.push(
        same
          ? old
          : {
              id: node.id,
              type: 'composite',
              position: node.position,
              data: { node, view },
              selected,
              style: { width: view.width, height: view.height },
              width: view.width,
              height: view.height,
            },
      );
      for (const inner of view.inner) {
        const o = prevById.get(inner.id);
        const innerSelected = selection.has(inner.id);
        const keep = o && o.type === 'inner' && o.parentId === node.id && o.position.x === inner.x && o.position.y === inner.y && o.data.name === inner.name && o.data.type === inner.type && !!o.selected === innerSelected;
        out.push(
          keep
            ? o
            : {
                id: inner.id,
                type: 'inner',
                parentId: node.id,
                extent: 'parent',
                position: { x: inner.x, y: inner.y },
                selected: innerSelected,
                data: { compositeId: node.id, innerId: inner.innerId, type: inner.type, name: inner.name },
                draggable: false,
                // Selectable: the inspector edits an inner layer of an expanded composite in place.
                selectable: true,
                connectable: false,
              },
        );
      }
      continue;
    }
    const same = old && old.type === 'block' && old.data.node === node && !!old.selected === selected && old.position === node.position;
    // Carry React Flow's measurements over from the old object, so a changed node does not flicker while re-measured.
    const base = old && old.type === 'block' ? old : { id: node.id, type: 'block' as const };
    out.push(same ? old : { ...base, position: node.position, data: { node }, selected });
  }
  for (const a of annotations) if (a.kind === 'note') out.push(annotationNode(a, selection.has(a.id), prevById.get(a.id)));
  return sameItems(out, prev) ? (prev as FlowNode[]) : out;
}

/** A note or frame as a flow node sized by the document (kept when its annotation object is unchanged). */
function annotationNode(a: Annotation, selected: boolean, old: FlowNode | undefined): NoteFlowNode | FrameFlowNode {
  if (old && old.type === a.kind && (old as NoteFlowNode).data.annotation === a && !!old.selected === selected) return old as NoteFlowNode | FrameFlowNode;
  const { width, height } = a.size;
  return { id: a.id, type: a.kind, position: a.position, data: { annotation: a }, selected, width, height, style: { width, height }, connectable: false, ...(a.kind === 'frame' ? { zIndex: -1 } : {}) };
}

/** Whether two lists hold the same objects in the same order (then the old list is kept, and React Flow skips work). */
function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Builds flow edges (document edges plus the inner wires of expanded composites). */
export function toFlowEdges(
  doc: DesignDocument,
  selectedEdges: ReadonlySet<string>,
  expanded: ReadonlyMap<string, ExpandedView>,
  prev: readonly FlowEdge[],
): FlowEdge[] {
  const prevById = new Map(prev.map((e) => [e.id, e]));
  const out: FlowEdge[] = [];
  for (const e of doc.edges) {
    const selected = selectedEdges.has(e.id);
    const old = prevById.get(e.id);
    if (
      old &&
      old.source === e.source.node &&
      old.target === e.target.node &&
      old.sourceHandle === e.source.port &&
      old.targetHandle === e.target.port &&
      !!old.selected === selected
    ) {
      out.push(old);
      continue;
    }
    out.push({ id: e.id, type: 'shape', source: e.source.node, target: e.target.node, sourceHandle: e.source.port, targetHandle: e.target.port, selected });
  }
  for (const view of expanded.values()) {
    for (const e of view.edges) {
      out.push(prevById.get(e.id) ?? { id: e.id, type: 'shape', source: e.source, target: e.target, sourceHandle: 'out', targetHandle: 'in', data: { inner: true }, selectable: false, zIndex: 1 });
    }
  }
  return sameItems(out, prev) ? (prev as FlowEdge[]) : out;
}
