/**
 * The peer of `npm run bench:ui` (scripts/bench-ui.js builds it with vite next to the app): bare React Flow with
 * its default nodes and edges, controlled state as in React Flow's own examples, no custom styling. The bench hands
 * it the same graph the app shows (node positions and edges) and the size of the app's canvas, then pans it the same
 * way: what React Flow itself costs for that many elements in the same browser.
 */
import { ReactFlow, ReactFlowProvider, useEdgesState, useNodesState, useReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect } from 'react';
import { createRoot } from 'react-dom/client';

/** What the bench passes: the graph as the app's document has it, and the app canvas's size in CSS pixels. */
export interface PeerGraph {
  nodes: { id: string; name: string; position: { x: number; y: number } }[];
  edges: { id: string; source: { node: string }; target: { node: string } }[];
  width: number;
  height: number;
}

declare global {
  interface Window {
    /** Loads a graph, then resolves once React Flow has fitted it in view and painted. */
    __peer?: { load(graph: PeerGraph): Promise<void> };
  }
}

function Peer({ graph, onReady }: { graph: PeerGraph; onReady: () => void }) {
  const [nodes, , onNodesChange] = useNodesState<Node>(graph.nodes.map((n) => ({ id: n.id, position: n.position, data: { label: n.name } })));
  const [edges, , onEdgesChange] = useEdgesState<Edge>(graph.edges.map((e) => ({ id: e.id, source: e.source.node, target: e.target.node })));
  const flow = useReactFlow();
  useEffect(() => {
    // Nodes are measured a frame after they mount; fit once they are, as the app's fit-view button does.
    const id = requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        void flow.fitView({ padding: 0.15, maxZoom: 1.1 }).then(() => requestAnimationFrame(onReady));
      }),
    );
    return () => cancelAnimationFrame(id);
  }, [flow, onReady]);
  return (
    <div style={{ width: graph.width, height: graph.height }}>
      <ReactFlow nodes={nodes} edges={edges} onNodesChange={onNodesChange} onEdgesChange={onEdgesChange} minZoom={0.05} maxZoom={2.5} />
    </div>
  );
}

const root = createRoot(document.getElementById('root')!);
let loads = 0;
window.__peer = {
  load: (graph) =>
    new Promise<void>((resolve) => {
      loads += 1; // a fresh provider per load: nothing carries over from the last graph
      root.render(
        <ReactFlowProvider key={loads}>
          <Peer graph={graph} onReady={resolve} />
        </ReactFlowProvider>,
      );
    }),
};
