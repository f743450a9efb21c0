/**
 * Keyboard-first editing actions: each turns a key into engine commands or a selection change (one dispatch = one
 * undo step). The rules themselves (where an arrow goes, how a block is wired in) are the pure functions of
 * keyboard-nav.ts; these only read the store and dispatch.
 */
import { defaultName, freshId, performCommand } from '../engine';
import { t } from '../i18n';
import { useEditor } from '../store';
import { viewDoc } from '../store/scope';
import { deleteSelection, resolveBlockPayload } from './actions';
import { useAnnotationEditing } from './annotation-nodes';
import { insertAfterCommands, neighbourAlongWires, type NavDirection } from './keyboard-nav';

/** The one node the keyboard acts on: the last selected node, if any. */
function selectedNode(): string | null {
  const { doc, selection } = useEditor.getState();
  for (let i = selection.length - 1; i >= 0; i--) if (doc.nodes.some((n) => n.id === selection[i])) return selection[i];
  return null;
}

/** Brings `nodeId` into view (after React Flow has drawn it) only when it is off screen, so arrows do not jump the view. */
function reveal(nodeId: string): void {
  let frames = 0;
  const check = () => {
    const el = document.querySelector(`.react-flow__node[data-id="${CSS.escape(nodeId)}"]`);
    const pane = document.querySelector('.ll-canvas');
    // A node just added reaches the screen a few frames later (flow nodes are built in an effect, then measured).
    if ((!el || !el.getBoundingClientRect().width) && ++frames < 30) return void requestAnimationFrame(check);
    if (!el || !pane) return;
    const r = el.getBoundingClientRect();
    const p = pane.getBoundingClientRect();
    const inside = r.left >= p.left && r.right <= p.right && r.top >= p.top && r.bottom <= p.bottom;
    // Only while it is still the selection: a key pressed since then has moved on, and focusNode selects.
    if (!inside && useEditor.getState().selection.includes(nodeId)) useEditor.getState().focusNode(nodeId);
  };
  requestAnimationFrame(check);
}

/**
 * Inserts a block (a catalogue type, or `Composite:<id>` for a linked use of a user-defined block) after the selected
 * node and wires it (or adds it at `fallback` with nothing selected); selects the new node. Returns its id, or null when refused (the reason is shown).
 */
export function insertAfterSelection(payload: string, fallback: { x: number; y: number }): string | null {
  const state = useEditor.getState();
  const block = resolveBlockPayload(payload);
  if ('error' in block) {
    state.showToast('error', t('canvas.insert.cannot', { reason: block.error }));
    return null;
  }
  const id = freshId(viewDoc(state), defaultName(block.type));
  const plan = insertAfterCommands(viewDoc(state), selectedNode(), block.type, id, block.params, fallback, block.name);
  if (!plan.ok) {
    state.showToast('error', t('canvas.insert.cannot', { reason: plan.reason }));
    return null;
  }
  if (!state.dispatch(plan.commands)) return null;
  state.setSelection([id]);
  reveal(id);
  return id;
}

/** Moves the selection along the wires; with nothing selected, selects the first node. */
export function moveSelection(direction: NavDirection): void {
  const state = useEditor.getState();
  const current = selectedNode();
  const next = current ? neighbourAlongWires(viewDoc(state), current, direction) : viewDoc(state).nodes[0]?.id ?? null;
  if (!next) return;
  state.setSelection([next]);
  reveal(next);
}

/** Focuses the first parameter of the selected node in the inspector (its name when it has none); a selected note or frame: its text. */
export function editFirstParam(): boolean {
  const state = useEditor.getState();
  const last = state.selection[state.selection.length - 1];
  if (last && viewDoc(state).annotations.some((a) => a.id === last)) {
    useAnnotationEditing.setState({ id: last });
    return true;
  }
  if (!selectedNode()) return false;
  state.setRightTab('inspector');
  // The inspector renders the selected node on the next frame when its tab was hidden.
  requestAnimationFrame(() => {
    const inspector = document.querySelector('[data-testid="inspector"]');
    const field = inspector?.querySelector<HTMLElement>('.ll-fields input, .ll-fields select, .ll-fields button')
      ?? inspector?.querySelector<HTMLElement>('[data-testid="inspector-name"]');
    field?.focus();
    if (field instanceof HTMLInputElement) field.select();
  });
  return true;
}

/**
 * Delete: one selected node with exactly one wire in and one out is removed and its neighbours joined
 * (`removeNodeBridging`); when the engine refuses the bridge, the node is removed alone and the reason shown.
 * Anything else deletes the selection as before.
 */
export function deleteSelectionBridging(): void {
  const state = useEditor.getState();
  const annotationIds = state.selection.filter((id) => viewDoc(state).annotations.some((a) => a.id === id));
  if (annotationIds.length) {
    // Notes and frames go with the rest of the selection, in one step.
    const nodes = state.selection.filter((id) => viewDoc(state).nodes.some((n) => n.id === id));
    const edges = state.selectedEdges.filter((id) => viewDoc(state).edges.some((e) => e.id === id));
    state.dispatch([
      { kind: 'removeAnnotation', ids: annotationIds },
      ...(edges.length ? [{ kind: 'removeEdges' as const, edgeIds: edges }] : []),
      ...(nodes.length ? [{ kind: 'removeNodes' as const, nodeIds: nodes }] : []),
    ]);
    state.setSelection([]);
    return;
  }
  const nodeIds = state.selection.filter((id) => viewDoc(state).nodes.some((n) => n.id === id));
  const passThrough = nodeIds.length === 1 && !state.selectedEdges.length
    && viewDoc(state).edges.filter((e) => e.target.node === nodeIds[0]).length === 1
    && viewDoc(state).edges.filter((e) => e.source.node === nodeIds[0]).length === 1;
  if (!passThrough) return deleteSelection();
  const [nodeId] = nodeIds;
  const bridging = { kind: 'removeNodeBridging' as const, nodeId };
  try {
    performCommand(viewDoc(state), bridging);
  } catch (err) {
    deleteSelection();
    state.showToast('info', t('canvas.notReconnected', { reason: (err as Error).message }));
    return;
  }
  const target = viewDoc(state).edges.find((e) => e.source.node === nodeId)!.target.node;
  if (state.dispatch(bridging)) state.setSelection([target]);
}
