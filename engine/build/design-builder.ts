/**
 * A tiny DSL to write design documents in code (templates, tests, benchmarks):
 *
 * ```ts
 * const b = new DesignBuilder('VGG-16', { source: 'Simonyan & Zisserman 2014' });
 * let x = b.input([224, 224, 3]);
 * x = b.add('Conv2D', { filters: 64, kernelSize: [3, 3], padding: 'same', activation: 'relu' }, x, 'block1_conv1');
 * b.output(x);
 * const doc = b.build();
 * ```
 *
 * Every call returns the new node's id, which later calls take as their input(s). Edges go from the
 * source's `out` port to the target's `in` port (merge blocks take several, in call order) unless a
 * port is named with `{ node, port }`. `build()` lays nodes out top to bottom by depth and validates the
 * result through the document schema, so a template cannot produce a file the app would refuse.
 */
import { documentSchema, DOCUMENT_FORMAT, DOCUMENT_VERSION, type CompositeDefinition, type DesignDocument } from '../schema/document';

/** An input to `add`: a node id (its `out` port) or an explicit source/target port pair. */
export type Source = string | { node: string; port?: string; targetPort?: string };

/** Options for a new design. */
export interface BuilderOptions {
  description?: string;
  /** Where the architecture comes from (paper, URL). */
  source?: string;
  /** Training settings stored with the design (defaults for the rest). */
  training?: Record<string, unknown>;
}

interface PendingNode {
  id: string;
  type: string;
  name: string;
  params: Record<string, unknown>;
}

interface PendingEdge {
  id: string;
  source: { node: string; port: string };
  target: { node: string; port: string };
}

/** Horizontal and vertical spacing of the automatic layout, in canvas units. */
export const LAYOUT = { columnWidth: 240, rowHeight: 110 } as const;

/** Builds a design document node by node; see the module comment for an example. */
export class DesignBuilder {
  private readonly nodes: PendingNode[] = [];
  private readonly edges: PendingEdge[] = [];
  private readonly composites: CompositeDefinition[] = [];
  private readonly ids = new Set<string>();

  constructor(
    readonly name: string,
    private readonly options: BuilderOptions = {},
  ) {}

  /** Adds the model input (`shape` without the batch dimension, e.g. `[224, 224, 3]`). */
  input(shape: number[], name = 'input'): string {
    return this.add('Input', { shape }, [], name);
  }

  /**
   * Adds a block fed by `inputs` (one source or several, in port order) and returns its id. `name` is the
   * user-visible name (and Keras layer name); it defaults to the block type plus a counter.
   */
  add(type: string, params: Record<string, unknown>, inputs: Source | Source[], name?: string): string {
    const label = name ?? `${type.toLowerCase()}_${this.nodes.filter((n) => n.type === type).length + 1}`;
    const id = this.uniqueId(label);
    this.nodes.push({ id, type, name: label, params: { ...params } });
    for (const src of Array.isArray(inputs) ? inputs : [inputs]) this.connect(src, id);
    return id;
  }

  /** Adds the Output block (with its loss) after `x`. */
  output(x: Source, params: Record<string, unknown> = {}, name = 'output'): string {
    return this.add('Output', params, x, name);
  }

  /** Adds an edge from `source` to node `target` (port `in` unless the source names `targetPort`). */
  connect(source: Source, target: string): void {
    const src = typeof source === 'string' ? { node: source } : source;
    this.edges.push({
      id: `e${this.edges.length + 1}`,
      source: { node: src.node, port: src.port ?? 'out' },
      target: { node: target, port: src.targetPort ?? 'in' },
    });
  }

  /** Stores a user-defined composite definition; use it with `add('Composite', { definition: def.id }, x)`. */
  defineComposite(def: CompositeDefinition): string {
    this.composites.push(def);
    return def.id;
  }

  /** The finished document, laid out top to bottom and validated by the schema (throws on a bad document). */
  build(): DesignDocument {
    const positions = layout(this.nodes, this.edges);
    return documentSchema.parse({
      format: DOCUMENT_FORMAT,
      version: DOCUMENT_VERSION,
      name: this.name,
      description: this.options.description ?? '',
      source: this.options.source ?? '',
      nodes: this.nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? { x: 0, y: 0 } })),
      edges: this.edges,
      composites: this.composites,
      ...(this.options.training ? { training: this.options.training } : {}),
    });
  }

  private uniqueId(name: string): string {
    const base = name.replace(/[^A-Za-z0-9_-]+/g, '_') || 'node';
    let id = base;
    for (let i = 2; this.ids.has(id); i++) id = `${base}_${i}`;
    this.ids.add(id);
    return id;
  }
}

/** Rows by longest path from a source; within a row, nodes keep insertion order and are centred on x = 0. */
function layout(nodes: PendingNode[], edges: PendingEdge[]): Map<string, { x: number; y: number }> {
  const depth = new Map<string, number>();
  const preds = new Map<string, string[]>();
  for (const e of edges) {
    const list = preds.get(e.target.node) ?? [];
    list.push(e.source.node);
    preds.set(e.target.node, list);
  }
  // Nodes are added after their inputs, so one pass in insertion order is a topological pass.
  for (const n of nodes) {
    let d = 0;
    for (const p of preds.get(n.id) ?? []) d = Math.max(d, (depth.get(p) ?? 0) + 1);
    depth.set(n.id, d);
  }
  const rows = new Map<number, string[]>();
  for (const n of nodes) {
    const d = depth.get(n.id) ?? 0;
    const row = rows.get(d) ?? [];
    row.push(n.id);
    rows.set(d, row);
  }
  const out = new Map<string, { x: number; y: number }>();
  for (const [d, row] of rows) {
    row.forEach((id, i) => out.set(id, { x: (i - (row.length - 1) / 2) * LAYOUT.columnWidth, y: d * LAYOUT.rowHeight }));
  }
  return out;
}
