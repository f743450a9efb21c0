/**
 * The pure parts of keyboard-first editing: where the arrow keys move the selection along the wires, and which
 * engine commands insert a block after the selected node (one dispatch, so one undo step).
 */
import { getBlock, hasOutput, type DesignDocument, type EditCommand } from '../engine';
import { t } from '../i18n';
import { NODE_H, NODE_W } from './layout';

/** An arrow key: up/down follow wires to a source/target, left/right move among siblings. */
export type NavDirection = 'up' | 'down' | 'left' | 'right';

/** Vertical distance between a node and a block inserted after it. */
export const INSERT_STEP = NODE_H + 54;

type Doc = Pick<DesignDocument, 'nodes' | 'edges'>;

/** Of `ids`, the node closest in x to `from` (ties keep edge order): "down" from a fork goes straight down. */
function nearest(doc: Doc, from: string, ids: string[]): string | null {
  const x = doc.nodes.find((n) => n.id === from)?.position.x ?? 0;
  let best: string | null = null;
  let bestDx = Infinity;
  for (const id of ids) {
    const dx = Math.abs((doc.nodes.find((n) => n.id === id)?.position.x ?? 0) - x);
    if (dx < bestDx) {
      best = id;
      bestDx = dx;
    }
  }
  return best;
}

const unique = (ids: string[]) => [...new Set(ids)];

/**
 * The node the selection moves to from `id` with an arrow key, or null when there is none that way.
 * Siblings are the other targets of the node's first source (or, for a node without inputs, the other sources
 * of its first target; for a lone node, the other nodes without inputs), ordered left to right on the canvas.
 */
export function neighbourAlongWires(doc: Doc, id: string, direction: NavDirection): string | null {
  if (!doc.nodes.some((n) => n.id === id)) return null;
  const sources = unique(doc.edges.filter((e) => e.target.node === id).map((e) => e.source.node));
  const targets = unique(doc.edges.filter((e) => e.source.node === id).map((e) => e.target.node));
  if (direction === 'up') return nearest(doc, id, sources);
  if (direction === 'down') return nearest(doc, id, targets);
  let siblings: string[];
  if (sources.length) siblings = unique(doc.edges.filter((e) => e.source.node === sources[0]).map((e) => e.target.node));
  else if (targets.length) siblings = unique(doc.edges.filter((e) => e.target.node === targets[0]).map((e) => e.source.node));
  else siblings = doc.nodes.filter((n) => !doc.edges.some((e) => e.target.node === n.id)).map((n) => n.id);
  const pos = new Map(doc.nodes.map((n) => [n.id, n.position]));
  siblings.sort((a, b) => pos.get(a)!.x - pos.get(b)!.x || pos.get(a)!.y - pos.get(b)!.y);
  const i = siblings.indexOf(id);
  const j = direction === 'left' ? i - 1 : i + 1;
  return i >= 0 && j >= 0 && j < siblings.length ? siblings[j] : null;
}

/** The commands that add a block, or why it cannot be added after the selection. */
export type InsertPlan = { ok: true; commands: EditCommand[] } | { ok: false; reason: string };

/**
 * Commands that add block `type` (as node `newId`, with `params`) after node `afterId` and wire it:
 * - the selected node has one outgoing wire: the block goes on that wire (`insertOnEdge`), and the nodes below move down;
 * - none, or several (a fork): the block becomes a new target of the selected node, below it (beside its other branches).
 * With no selected node the block is only added, at `fallback`. The engine's commands check every wire.
 */
export function insertAfterCommands(
  doc: DesignDocument,
  afterId: string | null,
  type: string,
  newId: string,
  params: Record<string, unknown>,
  fallback: { x: number; y: number },
  name?: string,
): InsertPlan {
  const named = name ? { name } : {};
  const spec = getBlock(type);
  if (!spec) return { ok: false, reason: t('canvas.insert.unknownType', { type }) };
  const after = afterId ? doc.nodes.find((n) => n.id === afterId) : undefined;
  if (!after) return { ok: true, commands: [{ kind: 'addNode', id: newId, type, params, position: fallback, ...named }] };
  if (!hasOutput(after.type)) return { ok: false, reason: t('canvas.insert.afterOutput', { name: after.name }) };
  if (!spec.inputs.length) return { ok: false, reason: t('canvas.insert.noInput', { block: spec.label, name: after.name }) };
  const outgoing = doc.edges.filter((e) => e.source.node === after.id);
  const below = { x: after.position.x, y: after.position.y + INSERT_STEP };
  if (outgoing.length === 1 && type !== 'Output') {
    const [edge] = outgoing;
    const moves = doc.nodes
      .filter((n) => n.id !== after.id && n.position.y > after.position.y + 1)
      .map((n) => ({ nodeId: n.id, position: { x: n.position.x, y: n.position.y + INSERT_STEP } }));
    return {
      ok: true,
      commands: [
        ...(moves.length ? [{ kind: 'moveNodes' as const, moves }] : []),
        // On the wire in its place, so a merge block downstream keeps the order of its inputs.
        { kind: 'insertOnEdge', edgeId: edge.id, id: newId, type, params, position: below, ...named },
      ],
    };
  }
  const position = { x: below.x + outgoing.length * (NODE_W + 40), y: below.y };
  return {
    ok: true,
    commands: [
      { kind: 'addNode', id: newId, type, params, position, ...named },
      { kind: 'connect', source: { node: after.id }, target: { node: newId } },
    ],
  };
}
