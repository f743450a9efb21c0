/**
 * The block catalogue: every registered block as plain data (type, category, ports, params with defaults,
 * description, traits, what it exports to). `layerloom blocks` prints it and the editor's palette lists it,
 * so the two can't disagree.
 */
import type { z } from 'zod';
import { listBlocks } from './registry';
import type { BlockCategory, BlockExplain, BlockSpec, BlockTraits } from './types';

/** One param of a block: its name, its default (undefined when it has none) and whether it must be given. */
export interface CatalogParam {
  name: string;
  default: unknown;
  required: boolean;
}

/** One block of the catalogue. */
export interface CatalogEntry {
  type: string;
  label: string;
  kind: BlockSpec['kind'];
  category: BlockCategory;
  description: string;
  inputs: { name: string; variadic: boolean; minEdges: number }[];
  params: CatalogParam[];
  traits: Omit<BlockTraits, 'classCount'> & { classCount?: 'passes' | string };
  /** Layer classes a primitive compiles to (tfjs/Keras names); empty for Input/Output and composites. */
  layerClasses: string[];
  /** Keras/tfjs layer classes that import as this block. */
  importsFrom: string[];
  /** Whether the PyTorch export can write it (composites: when their parts can). */
  pytorch: boolean;
  /** Whether the palette offers it (the generic `Composite` block is added from the user's own blocks instead). */
  inPalette: boolean;
  /** For learners: explanation, formulas and diagram (see `BlockExplain`). */
  explain?: BlockExplain;
}

/** The param names of a block's params schema (its object keys), in declaration order. */
export function paramNames(schema: z.ZodType): string[] {
  return Object.keys((schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {});
}

function paramsOf(schema: z.ZodType): CatalogParam[] {
  const defaults = schema.safeParse({});
  const values = defaults.success ? (defaults.data as Record<string, unknown>) : {};
  const missing = defaults.success ? [] : defaults.error.issues.map((i) => String(i.path[0]));
  return paramNames(schema).map((name) => ({ name, default: values[name], required: missing.includes(name) }));
}

function entryOf(b: BlockSpec): CatalogEntry {
  const primitive = b.kind === 'primitive' ? b : null;
  const { classCount, ...traits } = b.traits ?? {};
  return {
    type: b.type,
    label: b.label,
    kind: b.kind,
    category: b.category,
    description: b.description,
    inputs: b.inputs.map((p) => ({ name: p.name, variadic: p.variadic === true, minEdges: p.minEdges ?? 1 })),
    params: paramsOf(b.params as z.ZodType),
    traits: { ...traits, ...(classCount ? { classCount: classCount === 'passes' ? 'passes' : classCount.param } : {}) },
    layerClasses: primitive ? Object.keys(primitive.tfjs) : [],
    importsFrom: primitive?.imports ? Object.keys(primitive.imports) : [],
    pytorch: primitive ? primitive.torch !== undefined || Object.keys(primitive.tfjs).length === 0 : true,
    inPalette: b.type !== 'Composite',
    ...(b.explain ? { explain: b.explain } : {}),
  };
}

/** Every registered block, in palette order. */
export function blockCatalog(): CatalogEntry[] {
  return listBlocks().map(entryOf);
}
