/**
 * Editor actions that turn a user gesture into engine commands (one dispatch = one undo step). Shared by the
 * canvas, the toolbar, keyboard shortcuts and the test hook, so each gesture is implemented once.
 */
import { t as translate } from '../i18n';
import { connectRefusalText, fixLabel } from '../i18n/messages';
import type { Connection } from '@xyflow/react';
import { canConnect, defaultName, defaultParams, freshId, getBlock, layoutGraph, performCommand, type DesignDocument, type Fix } from '../engine';
import { useEditor } from '../store';
import { canvasAnalysis, innerSelection, viewDoc } from '../store/scope';
import { expandForView, expandedViews, inputShapesOf } from './expand-view';
import { NODE_H, NODE_W } from './layout';

const PASTE_OFFSET = { x: 48, y: 48 };

/** The drag payload of a user-defined block: `Composite:<definition id>`. */
export const USER_BLOCK_PREFIX = 'Composite:';

/** What a palette payload adds: a catalogue block with its default params, or a linked use of a user-defined block. */
export function resolveBlockPayload(payload: string): { type: string; params: Record<string, unknown>; name?: string } | { error: string } {
  if (payload.startsWith(USER_BLOCK_PREFIX)) {
    const defId = payload.slice(USER_BLOCK_PREFIX.length);
    const def = viewDoc(useEditor.getState()).composites.find((c) => c.id === defId);
    return def ? { type: 'Composite', params: { definition: def.id }, name: def.name } : { error: translate('canvas.insert.noUserBlock', { id: defId }) };
  }
  // Params without defaults are left out: the inspector shows what is missing.
  return getBlock(payload) ? { type: payload, params: defaultParams(payload) } : { error: translate('canvas.insert.unknownType', { type: payload }) };
}

/**
 * Adds a block with its default parameters at `position` and selects it. `Composite:<id>` adds a linked use of
 * the document's user-defined block `<id>`.
 */
export function addBlock(payload: string, position: { x: number; y: number }): string | null {
  const state = useEditor.getState();
  const block = resolveBlockPayload(payload);
  if ('error' in block) {
    state.showToast('error', block.error);
    return null;
  }
  const { type, params, name } = block;
  const id = freshId(viewDoc(state), defaultName(type));
  if (!state.dispatch({ kind: 'addNode', id, type, params, position, ...(name ? { name } : {}) })) return null;
  state.setSelection([id]);
  return id;
}

/** Connects two ports after live validation; a refused wire shows its reason. Replaces the wire of a taken single-input port. */
export function connectPorts(c: Connection): boolean {
  const state = useEditor.getState();
  const verdict = canConnect(viewDoc(state), c);
  if (!verdict.ok) {
    state.showToast('error', translate('canvas.refused', { reason: connectRefusalText(verdict) }));
    return false;
  }
  const commands = [
    ...(verdict.replaces.length ? [{ kind: 'removeEdges' as const, edgeIds: verdict.replaces }] : []),
    { kind: 'connect' as const, source: { node: c.source, port: c.sourceHandle ?? 'out' }, target: { node: c.target, port: verdict.targetPort } },
  ];
  return state.dispatch(commands);
}

/** Deletes the selected nodes and edges as one step. */
export function deleteSelection(): void {
  const state = useEditor.getState();
  const ids = new Set(viewDoc(state).nodes.map((n) => n.id));
  const nodeIds = state.selection.filter((id) => ids.has(id));
  const edgeIds = state.selectedEdges.filter((id) => viewDoc(state).edges.some((e) => e.id === id));
  // A layer of an expanded composite: removed from its block, its neighbours joined (one undo step).
  const inner = !nodeIds.length && !edgeIds.length ? innerSelection(state) : null;
  if (inner) {
    if (state.dispatch({ kind: 'removeNodeBridging', nodeId: inner.node.id }, { scope: inner.path })) state.setSelection([]);
    return;
  }
  if (!nodeIds.length && !edgeIds.length) return;
  state.dispatch([
    ...(edgeIds.length ? [{ kind: 'removeEdges' as const, edgeIds }] : []),
    ...(nodeIds.length ? [{ kind: 'removeNodes' as const, nodeIds }] : []),
  ]);
  state.setSelection([]);
}

function duplicate(nodeIds: string[]): void {
  const state = useEditor.getState();
  const before = new Set(viewDoc(state).nodes.map((n) => n.id));
  const existing = nodeIds.filter((id) => before.has(id));
  if (!existing.length) return;
  if (state.dispatch({ kind: 'duplicateNodes', nodeIds: existing, offset: PASTE_OFFSET })) {
    const after = viewDoc(useEditor.getState()).nodes.filter((n) => !before.has(n.id)).map((n) => n.id);
    state.setSelection(after);
  }
}

/** Duplicates the selection (with the wires among it) and selects the copies. */
export function duplicateSelection(): void {
  duplicate(useEditor.getState().selection);
}

/** Copies the selection to the editor clipboard. */
export function copySelection(): void {
  const state = useEditor.getState();
  if (state.selection.length) state.setClipboard([...state.selection]);
}

/** Pastes the clipboard as duplicates. */
export function paste(): void {
  duplicate(useEditor.getState().clipboard);
}

/** Selects every node. */
export function selectAll(): void {
  const state = useEditor.getState();
  state.setSelection(viewDoc(state).nodes.map((n) => n.id));
}

/** Dagre positions for every node (expanded composites sized by their frames). */
function layoutPositions(doc: DesignDocument, views: ReadonlyMap<string, { width: number; height: number }>) {
  const boxes = doc.nodes.map((n) => {
    const v = views.get(n.id);
    return { id: n.id, width: v?.width ?? NODE_W, height: v?.height ?? NODE_H };
  });
  return layoutGraph(boxes, doc.edges.map((e) => ({ source: e.source.node, target: e.target.node })));
}

/** A copy of `doc` laid out with dagre (for templates and imports, before they enter the history). */
export function layoutDocument(doc: DesignDocument): DesignDocument {
  const pos = layoutPositions(doc, new Map());
  return performCommand(doc, { kind: 'moveNodes', moves: [...pos].map(([nodeId, position]) => ({ nodeId, position })) });
}

/** Lays the whole design out top to bottom with dagre, as one undo step. */
export function autoLayout(): void {
  const state = useEditor.getState();
  const pos = layoutPositions(viewDoc(state), expandedViews(viewDoc(state), canvasAnalysis(state).analysis));
  state.dispatch({ kind: 'moveNodes', moves: [...pos].map(([nodeId, position]) => ({ nodeId, position })) });
  state.requestFit();
}

/**
 * Expands or collapses a composite in place. Nodes below it move by the change in height, so the expanded
 * frame does not cover them; the whole change is one undo step.
 */
export function toggleCollapsed(nodeId: string): void {
  const state = useEditor.getState();
  const node = viewDoc(state).nodes.find((n) => n.id === nodeId);
  if (!node) return;
  const expanding = node.collapsed !== false;
  const view = expanding
    ? expandForView(node, inputShapesOf(viewDoc(state), canvasAnalysis(state).analysis, nodeId), viewDoc(state).composites)
    : expandedViews(viewDoc(state), canvasAnalysis(state).analysis).get(nodeId) ?? null;
  if (expanding && !view) {
    state.showToast('error', translate('canvas.needsInput', { name: node.name }));
    return;
  }
  const delta = view ? (view.height - NODE_H) * (expanding ? 1 : -1) : 0;
  const moves = viewDoc(state).nodes
    .filter((n) => n.id !== nodeId && n.position.y > node.position.y + 1)
    .map((n) => ({ nodeId: n.id, position: { x: n.position.x, y: n.position.y + delta } }));
  const ok = state.dispatch([{ kind: 'setCollapsed', nodeId, collapsed: !expanding }, ...(moves.length && delta ? [{ kind: 'moveNodes' as const, moves }] : [])]);
  if (ok) state.focusNode(nodeId);
}

/** Turns the selection into a user-defined block. */
export function makeBlockFromSelection(name: string): void {
  const state = useEditor.getState();
  const before = new Set(viewDoc(state).nodes.map((n) => n.id));
  if (state.dispatch({ kind: 'makeComposite', nodeIds: state.selection, name })) {
    const created = viewDoc(useEditor.getState()).nodes.filter((n) => !before.has(n.id)).map((n) => n.id);
    state.setSelection(created);
    state.showToast('success', translate('canvas.madeBlock', { name, count: state.selection.length }));
  }
}

/** Applies a diagnostic's suggested fix as one step. */
export function applyFix(fix: Fix): void {
  const state = useEditor.getState();
  if (state.dispatch(fix.commands)) state.showToast('success', translate('canvas.applied', { fix: fixLabel(fix) }));
}
