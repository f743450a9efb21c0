/**
 * Level of detail on the canvas. Below `DETAIL_ZOOM` a block's text is a few pixels high and unreadable, so nodes
 * draw as plain coloured boxes (no text, no visible ports) and wires lose their shape labels: a 1,000-node design at
 * fit view then paints about as much as bare React Flow. The canvas reads the zoom once, as a boolean, so nodes
 * re-render only when the zoom crosses the threshold, never on every pan or zoom step.
 */
import type { ReactFlowState } from '@xyflow/react';
import { createContext, useContext } from 'react';

/** The zoom below which nodes are drawn in their simple form. */
export const DETAIL_ZOOM = 0.4;

/** React Flow store selector: whether the canvas is zoomed out past `DETAIL_ZOOM`. */
export const selectZoomedOut = (s: ReactFlowState): boolean => s.transform[2] < DETAIL_ZOOM;

/** Provided by the canvas (true: zoomed out, draw simple forms). */
export const ZoomedOutContext = createContext(false);

/** Whether nodes and edges should draw their simple, zoomed-out form. */
export function useZoomedOut(): boolean {
  return useContext(ZoomedOutContext);
}
