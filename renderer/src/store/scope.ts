/**
 * Which canvas the editor shows: the design itself, or the inside of a composite opened for editing (a path of
 * node ids, one per level: design ▸ conv2_block1 ▸ ...). The canvas, the inspector and the editing actions read
 * the document they edit through `viewDoc`; `dispatch` wraps their commands for the open scope (see
 * `scopedCommand` in the engine), so every edit is one step of the document's one history.
 */
import { editorView } from '../analysis/delta';
import { analyzeDesign, composeFields, createAnalyzer, openScopePath, type DesignAnalysis, type DesignDocument, type EditCommand, type ReceptiveField, type ScopeLevel, type Shape } from '../engine';
import { issuesOf, type Severity } from './analysis-slice';

/** What a scope path opens to in a document. */
export interface ScopeView {
  /** The levels that could be opened (a prefix of the path when a node is gone, e.g. after an undo). */
  levels: ScopeLevel[];
  /** The document the canvas edits: the design, or the innermost scope document. */
  doc: DesignDocument;
  /** Ids of the innermost scope's boundary nodes (the composite's own ports): fixed, not editable. */
  boundary: ReadonlySet<string>;
}

const NO_BOUNDARY: ReadonlySet<string> = new Set();
let last: { doc: DesignDocument; scope: readonly string[]; view: ScopeView } | null = null;

/** The view of `scope` in `doc` (memoized on both objects, so selectors can call it on every render). */
export function scopeView(doc: DesignDocument, scope: readonly string[]): ScopeView {
  if (last && last.doc === doc && last.scope === scope) return last.view;
  let view: ScopeView;
  if (!scope.length) view = { levels: [], doc, boundary: NO_BOUNDARY };
  else {
    const levels = openScopePath(doc, scope);
    const inner = levels[levels.length - 1]?.opened;
    view = inner
      ? { levels, doc: inner.doc, boundary: new Set([...inner.boundary.inputs.map((b) => b.id), inner.boundary.output]) }
      : { levels, doc, boundary: NO_BOUNDARY };
  }
  last = { doc, scope, view };
  return view;
}

/** The document the canvas shows and edits (the design at the top level). */
export function viewDoc(s: { doc: DesignDocument; scope: readonly string[] }): DesignDocument {
  return scopeView(s.doc, s.scope).doc;
}

/** Commands that edit the graph on the canvas; inside a composite they apply to its inside. Others (training, search, notes) stay document-wide. */
const GRAPH_COMMANDS = new Set<EditCommand['kind']>([
  'addNode', 'removeNodes', 'removeEdges', 'removeNodeBridging', 'moveNodes', 'connect', 'setParams', 'renameNode',
  'insertOnEdge', 'duplicateNodes', 'makeComposite', 'setCollapsed', 'editComposite',
]);

/** Whether a command edits the graph of the canvas it was made on. */
export function isGraphCommand(c: EditCommand): boolean {
  return GRAPH_COMMANDS.has(c.kind);
}

/** What the canvas shows of an analysis: per node and edge figures, the worst issue of each, inner shapes of expanded composites. */
export interface CanvasAnalysis {
  analysis: DesignAnalysis | null;
  nodeIssues: Record<string, Severity>;
  edgeIssues: Record<string, Severity>;
  flatShapes: Record<string, Shape>;
}

type CanvasState = CanvasAnalysis & { doc: DesignDocument; scope: readonly string[] };

const scopeAnalyzer = createAnalyzer();
let lastScoped: { doc: DesignDocument; result: CanvasAnalysis } | null = null;

/**
 * The analysis the canvas shows: the design's (kept by the analysis runner), or inside a composite the analysis
 * of its scope document, whose boundary inputs carry the shapes the composite receives where it is used. A scope
 * holds one composite's layers, so it is analysed here, incrementally, once per document change.
 */
export function canvasAnalysis(s: CanvasState): CanvasAnalysis {
  if (!s.scope.length) return s;
  const doc = viewDoc(s);
  if (doc === s.doc) return s;
  if (lastScoped?.doc === doc) return lastScoped.result;
  const view = editorView(scopeAnalyzer.update(doc));
  const prev = lastScoped?.result;
  const issues = issuesOf(view.analysis.diagnostics, prev?.nodeIssues ?? {}, prev?.edgeIssues ?? {});
  lastScoped = { doc, result: { analysis: view.analysis, flatShapes: view.flatShapes, ...issues } };
  return lastScoped.result;
}

/** Analyses of the documents of scopes above the open one (only nested scopes need them), by document. */
const levelAnalyses = new WeakMap<DesignDocument, DesignAnalysis>();

/**
 * The receptive field, measured from the design's input, of the input of the innermost composite on `path` (where
 * it is used; the largest field when it has several inputs), or null when there is none (not an image, or a node
 * of the path is gone). Composed level by level: each composite's input field within its parent's inside.
 */
export function blockInputField(doc: DesignDocument, analysis: DesignAnalysis | null, path: readonly string[]): ReceptiveField | null {
  const levels = openScopePath(doc, path);
  if (!analysis || !path.length || levels.length !== path.length) return null;
  let field: ReceptiveField | null = null;
  let current = doc;
  let a = analysis;
  for (const [i, level] of levels.entries()) {
    let largest: ReceptiveField | null = null;
    for (const e of current.edges) {
      const f = e.target.node === path[i] ? a.nodes[e.source.node]?.receptiveField : null;
      if (f && (!largest || f.size[0] * f.size[1] > largest.size[0] * largest.size[1])) largest = f;
    }
    if (!largest) return null;
    field = field ? composeFields(field, largest) : largest;
    current = level.opened.doc;
    if (i + 1 < levels.length) {
      const known = levelAnalyses.get(current);
      a = known ?? analyzeDesign(current);
      if (!known) levelAnalyses.set(current, a);
    }
  }
  return field;
}

/** An inner layer of a composite expanded on the current canvas, opened for the inspector. */
export interface InnerSelection {
  /** The composite scope the layer is in: the canvas' scope plus the expanded composite. */
  path: string[];
  /** The layer, as a node of that scope's document. */
  node: DesignDocument['nodes'][number];
  /** The scope document's analysis (the layer's shapes where the composite is used). */
  analysis: DesignAnalysis;
}

let lastInner: { doc: DesignDocument; scope: readonly string[]; id: string; result: InnerSelection | null } | null = null;

/**
 * The selected inner layer of an expanded composite (its flow id is `<composite id>/<inner id>`), or null. Memoized
 * on the document, the scope and the id, so the inspector can select it on every render.
 */
export function innerSelection(s: { doc: DesignDocument; scope: readonly string[]; selection: readonly string[] }): InnerSelection | null {
  const id = s.selection.length === 1 ? s.selection[0] : '';
  const cut = id.lastIndexOf('/');
  if (cut <= 0) return null;
  if (lastInner && lastInner.doc === s.doc && lastInner.scope === s.scope && lastInner.id === id) return lastInner.result;
  const path = [...scopeView(s.doc, s.scope).levels.map((l) => l.nodeId), id.slice(0, cut)];
  const levels = openScopePath(s.doc, path);
  const node = levels.length === path.length ? levels[levels.length - 1].opened.doc.nodes.find((n) => n.id === id.slice(cut + 1)) : undefined;
  const result = node ? { path, node, analysis: analyzeDesign(levels[levels.length - 1].opened.doc) } : null;
  lastInner = { doc: s.doc, scope: s.scope, id, result };
  return result;
}
