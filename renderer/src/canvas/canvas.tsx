/** The node-graph canvas: React Flow driven by the document; every gesture becomes an engine command. */
import {
  Background,
  BackgroundVariant,
  MiniMap,
  ReactFlow,
  applyEdgeChanges,
  applyNodeChanges,
  useReactFlow,
  useStore,
  type Connection,
  type EdgeChange,
  type FinalConnectionState,
  type FitViewOptions,
  type IsValidConnection,
  type NodeChange,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { canConnect, frameContents, getBlock, type DesignDocument } from '../engine';
import { t as translate } from '../i18n';
import { connectRefusalText } from '../i18n/messages';
import { useEditor } from '../store';
import { canvasAnalysis, viewDoc } from '../store/scope';
import { Icon } from '../ui/icons';
import { addBlock, connectPorts } from './actions';
import { FrameNode, NoteNode } from './annotation-nodes';
import { AnnotationTools } from './annotation-tools';
import { BlockNode } from './block-node';
import { ZoomedOutContext, selectZoomedOut } from './detail';
import { expandedViews } from './expand-view';
import { GroupNode } from './group-node';
import { HeatLegend } from './heat-legend';
import { InnerNode } from './inner-node';
import { NODE_W } from './layout';
import { ScopeBar } from './scope-bar';
import { ShapeEdge } from './shape-edge';
import { toFlowEdges, toFlowNodes, type FlowEdge, type FlowNode } from './to-flow';

const nodeTypes = { block: BlockNode, composite: GroupNode, inner: InnerNode, note: NoteNode, frame: FrameNode };
const edgeTypes = { shape: ShapeEdge };
/** The drag payload type of palette items. */
export const BLOCK_MIME = 'application/x-layerloom-block';
/** Constant props of React Flow and the minimap: new objects every render would make them update their stores. */
const PRO_OPTIONS = { hideAttribution: true };
const MULTI_SELECT_KEYS = ['Meta', 'Control', 'Shift'];
const DEFAULT_EDGE_OPTIONS = { type: 'shape' };
const minimapColor = (n: FlowNode) => (n.type === 'inner' || n.type === 'frame' || n.type === 'note' ? 'transparent' : 'var(--minimap-node)');
/** Above this many nodes only what is on screen is rendered. */
const VIRTUALIZE_ABOVE = 300;

/** Below this zoom text is unreadable: a tall design is shown from its top at a readable zoom instead. */
const READABLE_ZOOM = 0.55;

/** An opened composite's breadcrumb bar covers the top of the canvas (0 when none is open). */
function scopeBarHeight(): number {
  return document.querySelector('.ll-scopebar')?.getBoundingClientRect().height ?? 0;
}

/** Fit-view padding that keeps every block below the breadcrumb bar of an opened composite. */
export function fitPadding(): NonNullable<FitViewOptions['padding']> {
  const top = scopeBarHeight();
  return top ? { top: `${Math.round(top + 24)}px`, bottom: '5%', left: '8%', right: '8%' } : 0.15;
}

/**
 * Fits the design in view; when that would make it unreadably small (a 50-layer chain), shows its top at a
 * readable zoom instead, centred horizontally. The fit-view button still fits everything.
 */
function readableFit(flow: ReturnType<typeof useReactFlow<FlowNode, FlowEdge>>): void {
  const nodes = flow.getNodes().filter((n) => !n.parentId);
  if (!nodes.length) return;
  const bounds = flow.getNodesBounds(nodes);
  const pane = document.querySelector('.ll-canvas')?.getBoundingClientRect();
  if (!pane) return;
  const top = scopeBarHeight();
  const zoom = Math.min(pane.width / (bounds.width * 1.15), (pane.height - top) / (bounds.height * 1.15));
  if (zoom >= READABLE_ZOOM) {
    void flow.fitView({ padding: fitPadding(), duration: 200, maxZoom: 1.1 });
    return;
  }
  const z = Math.min(0.85, Math.max(READABLE_ZOOM, pane.width / (bounds.width * 1.15)));
  void flow.setViewport({ x: pane.width / 2 - (bounds.x + bounds.width / 2) * z, y: 48 + top - bounds.y * z, zoom: z }, { duration: 200 });
}

function EmptyState() {
  const { t } = useTranslation();
  return (
    <div className="ll-emptystate">
      <div className="ll-emptystate__card">
        <Icon name="layers" size={22} />
        <h2>{t('canvas.emptyTitle')}</h2>
        <p>{t('canvas.emptyText')}</p>
        <button className="ll-button is-primary" onClick={() => useEditor.getState().setGalleryOpen(true)} data-testid="empty-templates">
          <Icon name="grid" size={14} /> {t('gallery.title')}
        </button>
      </div>
    </div>
  );
}

/** Live position changes for what a frame dragged on its own carries (see the engine's `frameContents`). */
function frameDragPreview(doc: DesignDocument, changes: NodeChange<FlowNode>[]): NodeChange<FlowNode>[] {
  const moving = changes.filter((c) => c.type === 'position' && c.dragging && c.position);
  const drag = moving.length === 1 && moving[0].type === 'position' ? moving[0] : null;
  const frame = drag && doc.annotations.find((a) => a.id === drag.id && a.kind === 'frame');
  if (!drag?.position || !frame) return [];
  const dx = drag.position.x - frame.position.x;
  const dy = drag.position.y - frame.position.y;
  const at = new Map([...doc.nodes, ...doc.annotations].map((n) => [n.id, n.position]));
  return frameContents(doc, frame.id).map((id) => ({ type: 'position', id, position: { x: at.get(id)!.x + dx, y: at.get(id)!.y + dy }, dragging: true }));
}

/** The canvas; must sit inside a `ReactFlowProvider`. */
export function Canvas() {
  const doc = useEditor((s) => viewDoc(s));
  // Expanded composites depend on the shapes feeding them; the selector returns the same map while those views are
  // unchanged, so a new analysis (every edit) does not re-render the canvas and React Flow, only the nodes it changes.
  const views = useEditor((s) => expandedViews(viewDoc(s), canvasAnalysis(s).analysis));
  const { selection, selectedEdges } = useEditor(useShallow((s) => ({ selection: s.selection, selectedEdges: s.selectedEdges })));
  const { fitSeq, focus, theme } = useEditor(useShallow((s) => ({ fitSeq: s.fitSeq, focus: s.focus, theme: s.theme })));
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const [nodes, setNodes] = useState<FlowNode[]>([]);
  const [edges, setEdges] = useState<FlowEdge[]>([]);
  const selSet = useMemo(() => new Set(selection), [selection]);
  const edgeSelSet = useMemo(() => new Set(selectedEdges), [selectedEdges]);

  useEffect(() => setNodes((prev) => toFlowNodes(doc, selSet, views, prev)), [doc, selSet, views]);
  useEffect(() => setEdges((prev) => toFlowEdges(doc, edgeSelSet, views, prev)), [doc, edgeSelSet, views]);

  useEffect(() => {
    if (fitSeq === 0) return;
    // A freshly loaded document reaches React Flow a render or two later (its nodes are built in an effect, and a big
    // design takes a while): wait until its first and last nodes are there, then a frame so they are measured.
    let id = 0;
    let frames = 0;
    const arrived = () => {
      const { nodes } = viewDoc(useEditor.getState());
      return !nodes.length || (!!flow.getNode(nodes[0].id) && !!flow.getNode(nodes[nodes.length - 1].id));
    };
    const wait = () => {
      frames += 1;
      id = requestAnimationFrame(arrived() || frames > 60 ? () => readableFit(flow) : wait);
    };
    id = requestAnimationFrame(wait);
    return () => cancelAnimationFrame(id);
  }, [fitSeq, flow]);

  useEffect(() => {
    if (!focus) return;
    // Wait for the node (or an expanded frame) to be measured, then bring it into view at a readable zoom.
    const id = requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        if (!flow.getInternalNode(focus.nodeId)) return;
        void flow.fitView({ nodes: [{ id: focus.nodeId }], padding: 0.25, duration: 300, maxZoom: Math.max(flow.getZoom(), 1), minZoom: 0.35 });
      }),
    );
    return () => cancelAnimationFrame(id);
  }, [focus, flow]);

  const big = doc.nodes.length > VIRTUALIZE_ABOVE;
  // A boolean: the canvas (and through the context, every node) re-renders only when the zoom crosses the threshold.
  const zoomedOut = useStore(selectZoomedOut);
  const [dragging, setDragging] = useState(false);
  const minimapVisible = useEditor((s) => s.minimapVisible);
  const onNodesChange = useCallback((changes: NodeChange<FlowNode>[]) => {
    // A frame being dragged alone shows its contents moving with it; the document changes once, at the drop.
    const preview = frameDragPreview(viewDoc(useEditor.getState()), changes);
    setNodes((nds) => applyNodeChanges(preview.length ? [...changes, ...preview] : changes, nds));
    for (const c of changes) if (c.type === 'position') setDragging(!!c.dragging);
    const state = useEditor.getState();
    const moves: { nodeId: string; position: { x: number; y: number } }[] = [];
    let selectionChanged = false;
    const sel = new Set(state.selection);
    for (const c of changes) {
      if (c.type === 'position' && c.dragging === false && c.position) moves.push({ nodeId: c.id, position: c.position });
      if (c.type === 'select') {
        selectionChanged = true;
        if (c.selected) sel.add(c.id);
        else sel.delete(c.id);
      }
    }
    // Notes and frames move by their own command; a dragged frame carries the blocks inside it.
    const notes = new Map((viewDoc(state).annotations ?? []).map((a) => [a.id, a]));
    const blockMoves = moves.filter((m) => !notes.has(m.nodeId));
    // Dragged together with blocks, a frame does not carry its contents again (they are moved already).
    const annotationMoves = moves
      .filter((m) => notes.has(m.nodeId))
      .map((m) => ({ kind: 'moveAnnotation' as const, id: m.nodeId, position: m.position, moveContents: !blockMoves.length && notes.get(m.nodeId)!.kind === 'frame' }));
    if (blockMoves.length || annotationMoves.length) state.dispatch([...(blockMoves.length ? [{ kind: 'moveNodes' as const, moves: blockMoves }] : []), ...annotationMoves]);
    if (selectionChanged) state.setSelection([...sel], state.selectedEdges);
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange<FlowEdge>[]) => {
    setEdges((eds) => applyEdgeChanges(changes, eds));
    const state = useEditor.getState();
    const sel = new Set(state.selectedEdges);
    let changed = false;
    for (const c of changes) {
      if (c.type !== 'select') continue;
      changed = true;
      if (c.selected) sel.add(c.id);
      else sel.delete(c.id);
    }
    if (changed) state.setSelection(state.selection, [...sel]);
  }, []);

  const lastRefusal = useRef<string | null>(null);
  // While a wire is being drawn over a port that refuses it, the reason shows live at the top of the canvas.
  const [liveHint, setLiveHint] = useState<string | null>(null);
  const isValidConnection: IsValidConnection = useCallback((c) => {
    const verdict = canConnect(viewDoc(useEditor.getState()), c as Connection);
    lastRefusal.current = verdict.ok ? null : connectRefusalText(verdict);
    setLiveHint(lastRefusal.current);
    return verdict.ok;
  }, []);
  const onConnect = useCallback((c: Connection) => {
    connectPorts(c);
  }, []);
  const onConnectEnd = useCallback((_e: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    if (state.toNode && !state.isValid && lastRefusal.current) useEditor.getState().showToast('error', translate('canvas.refused', { reason: lastRefusal.current }));
    lastRefusal.current = null;
    setLiveHint(null);
  }, []);

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(BLOCK_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }, []);
  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(BLOCK_MIME);
      if (!type) return;
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      addBlock(type, { x: Math.round(p.x - NODE_W / 2), y: Math.round(p.y - 20) });
    },
    [flow],
  );

  const onPaneClick = useCallback(() => useEditor.getState().setSelection([]), []);
  // Double-clicking a composite opens it as its own canvas (an inner block of an expanded one opens its composite).
  const onNodeDoubleClick = useCallback((_e: unknown, n: FlowNode) => {
    const id = n.type === 'inner' ? n.data.compositeId : n.id;
    const node = viewDoc(useEditor.getState()).nodes.find((x) => x.id === id);
    if (node && getBlock(node.type)?.kind === 'composite') useEditor.getState().enterScope(id);
  }, []);
  const inScope = useEditor((s) => s.scope.length > 0);

  return (
    <div className={`ll-canvas${zoomedOut ? ' is-zoomed-out' : ''}${inScope ? ' is-scope' : ''}`} data-testid="canvas">
      <ZoomedOutContext.Provider value={zoomedOut}>
        <ReactFlow<FlowNode, FlowEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onConnectEnd={onConnectEnd}
          isValidConnection={isValidConnection}
          onDragOver={onDragOver}
          onDrop={onDrop}
          onPaneClick={onPaneClick}
          onNodeDoubleClick={onNodeDoubleClick}
          zoomOnDoubleClick={false}
          colorMode={theme}
          deleteKeyCode={null}
          // Space opens the quick-add palette (keyboard-editing.ts); the pane still pans by dragging.
          panActivationKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={MULTI_SELECT_KEYS}
          minZoom={0.05}
          maxZoom={2.5}
          // Zoomed out, nodes are plain boxes and most of them are on screen: rendering all of them is cheaper than
          // mounting and unmounting those that cross the edge on every pan frame.
          onlyRenderVisibleElements={big && !zoomedOut}
          proOptions={PRO_OPTIONS}
          defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
          connectionRadius={28}
        >
          {/* Zoomed out, the dot grid is a sub-pixel pattern: invisible, yet rasterized over the whole pane every frame. */}
          {!zoomedOut && <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="var(--grid-dot)" />}
          {/* Above VIRTUALIZE_ABOVE nodes the minimap's per-node subscriptions cost a frame while dragging: a
              1,000-node design keeps its minimap only while nothing is being dragged. */}
          {minimapVisible && (!big || !dragging) && <MiniMap
            pannable
            zoomable
            className="ll-minimap"
            nodeColor={minimapColor}
            nodeStrokeWidth={0}
            nodeBorderRadius={6}
            maskColor="var(--minimap-mask)"
          />}
        </ReactFlow>
      </ZoomedOutContext.Provider>
      <HeatLegend />
      {/* Notes and frames belong to the design's canvas, not to a composite's inside. */}
      {!inScope && <AnnotationTools />}
      <ScopeBar />
      {liveHint && (
        <div className="ll-livehint" role="status">
          <Icon name="x" size={12} /> {liveHint}
        </div>
      )}
      {doc.nodes.length === 0 && <EmptyState />}
    </div>
  );
}
