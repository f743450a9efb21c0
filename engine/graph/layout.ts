/**
 * Automatic layout with dagre, top to bottom like the templates: for imported models, the editor's
 * auto-layout and the inside of expanded composites.
 */
import dagre from '@dagrejs/dagre';

/** One box to place. */
export interface LayoutBox {
  id: string;
  width: number;
  height: number;
}

/** Places boxes top to bottom; returns top-left corners. */
export function layoutGraph(
  boxes: LayoutBox[],
  edges: { source: string; target: string }[],
  options: { nodesep?: number; ranksep?: number } = {},
): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: options.nodesep ?? 48, ranksep: options.ranksep ?? 56, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const b of boxes) g.setNode(b.id, { width: b.width, height: b.height });
  for (const e of edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const out = new Map<string, { x: number; y: number }>();
  for (const b of boxes) {
    const n = g.node(b.id);
    out.set(b.id, { x: Math.round(n.x - b.width / 2), y: Math.round(n.y - b.height / 2) });
  }
  return out;
}
