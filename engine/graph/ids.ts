/** Small graph helpers shared by the edit commands. */
import type { DesignDocument } from '../schema/document';

/** An id not used by any node or edge of `doc`, based on `base` (`conv2d`, `conv2d_2`, ...). */
export function freshId(doc: Pick<DesignDocument, 'nodes' | 'edges'>, base: string): string {
  const taken = new Set<string>([...doc.nodes.map((n) => n.id), ...doc.edges.map((e) => e.id)]);
  const stem = base.replace(/_\d+$/, '') || 'node';
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${stem}_${i}`)) return `${stem}_${i}`;
}

/** A node name not used in `doc`, based on `base`. */
export function uniqueName(doc: Pick<DesignDocument, 'nodes'>, base: string): string {
  const taken = new Set(doc.nodes.map((n) => n.name));
  if (!taken.has(base)) return base;
  const stem = base.replace(/_\d+$/, '');
  for (let i = 2; ; i++) if (!taken.has(`${stem}_${i}`)) return `${stem}_${i}`;
}

/** True when an edge source -> target would close a cycle, i.e. `target` already reaches `source`. */
export function createsCycle(doc: Pick<DesignDocument, 'edges'>, source: string, target: string): boolean {
  const next = new Map<string, string[]>();
  for (const e of doc.edges) {
    const list = next.get(e.source.node);
    if (list) list.push(e.target.node);
    else next.set(e.source.node, [e.target.node]);
  }
  const stack = [target];
  const seen = new Set<string>();
  while (stack.length) {
    const id = stack.pop()!;
    if (id === source) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return false;
}
