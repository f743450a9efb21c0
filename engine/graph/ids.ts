/** Fresh ids and names: one scheme for the commands, the editor and the importer. */
import type { DesignDocument } from '../schema/document';

/** The snake_case stem of a block type, used for new ids and names (`MaxPool2D` -> `max_pool2d`). */
export function defaultName(type: string): string {
  return type.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

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
