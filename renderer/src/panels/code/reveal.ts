/**
 * Bringing a node that the code panel points at into view beside the drawer: it is selected (an inner node of an
 * expanded block cannot be, so its block is) and centred in the part of the canvas the drawer leaves visible,
 * not under the drawer.
 */
import type { ReactFlowInstance } from '@xyflow/react';
import { useEditor } from '../../store';
import { useCodePanel } from './code-store';

/** The smallest zoom a revealed node is shown at (readable labels). */
const MIN_REVEAL_ZOOM = 0.6;

/** Selects `id` (or its block) and centres it left of the drawer whose width is `drawerWidth` screen pixels. */
export function revealNode(flow: Pick<ReactFlowInstance, 'getInternalNode' | 'getZoom' | 'setCenter'>, id: string, drawerWidth: number): void {
  const state = useEditor.getState();
  const block = id.split('/')[0];
  const selectable = id.includes('/') ? block : id;
  state.setSelection([selectable]);
  state.setRightTab('inspector');
  useCodePanel.setState({ lineNode: id });
  const node = flow.getInternalNode(id) ?? flow.getInternalNode(selectable);
  if (!node) return;
  const zoom = Math.max(flow.getZoom(), MIN_REVEAL_ZOOM);
  const { x, y } = node.internals.positionAbsolute;
  const cx = x + (node.measured.width ?? 0) / 2;
  const cy = y + (node.measured.height ?? 0) / 2;
  // setCenter puts (cx, cy) in the middle of the whole canvas; shifting by half the drawer centres it in what is visible.
  void flow.setCenter(cx + drawerWidth / 2 / zoom, cy, { zoom, duration: 300 });
}

/** The source-map ranges to highlight for the selection: a node's own, an expanded block's inner ones (all, or the one clicked). */
export function highlightIds(selection: readonly string[], mapIds: readonly string[], lineNode: string | null): string[] {
  const out: string[] = [];
  for (const id of selection) {
    if (mapIds.includes(id)) out.push(id);
    else if (lineNode?.startsWith(`${id}/`) && mapIds.includes(lineNode)) out.push(lineNode);
    else out.push(...mapIds.filter((k) => k.startsWith(`${id}/`)));
  }
  return out;
}
