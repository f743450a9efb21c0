/**
 * Source maps of the code generators: which lines of a generated file build which node. The writers record the
 * node of every line they emit (`CodeWriter`), so the map is exact by construction and never comes from searching
 * the text. Keys are flat node ids (`conv1`, `<composite id>/<inner id>`); `canvasSourceMap` folds them onto the
 * nodes the canvas shows (a collapsed composite owns all its inner lines, an expanded one shows its inner nodes).
 */
import type { DesignDocument } from '../schema/document';

/** Lines `start`..`end`, 1-based and inclusive (Monaco's and editors' numbering). */
export interface LineRange {
  start: number;
  end: number;
}

/** Node id -> the ranges of lines that build it, in file order, never overlapping another node's. */
export type SourceMap = Record<string, LineRange[]>;

/** A generated file with its source map. */
export interface MappedCode {
  text: string;
  sourceMap: SourceMap;
}

/**
 * Collects generated lines with the node each belongs to (`undefined` for structure: imports, headers, helpers).
 * Text with embedded newlines counts as several lines of the same node.
 */
export class CodeWriter {
  private readonly lines: string[] = [];
  private readonly owners: (string | undefined)[] = [];

  /** Appends one or more lines (each may hold `\n`), all owned by `nodeId`. */
  push(nodeId: string | undefined, ...texts: string[]): this {
    for (const text of texts) {
      for (const line of text.split('\n')) {
        this.lines.push(line);
        this.owners.push(nodeId);
      }
    }
    return this;
  }

  /** Appends structural lines (owned by no node). */
  plain(...texts: string[]): this {
    return this.push(undefined, ...texts);
  }

  /** Appends another writer's lines with their owners. */
  append(other: CodeWriter): this {
    this.lines.push(...other.lines);
    this.owners.push(...other.owners);
    return this;
  }

  /** Number of lines written so far. */
  get length(): number {
    return this.lines.length;
  }

  /** The text (lines joined with `\n`) and the map, consecutive lines of one node merged into one range. */
  finish(): MappedCode {
    const sourceMap: SourceMap = {};
    let i = 0;
    while (i < this.owners.length) {
      const owner = this.owners[i];
      let j = i;
      while (j + 1 < this.owners.length && this.owners[j + 1] === owner) j++;
      if (owner !== undefined) (sourceMap[owner] ??= []).push({ start: i + 1, end: j + 1 });
      i = j + 1;
    }
    return { text: this.lines.join('\n'), sourceMap };
  }
}

/**
 * The canvas node a flat node is drawn as: the top-level node, or `<composite>/<inner>` when that composite is
 * expanded in place (`collapsed === false`; the canvas shows one level of inner nodes).
 */
export function canvasNodeOf(flatId: string, expanded: ReadonlySet<string>): string {
  const parts = flatId.split('/');
  if (parts.length > 1 && expanded.has(parts[0])) return `${parts[0]}/${parts[1]}`;
  return parts[0];
}

/** Ids of the composites the document shows expanded. */
export function expandedComposites(doc: Pick<DesignDocument, 'nodes'>): Set<string> {
  return new Set(doc.nodes.filter((n) => n.collapsed === false).map((n) => n.id));
}

/** Folds a flat-id source map onto canvas node ids; adjacent or touching ranges of one canvas node are merged. */
export function canvasSourceMap(map: SourceMap, expanded: ReadonlySet<string>): SourceMap {
  const out: SourceMap = {};
  for (const [flatId, ranges] of Object.entries(map)) (out[canvasNodeOf(flatId, expanded)] ??= []).push(...ranges);
  for (const ranges of Object.values(out)) {
    ranges.sort((a, b) => a.start - b.start);
    let w = 0;
    for (const r of ranges) {
      const last = ranges[w - 1];
      if (last && r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
      else ranges[w++] = { ...r };
    }
    ranges.length = w;
  }
  return out;
}

/** The node whose lines include `line` (1-based), or null for structural lines. */
export function nodeAtLine(map: SourceMap, line: number): string | null {
  for (const [id, ranges] of Object.entries(map)) {
    if (ranges.some((r) => r.start <= line && line <= r.end)) return id;
  }
  return null;
}

/** The key `scopeSourceMap` files the lines of the open block's own (its call, its wiring) under. */
export const SCOPE_BLOCK_KEY = '';

/**
 * Folds a flat-id source map onto the nodes of an opened composite scope (`scope` is the path of composite ids,
 * outermost first): `<scope>/<inner>/...` lines go to `<inner>` (or `<inner>/<its inner>` when that inner
 * composite is expanded on the scope's canvas), the lines of the block itself and of inner layers the writer did not
 * map separately go to `SCOPE_BLOCK_KEY`, and lines outside the block are left out (they are not on that canvas).
 */
export function scopeSourceMap(map: SourceMap, scope: readonly string[], expanded: ReadonlySet<string>): SourceMap {
  if (!scope.length) return canvasSourceMap(map, expanded);
  const prefix = scope.join('/');
  const inner: SourceMap = {};
  for (const [flatId, ranges] of Object.entries(map)) {
    if (flatId === prefix) inner[SCOPE_BLOCK_KEY] = [...(inner[SCOPE_BLOCK_KEY] ?? []), ...ranges];
    else if (flatId.startsWith(`${prefix}/`)) inner[flatId.slice(prefix.length + 1)] = ranges;
  }
  const folded = canvasSourceMap(Object.fromEntries(Object.entries(inner).filter(([k]) => k !== SCOPE_BLOCK_KEY)), expanded);
  if (inner[SCOPE_BLOCK_KEY]) folded[SCOPE_BLOCK_KEY] = inner[SCOPE_BLOCK_KEY];
  return folded;
}
