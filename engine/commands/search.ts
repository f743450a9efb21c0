/**
 * Architecture-search commands: mark a node's param searchable with the values to try (or unmark it), and change
 * the search's constraints, method and budget. Pure like every command; the inspector and the search panel
 * dispatch them, so each edit is one undo step and the space is saved with the design.
 */
import { DesignError } from '../errors';
import { searchSettingsSchema, type DesignDocument, type SearchSettings } from '../schema/document';
import { invalidSearchValue, searchableParams } from '../search/searchable';

/** The search edits (a part of `EditCommand`). */
export type SearchCommand =
  /** Marks `param` of a node searchable over `values`; `null` unmarks it. */
  | { kind: 'setSearchParam'; nodeId: string; param: string; values: unknown[] | null }
  /** Changes the constraints, method, budget or batches (validated whole; a bad value names its field). */
  | { kind: 'setSearch'; search: Partial<Omit<SearchSettings, 'params'>> };

const emptySettings = (): SearchSettings => searchSettingsSchema.parse({});

/** Applies one search command. Throws a `DesignError` naming the field at fault. */
export function performSearch(doc: DesignDocument, command: SearchCommand): DesignDocument {
  const current = doc.search ?? emptySettings();
  if (command.kind === 'setSearchParam') {
    const node = doc.nodes.find((n) => n.id === command.nodeId);
    if (!node) throw new DesignError('invalid-graph', `there is no node with id '${command.nodeId}'`);
    const rest = current.params.filter((p) => !(p.node === node.id && p.param === command.param));
    if (command.values === null) return { ...doc, search: { ...current, params: rest } };
    if (!searchableParams(node.type).includes(command.param)) {
      throw new DesignError('invalid-params', `${node.type} '${node.name}' has no searchable param '${command.param}' (searchable: ${searchableParams(node.type).join(', ') || 'none'})`, 'search.params');
    }
    if (command.values.length === 0) throw new DesignError('invalid-params', `${node.name}.${command.param}: expected at least one value`, 'search.params');
    command.values.forEach((v, i) => {
      const bad = invalidSearchValue(node, command.param, v);
      if (bad) throw new DesignError('invalid-params', `${node.name}.${command.param} value ${i + 1}: ${bad}`, 'search.params');
    });
    const index = current.params.findIndex((p) => p.node === node.id && p.param === command.param);
    const entry = { node: node.id, param: command.param, values: [...command.values] };
    const params = index < 0 ? [...rest, entry] : current.params.map((p, i) => (i === index ? entry : p));
    return { ...doc, search: { ...current, params } };
  }
  const result = searchSettingsSchema.safeParse({ ...current, ...command.search, constraints: { ...current.constraints, ...command.search.constraints } });
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = `search.${issue.path.join('.')}`;
    throw new DesignError('invalid-params', issue.message, where);
  }
  return { ...doc, search: result.data };
}
