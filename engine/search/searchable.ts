/**
 * Which params of a block an architecture search may vary, the values it offers by default, and the text form of
 * a list of values the inspector shows and reads back ("8, 16, 32"; square kernels as "3x3"). A leaf module: the
 * search commands and the search space both use it, and it never imports the commands.
 */
import type { z } from 'zod';
import { paramNames } from '../blocks/catalog';
import { getBlock } from '../blocks/registry';
import { errorDetailEnglish, quoting, type ErrorDetail } from '../messages';
import type { DesignNode } from '../schema/document';

/**
 * Param names that shape a network's capacity and cost: widths (filters, units, a composite's branch widths),
 * kernel sizes, expansion ratios, depth multipliers and the number of dynamic kernels. Strides, padding and
 * activations change what a design computes rather than how big it is, so they are not offered. No block of the
 * catalogue has a repeat count, so "repeats" has nothing to attach to yet.
 */
const SEARCHABLE = /^(filters\w*|\w+Filters|units|kernelSize|expansion|depthMultiplier|kernels|poolProj)$/;

/** The params of a block type that may be marked searchable, in the block's own order. */
export function searchableParams(type: string): string[] {
  const block = getBlock(type);
  if (!block) return [];
  return paramNames(block.params as z.ZodType).filter((name) => SEARCHABLE.test(name));
}

/** Why `value` is not a valid `param` for `node` (its block's params schema) by code + values, or null when it is. */
export function invalidSearchValueDetail(node: DesignNode, param: string, value: unknown): ErrorDetail | null {
  const block = getBlock(node.type);
  if (!block) return { code: 'search-unknown-block', values: { type: node.type } };
  const r = block.params.safeParse({ ...node.params, [param]: value });
  return r.success ? null : { code: 'search-value-invalid', values: { value: JSON.stringify(value), param, type: node.type, issue: r.error.issues[0].message } };
}

/** Why `value` is not a valid `param` for `node`, in English, or null when it is. */
export function invalidSearchValue(node: DesignNode, param: string, value: unknown): string | null {
  const bad = invalidSearchValueDetail(node, param, value);
  return bad && errorDetailEnglish(bad);
}

/** The values a newly marked param starts with: half, the same and twice a width; neighbouring odd kernel sizes. */
export function defaultSearchValues(node: DesignNode, param: string): unknown[] {
  const block = getBlock(node.type);
  const current = node.params[param] ?? (block?.params.safeParse({}).data as Record<string, unknown> | undefined)?.[param];
  let values: unknown[];
  if (Array.isArray(current) && current.every((v) => typeof v === 'number')) {
    const k = current[0] as number;
    values = [...new Set([Math.max(1, k - 2), k, k + 2])].map((v) => current.map(() => v));
  } else if (typeof current === 'number' && param === 'kernelSize') {
    values = [...new Set([Math.max(1, current - 2), current, current + 2])];
  } else if (typeof current === 'number') {
    values = [...new Set([Math.max(1, Math.round(current / 2)), current, current * 2])];
  } else {
    values = current === undefined ? [] : [current];
  }
  return values.filter((v) => invalidSearchValue(node, param, v) === null);
}

/** "8, 16, 32"; a square tuple as "3x3", any other tuple as JSON. */
export function formatSearchValues(values: readonly unknown[]): string {
  return values.map((v) => (Array.isArray(v) && v.length > 0 && v.every((x) => x === v[0] && typeof x === 'number') ? v.map(String).join('x') : typeof v === 'number' ? String(v) : JSON.stringify(v))).join(', ');
}

/**
 * Reads the inspector's text back into values shaped like the param's current value (a number for a tuple param
 * becomes a square tuple). Returns the values, or the error naming the token at fault.
 */
export function parseSearchValues(text: string, node: DesignNode, param: string): { ok: true; values: unknown[] } | { ok: false; error: string; detail: ErrorDetail } {
  const current = node.params[param] ?? (getBlock(node.type)?.params.safeParse({}).data as Record<string, unknown> | undefined)?.[param];
  const refuse = (detail: ErrorDetail) => ({ ok: false as const, error: errorDetailEnglish(detail), detail });
  const tokens = text.split(/[,;\s]+/).filter(Boolean);
  if (tokens.length === 0) return refuse({ code: 'search-values-empty', values: {} });
  const values: unknown[] = [];
  for (const token of tokens) {
    const parts = token.split('x').map(Number);
    if (parts.some((n) => !Number.isFinite(n)) || parts.length === 0) return refuse({ code: 'search-values-nan', values: { token } });
    const value = Array.isArray(current) ? (parts.length === 1 ? current.map(() => parts[0]) : parts) : parts.length === 1 ? parts[0] : parts;
    const bad = invalidSearchValueDetail(node, param, value);
    if (bad) return refuse(quoting('search-values-token', { token }, bad));
    if (!values.some((v) => JSON.stringify(v) === JSON.stringify(value))) values.push(value);
  }
  return { ok: true, values };
}
