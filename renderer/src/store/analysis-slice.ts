/** The latest analysis of the document (shapes, costs, receptive fields, diagnostics), computed off the input path. */
import type { StateCreator } from 'zustand';
import type { EditorAnalysis, MetricRange } from '../analysis/delta';
import type { DesignAnalysis, DesignDocument, Shape } from '../engine';
import type { EditorState } from './index';

export type { MetricRange } from '../analysis/delta';

/** How bad a marked node or edge is. */
export type Severity = 'error' | 'warning';

/** Analysis state. */
export interface AnalysisSlice {
  /** Without its `flat` graph (see `editorView` in analysis/delta.ts). */
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
  /**
   * Stores an analysis of `doc`. Callers merge new results into the previous ones (`mergeAnalysis`), so unchanged
   * nodes keep their objects and their canvas nodes do not re-render.
   */
  setAnalysis(doc: DesignDocument, view: EditorAnalysis, ms: number): void;
}

type Issues = Record<string, Severity>;

/** The worst severity per node and per edge; the issue maps, keeping the previous objects when nothing changed (most edits), so no node or edge re-renders. */
export function issuesOf(diagnostics: DesignAnalysis['diagnostics'], prevNodes: Issues, prevEdges: Issues): { nodeIssues: Issues; edgeIssues: Issues } {
  const nodeIssues: Issues = {};
  const edgeIssues: Issues = {};
  for (const d of diagnostics) {
    if (d.severity === 'info') continue;
    const sev: Severity = d.severity === 'error' ? 'error' : 'warning';
    if (d.nodeId && nodeIssues[d.nodeId] !== 'error') nodeIssues[d.nodeId] = sev;
    if (d.edgeId && edgeIssues[d.edgeId] !== 'error') edgeIssues[d.edgeId] = sev;
  }
  const same = (a: Issues, b: Issues) => {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
  };
  return { nodeIssues: same(nodeIssues, prevNodes) ? prevNodes : nodeIssues, edgeIssues: same(edgeIssues, prevEdges) ? prevEdges : edgeIssues };
}

export const createAnalysisSlice: StateCreator<EditorState, [], [], AnalysisSlice> = (set, get) => ({
  analysis: null,
  analyzedDoc: null,
  metricRange: { params: 1, macs: 1, rf: 1 },
  analysisMs: 0,
  nodeIssues: {},
  edgeIssues: {},
  flatShapes: {},
  setAnalysis(doc, view, analysisMs) {
    const prev = get();
    set({
      analysis: view.analysis,
      analyzedDoc: doc,
      metricRange: view.metricRange,
      flatShapes: view.flatShapes,
      analysisMs,
      ...issuesOf(view.analysis.diagnostics, prev.nodeIssues, prev.edgeIssues),
    });
  },
});
