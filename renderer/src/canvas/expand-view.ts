/**
 * What an expanded composite shows in place: its inner blocks laid out inside a group frame. The subgraph comes
 * from the block's own `expand` (the same one analysis uses), so the view can never disagree with the model.
 */
import { getBlock, layoutGraph, type DesignAnalysis, type DesignDocument, type DesignNode, type Shape } from '../engine';

export const INNER_W = 184;
export const INNER_H = 58;
export const GROUP_PAD = 20;
export const GROUP_HEADER = 60;
/** Narrowest frame: room for the header line. */
export const GROUP_MIN_W = 380;

/** One inner block, positioned relative to the group's top-left corner. */
export interface InnerView {
  id: string;
  innerId: string;
  type: string;
  name: string;
  x: number;
  y: number;
}

/** The expanded frame: its size, inner blocks and inner wires. */
export interface ExpandedView {
  width: number;
  height: number;
  inner: InnerView[];
  edges: { id: string; source: string; target: string }[];
}

/** Id of an inner block on the canvas. */
export const innerNodeId = (compositeId: string, innerId: string) => `${compositeId}/${innerId}`;

/** Shapes feeding a node, from the analysis of its incoming edges (empty when not yet known). */
export function inputShapesOf(doc: DesignDocument, analysis: DesignAnalysis | null, nodeId: string): Shape[] {
  const shapes: Shape[] = [];
  for (const e of doc.edges) {
    if (e.target.node !== nodeId) continue;
    const s = analysis?.edges[e.id]?.shape;
    if (!s) return [];
    shapes.push(s);
  }
  return shapes;
}

/** Expands a composite for display; null when it cannot be expanded (unknown input shapes, bad params). */
export function expandForView(node: DesignNode, inputs: Shape[], composites: DesignDocument['composites']): ExpandedView | null {
  const spec = getBlock(node.type);
  if (!spec || spec.kind !== 'composite' || inputs.length === 0) return null;
  let sub;
  try {
    const params = spec.params.parse(node.params) as Record<string, unknown>;
    sub = spec.expand(params, inputs, { composites });
  } catch {
    return null;
  }
  const edges: ExpandedView['edges'] = [];
  for (const n of sub.nodes) {
    for (const src of n.inputs) {
      if (src.startsWith('input:')) continue;
      edges.push({ id: `${node.id}/${src}->${n.id}`, source: innerNodeId(node.id, src), target: innerNodeId(node.id, n.id) });
    }
  }
  const boxes = sub.nodes.map((n) => ({ id: innerNodeId(node.id, n.id), width: INNER_W, height: INNER_H }));
  const pos = layoutGraph(boxes, edges, { nodesep: 20, ranksep: 28 });
  let minX = Infinity;
  let maxRight = 0;
  for (const p of pos.values()) {
    minX = Math.min(minX, p.x);
    maxRight = Math.max(maxRight, p.x + INNER_W);
  }
  const width = Math.max(maxRight - minX + 2 * GROUP_PAD, GROUP_MIN_W);
  // Centre the inner layout in the frame.
  const shift = (width - (maxRight - minX)) / 2 - minX;
  let maxY = 0;
  const inner = sub.nodes.map((n) => {
    const p = pos.get(innerNodeId(node.id, n.id))!;
    const y = p.y + GROUP_HEADER;
    maxY = Math.max(maxY, y + INNER_H);
    return { id: innerNodeId(node.id, n.id), innerId: n.id, type: n.type, name: n.name, x: Math.round(p.x + shift), y };
  });
  return { width, height: maxY + GROUP_PAD, inner, edges };
}

const viewCache = new Map<string, { node: DesignNode; def: unknown; key: string; view: ExpandedView | null }>();
let lastViews = new Map<string, ExpandedView>();

/** Expanded views of every expanded composite in the document, cached per node and input shapes. */
export function expandedViews(doc: DesignDocument, analysis: DesignAnalysis | null): Map<string, ExpandedView> {
  const out = new Map<string, ExpandedView>();
  for (const node of doc.nodes) {
    if (node.collapsed !== false) continue;
    const shapes = inputShapesOf(doc, analysis, node.id);
    const key = JSON.stringify(shapes);
    const cached = viewCache.get(node.id);
    // A linked block's layers live in its definition: an edit there (on any use) changes this view too.
    const def = node.type === 'Composite' ? doc.composites.find((d) => d.id === node.params.definition) : undefined;
    let view: ExpandedView | null;
    if (cached && cached.node === node && cached.def === def && cached.key === key) view = cached.view;
    else {
      view = expandForView(node, shapes, doc.composites);
      // Keep the last good view while shapes are momentarily unknown (mid-edit), so the frame does not flicker.
      if (!view && cached?.view && cached.node.id === node.id) view = cached.view;
      viewCache.set(node.id, { node, def, key, view });
    }
    if (view) out.set(node.id, view);
  }
  // Same views as last time: return the same map, so the canvas does not rebuild its nodes for nothing.
  if (out.size === lastViews.size && [...out].every(([id, v]) => lastViews.get(id) === v)) return lastViews;
  lastViews = out;
  return out;
}
