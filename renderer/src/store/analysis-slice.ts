/** The latest analysis of the document (shapes, costs, receptive fields, diagnostics), computed off the input path. */
import type { StateCreator } from 'zustand';
import type { DesignAnalysis, DesignDocument, NodeAnalysis, Shape } from '../engine';
import type { EditorState } from './index';

/** How bad a marked node or edge is. */
export type Severity = 'error' | 'warning';

/** Largest per-node metric values, for the colour scale. */
export interface MetricRange {
  params: number;
  macs: number;
  rf: number;
}

/** Analysis state. */
export interface AnalysisSlice {
  analysis: DesignAnalysis | null;
  /** The document the current analysis describes (it may lag the live document by one edit). */
  analyzedDoc: DesignDocument | null;
  metricRange: MetricRange;
  /** Analysis time of the last run in ms, shown in the status bar. */
  analysisMs: number;
  /** Worst diagnostic severity per node and per edge, for marking them on the canvas. */
  nodeIssues: Record<string, Severity>;
  edgeIssues: Record<string, Severity>;
  /** Output shapes of the expanded graph's layers by flat id (`<composite>/<inner>`), for expanded composites. */
  flatShapes: Record<string, Shape>;
  /** Stores an analysis (its `flat` graph is not kept: see `forEditor`) and the inner layers' shapes. */
  setAnalysis(doc: DesignDocument, analysis: DesignAnalysis, ms: number, flatShapes?: Record<string, Shape>): void;
}

function rangeOf(analysis: DesignAnalysis): MetricRange {
  const range: MetricRange = { params: 1, macs: 1, rf: 1 };
  for (const node of Object.values(analysis.nodes)) {
    range.params = Math.max(range.params, node.params.trainable + node.params.nonTrainable);
    range.macs = Math.max(range.macs, node.macs);
    if (node.receptiveField) range.rf = Math.max(range.rf, ...node.receptiveField.size);
  }
  return range;
}

function sameNode(a: NodeAnalysis, b: NodeAnalysis): boolean {
  const shape = (s: NodeAnalysis['outputShape']) => (s ? s.join('x') : '');
  const rf = (r: NodeAnalysis['receptiveField']) => (r ? `${r.size}|${r.stride}|${r.padding}` : '');
  return (
    shape(a.outputShape) === shape(b.outputShape) &&
    a.params.trainable === b.params.trainable &&
    a.params.nonTrainable === b.params.nonTrainable &&
    a.macs === b.macs &&
    a.memory.activationBytes === b.memory.activationBytes &&
    rf(a.receptiveField) === rf(b.receptiveField)
  );
}

function keepUnchanged(prev: DesignAnalysis | null, next: DesignAnalysis): DesignAnalysis {
  if (!prev) return next;
  const nodes: Record<string, NodeAnalysis> = {};
  for (const [id, n] of Object.entries(next.nodes)) {
    const old = prev.nodes[id];
    nodes[id] = old && sameNode(old, n) ? old : n;
  }
  const edges: DesignAnalysis['edges'] = {};
  for (const [id, e] of Object.entries(next.edges)) {
    const old = prev.edges[id];
    edges[id] = old && (old.shape ?? []).join('x') === (e.shape ?? []).join('x') && !old.shape === !e.shape ? old : e;
  }
  return { ...next, nodes, edges };
}

export const createAnalysisSlice: StateCreator<EditorState, [], [], AnalysisSlice> = (set, get) => ({
  analysis: null,
  analyzedDoc: null,
  metricRange: { params: 1, macs: 1, rf: 1 },
  analysisMs: 0,
  nodeIssues: {},
  edgeIssues: {},
  flatShapes: {},
  setAnalysis(doc, fresh, analysisMs, flatShapes = {}) {
    // Keep the previous object of every node whose figures did not change, so its canvas node does not re-render
    // (results from the worker are structured clones: new objects every time).
    const analysis = keepUnchanged(get().analysis, fresh);
    const nodeIssues: Record<string, Severity> = {};
    const edgeIssues: Record<string, Severity> = {};
    for (const d of analysis.diagnostics) {
      const sev: Severity = d.severity === 'error' ? 'error' : 'warning';
      if (d.severity === 'info') continue;
      if (d.nodeId && nodeIssues[d.nodeId] !== 'error') nodeIssues[d.nodeId] = sev;
      if (d.edgeId && edgeIssues[d.edgeId] !== 'error') edgeIssues[d.edgeId] = sev;
    }
    set({ analysis, analyzedDoc: doc, metricRange: rangeOf(analysis), analysisMs, nodeIssues, edgeIssues, flatShapes });
  },
});
