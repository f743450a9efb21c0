/**
 * Pure, ordered migrations between document versions (like tldraw's `migrate.ts`).
 * Each takes the raw JSON of version N-1 and returns new JSON of version N without mutating its input.
 */
import { DOCUMENT_FORMAT, DOCUMENT_VERSION } from './document';
import { errorDetailEnglish, type ErrorDetail } from '../messages';

type Json = Record<string, unknown>;

/** One migration step: `up` turns a document of version `to - 1` into version `to`. */
export interface Migration {
  id: string;
  to: number;
  description: string;
  up: (doc: Readonly<Json>) => Json;
}

/**
 * Version 0 is the unversioned draft format of the first prototype: no `format` field, edges written as
 * `{ "from": "a", "to": "b" }` between default ports, and `x`/`y` directly on nodes.
 */
const toV1: Migration = {
  id: 'doc/1',
  to: 1,
  description: 'Add format/version, name ports on edges, move x/y into position',
  up(doc) {
    const nodes = Array.isArray(doc.nodes) ? doc.nodes : [];
    const edges = Array.isArray(doc.edges) ? doc.edges : [];
    return {
      ...doc,
      format: DOCUMENT_FORMAT,
      version: 1,
      nodes: nodes.map((n: Json) => {
        if (!n || typeof n !== 'object' || 'position' in n) return n;
        const { x, y, ...rest } = n;
        return { ...rest, position: { x: typeof x === 'number' ? x : 0, y: typeof y === 'number' ? y : 0 } };
      }),
      edges: edges.map((e: Json, i: number) => {
        if (!e || typeof e !== 'object' || !('from' in e)) return e;
        const { from, to, ...rest } = e;
        return { id: (rest.id as string) ?? `e${i}`, source: { node: from, port: 'out' }, target: { node: to, port: 'in' } };
      }),
    };
  },
};

/** Version 2 adds canvas annotations (notes and frames); a version 1 design has none. */
const toV2: Migration = {
  id: 'doc/2',
  to: 2,
  description: 'Add annotations (text notes and coloured frames), empty for older designs',
  up(doc) {
    return { ...doc, version: 2, annotations: Array.isArray(doc.annotations) ? [...(doc.annotations as unknown[])] : [] };
  },
};

/** All migrations in order; the last one's `to` equals `DOCUMENT_VERSION`. */
export const MIGRATIONS: readonly Migration[] = [toV1, toV2];

/** Reads the version of raw document JSON (0 for the unversioned draft format). */
export function documentVersion(doc: Readonly<Json>): number {
  return typeof doc.version === 'number' ? doc.version : 0;
}

/** A document of a version newer than this build understands (the loader reports it by code + values). */
export class NewerVersion extends Error {
  readonly detail: ErrorDetail;
  constructor(version: number) {
    const detail: ErrorDetail = { code: 'document-version-newer', values: { version, current: DOCUMENT_VERSION } };
    super(errorDetailEnglish(detail));
    this.detail = detail;
  }
}

/**
 * Applies every migration needed to bring `doc` to `DOCUMENT_VERSION`. Returns the input unchanged when it is
 * current; throws a plain Error (wrapped by the loader) for versions newer than this build understands.
 */
export function migrate(doc: Readonly<Json>): Json {
  let version = documentVersion(doc);
  if (version > DOCUMENT_VERSION) {
    throw new NewerVersion(version);
  }
  let current: Json = doc as Json;
  for (const m of MIGRATIONS) {
    if (m.to > version) {
      current = m.up(current);
      version = m.to;
    }
  }
  return current;
}
