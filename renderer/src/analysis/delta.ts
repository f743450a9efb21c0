/**
 * What crosses the worker boundary on each edit, kept small: the document as a patch against the copy the worker
 * already holds (only the nodes and edges whose objects changed: the editor's documents share unchanged parts
 * structurally), and the analysis as a delta against the previous result (only the entries whose figures changed).
 * Merging a delta keeps every unchanged entry's object, so memoized canvas nodes and edges do not re-render.
 */
import type { DesignAnalysis, DesignDocument, DesignEdge, DesignNode, NodeAnalysis, Shape } from '../engine';

type Item = DesignNode | DesignEdge;
type DocFields = Omit<DesignDocument, 'nodes' | 'edges'>;

/** Changes to one of the document's lists. */
export interface ListPatch<T extends Item> {
  /** New or replaced items (by id). */
  changed: T[];
  /** The full id order, only when items were added, removed or reordered. */
  ids?: string[];
}

/** A document as changes against a base document. */
export interface DocPatch {
  nodes?: ListPatch<DesignNode>;
  edges?: ListPatch<DesignEdge>;
  /** Top-level fields (name, composites, training, ...) whose value changed. */
  fields?: Partial<DocFields>;
  /** Top-level fields that were removed. */
  removed?: string[];
}

function listPatch<T extends Item>(prev: readonly T[], next: readonly T[]): ListPatch<T> | undefined {
  if (prev === next) return undefined;
  const changed: T[] = [];
  if (prev.length === next.length && next.every((item, i) => item.id === prev[i].id)) {
    for (let i = 0; i < next.length; i++) if (next[i] !== prev[i]) changed.push(next[i]);
    return changed.length ? { changed } : undefined;
  }
  const before = new Map(prev.map((item) => [item.id, item]));
  for (const item of next) if (before.get(item.id) !== item) changed.push(item);
  return { changed, ids: next.map((item) => item.id) };
}

function applyList<T extends Item>(prev: T[], patch: ListPatch<T> | undefined): T[] {
  if (!patch) return prev;
  const byId = new Map(patch.changed.map((item) => [item.id, item]));
  if (!patch.ids) return prev.map((item) => byId.get(item.id) ?? item);
  const old = new Map(prev.map((item) => [item.id, item]));
  return patch.ids.map((id) => {
    const item = byId.get(id) ?? old.get(id);
    if (!item) throw new Error(`document patch names '${id}', which the base document lacks`);
    return item;
  });
}

/** The changes that turn `prev` into `next` (compared by object identity: O(n) pointer checks, no deep compare). */
export function diffDocument(prev: DesignDocument, next: DesignDocument): DocPatch {
  const patch: DocPatch = {};
  const nodes = listPatch(prev.nodes, next.nodes);
  const edges = listPatch(prev.edges, next.edges);
  if (nodes) patch.nodes = nodes;
  if (edges) patch.edges = edges;
  const fields: Record<string, unknown> = {};
  const removed: string[] = [];
  for (const key of Object.keys(next)) {
    if (key === 'nodes' || key === 'edges') continue;
    const value = (next as Record<string, unknown>)[key];
    if (value !== (prev as Record<string, unknown>)[key] || !(key in prev)) fields[key] = value;
  }
  for (const key of Object.keys(prev)) if (!(key in next)) removed.push(key);
  if (Object.keys(fields).length) patch.fields = fields as Partial<DocFields>;
  if (removed.length) patch.removed = removed;
  return patch;
}

/** Applies a patch made by `diffDocument` to (a copy of) its base document; unchanged items keep their objects. */
export function applyDocPatch(base: DesignDocument, patch: DocPatch): DesignDocument {
  const doc = { ...base, ...patch.fields, nodes: applyList(base.nodes, patch.nodes), edges: applyList(base.edges, patch.edges) } as DesignDocument;
  for (const key of patch.removed ?? []) delete (doc as Record<string, unknown>)[key];
  return doc;
}

/** Largest per-node metric values, for the colour scale. */
export interface MetricRange {
  params: number;
  macs: number;
  rf: number;
}

/** What the editor keeps of an analysis (its `flat` graph is always empty: see `editorView`). */
export interface EditorAnalysis {
  analysis: DesignAnalysis;
  /** Output shapes of expanded composites' inner layers by flat id (`<composite>/<inner>`). */
  flatShapes: Record<string, Shape>;
  metricRange: MetricRange;
}

/** Changes to a record keyed by id: new or changed entries, and the full key order when keys came, went or moved. */
export interface RecordDelta<T> {
  changed: Record<string, T>;
  /** The new key order (the summary lists nodes in model order); absent when it is the previous one. */
  order?: string[];
}

/** A new analysis as changes against the previous one; `full` replaces it (nothing to diff against). */
export interface AnalysisDelta {
  full: boolean;
  nodes: RecordDelta<NodeAnalysis>;
  edges: RecordDelta<{ shape: Shape | null }>;
  totals: DesignAnalysis['totals'];
  diagnostics: DesignAnalysis['diagnostics'];
  valid: boolean;
  /** Present only when some inner shape changed. */
  flatShapes?: Record<string, Shape>;
  /** Present only when the range changed. */
  metricRange?: MetricRange;
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

/**
 * What the editor keeps of an analysis: everything but the flat graph (layer configs for 1,000+ layers, unused by
 * the editor: compile and code export derive it from the document), plus the inner layers' output shapes for
 * expanded composites and the metric range for the colour scale.
 */
export function editorView(analysis: DesignAnalysis): EditorAnalysis {
  const flatShapes: Record<string, Shape> = {};
  for (const f of analysis.flat) if (f.id.includes('/')) flatShapes[f.id] = f.outputShape;
  return { analysis: { ...analysis, flat: [] }, flatShapes, metricRange: rangeOf(analysis) };
}

const sameShape = (a: Shape | null | undefined, b: Shape | null | undefined) =>
  a === b || (!!a && !!b && a.length === b.length && a.every((d, i) => d === b[i]));
const samePair = (a: [number, number], b: [number, number]) => a[0] === b[0] && a[1] === b[1];

/** Whether two node analyses show the same figures. */
export function sameNodeAnalysis(a: NodeAnalysis, b: NodeAnalysis): boolean {
  if (a === b) return true;
  const ra = a.receptiveField;
  const rb = b.receptiveField;
  return (
    sameShape(a.outputShape, b.outputShape) &&
    a.params.trainable === b.params.trainable &&
    a.params.nonTrainable === b.params.nonTrainable &&
    a.macs === b.macs &&
    a.memory.activationBytes === b.memory.activationBytes &&
    (ra === rb || (!!ra && !!rb && samePair(ra.size, rb.size) && samePair(ra.stride, rb.stride) && samePair(ra.padding, rb.padding) && !ra.lowerBound === !rb.lowerBound))
  );
}

function diffRecord<T>(prev: Record<string, T>, next: Record<string, T>, same: (a: T, b: T) => boolean): RecordDelta<T> {
  const changed: Record<string, T> = {};
  const keys = Object.keys(next);
  const prevKeys = Object.keys(prev);
  for (const id of keys) {
    const old = prev[id];
    if (old === undefined || !same(old, next[id])) changed[id] = next[id];
  }
  const sameOrder = keys.length === prevKeys.length && keys.every((k, i) => k === prevKeys[i]);
  return sameOrder ? { changed } : { changed, order: keys };
}

/** The delta from `prev` to `next` (`prev` null: a full result). */
export function diffAnalysis(prev: EditorAnalysis | null, next: EditorAnalysis): AnalysisDelta {
  const { analysis } = next;
  const base = { totals: analysis.totals, diagnostics: analysis.diagnostics, valid: analysis.valid };
  if (!prev) return { full: true, nodes: { changed: analysis.nodes }, edges: { changed: analysis.edges }, ...base, flatShapes: next.flatShapes, metricRange: next.metricRange };
  const shapes = diffRecord(prev.flatShapes, next.flatShapes, sameShape);
  const r = prev.metricRange;
  const m = next.metricRange;
  return {
    full: false,
    nodes: diffRecord(prev.analysis.nodes, analysis.nodes, sameNodeAnalysis),
    edges: diffRecord(prev.analysis.edges, analysis.edges, (a, b) => sameShape(a.shape, b.shape)),
    ...base,
    ...(Object.keys(shapes.changed).length || shapes.order ? { flatShapes: next.flatShapes } : {}),
    ...(r.params !== m.params || r.macs !== m.macs || r.rf !== m.rf ? { metricRange: m } : {}),
  };
}

function mergeRecord<T>(prev: Record<string, T>, delta: RecordDelta<T>): Record<string, T> {
  if (delta.order) {
    const out: Record<string, T> = {};
    for (const id of delta.order) out[id] = delta.changed[id] ?? prev[id];
    return out;
  }
  const changed = Object.keys(delta.changed).length;
  if (!changed) return prev;
  // Every entry changed (an edit at the input): the delta is the new record, in the same key order.
  if (changed === Object.keys(prev).length) return delta.changed;
  return { ...prev, ...delta.changed };
}

/** Applies a delta to the analysis it was made against; unchanged entries (and unchanged maps) keep their objects. */
export function mergeAnalysis(prev: EditorAnalysis | null, delta: AnalysisDelta): EditorAnalysis {
  const rest = { flat: [], totals: delta.totals, diagnostics: delta.diagnostics, valid: delta.valid };
  if (delta.full || !prev) {
    return { analysis: { nodes: delta.nodes.changed, edges: delta.edges.changed, ...rest }, flatShapes: delta.flatShapes ?? {}, metricRange: delta.metricRange ?? { params: 1, macs: 1, rf: 1 } };
  }
  return {
    analysis: {
      nodes: mergeRecord(prev.analysis.nodes, delta.nodes),
      edges: mergeRecord(prev.analysis.edges, delta.edges),
      ...rest,
    },
    flatShapes: delta.flatShapes ?? prev.flatShapes,
    metricRange: delta.metricRange ?? prev.metricRange,
  };
}
