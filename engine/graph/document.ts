/** New things with their defaults: the empty design and a block's default params. */
import { getBlock } from '../blocks/registry';
import { DOCUMENT_FORMAT, DOCUMENT_VERSION, trainingSchema, type DesignDocument } from '../schema/document';

/** A new, empty design; its training settings are the schema's defaults. */
export function emptyDocument(name = 'Untitled'): DesignDocument {
  return {
    format: DOCUMENT_FORMAT,
    version: DOCUMENT_VERSION,
    name,
    description: '',
    source: '',
    nodes: [],
    edges: [],
    composites: [],
    training: trainingSchema.parse({}),
    annotations: [],
  };
}

/**
 * The params a new block of this type starts with: its schema's defaults. Params without a default (a
 * composite's `definition`) are left out, for the caller to give or the inspector to ask for. Unknown type: `{}`.
 */
export function defaultParams(type: string): Record<string, unknown> {
  const block = getBlock(type);
  if (!block) return {};
  const parsed = block.params.safeParse({});
  return parsed.success ? { ...(parsed.data as Record<string, unknown>) } : {};
}
