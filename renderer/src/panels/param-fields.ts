/**
 * Inspector fields from a block's zod params schema: which control each parameter gets, how typed text becomes
 * a value, and which message zod gives for it. Pure, so it is unit-tested without a DOM.
 */
import type { z } from 'zod';

/** How a parameter is edited. */
export type FieldKind =
  | { kind: 'number'; integer: boolean }
  | { kind: 'boolean' }
  | { kind: 'enum'; options: string[] }
  /** A fixed-length list of numbers (kernel size, strides): typed as "3, 3"; one number fills every slot. */
  | { kind: 'tuple'; length: number }
  /** A variable-length list of numbers (input shape): typed as "28, 28, 1". */
  | { kind: 'list' }
  | { kind: 'text' }
  /** Nested structures (zero padding pairs): edited as JSON. */
  | { kind: 'json' };

/** One inspector field. */
export interface FieldSpec {
  key: string;
  label: string;
  field: FieldKind;
  optional: boolean;
}

type AnyDef = { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType>; entries?: Record<string, string>; items?: z.ZodType[]; element?: z.ZodType; checks?: { _zod: { def: { check: string; format?: string } } }[] };

function defOf(schema: z.ZodType): AnyDef {
  return (schema as unknown as { _zod: { def: AnyDef } })._zod.def;
}

function unwrap(schema: z.ZodType): { inner: z.ZodType; optional: boolean } {
  let s = schema;
  let optional = false;
  for (;;) {
    const d = defOf(s);
    if (d.type === 'default' || d.type === 'prefault' || d.type === 'optional' || d.type === 'nullable') {
      if (d.type === 'optional') optional = true;
      s = d.innerType!;
    } else return { inner: s, optional };
  }
}

function kindOf(schema: z.ZodType): FieldKind {
  const d = defOf(schema);
  switch (d.type) {
    case 'number':
      return { kind: 'number', integer: !!d.checks?.some((c) => c._zod.def.format === 'safeint' || c._zod.def.check === 'number_format') };
    case 'boolean':
      return { kind: 'boolean' };
    case 'enum':
      return { kind: 'enum', options: Object.values(d.entries ?? {}) };
    case 'tuple':
      return d.items!.every((i) => defOf(unwrap(i).inner).type === 'number') ? { kind: 'tuple', length: d.items!.length } : { kind: 'json' };
    case 'array':
      return defOf(unwrap(d.element!).inner).type === 'number' ? { kind: 'list' } : { kind: 'json' };
    case 'string':
      return { kind: 'text' };
    default:
      return { kind: 'json' };
  }
}

/** `kernelSize` -> `Kernel size`, `filters3x3Reduce` -> `Filters 3x3 reduce`. */
export function labelOf(key: string): string {
  const words = key.replace(/([a-z])([A-Z0-9])/g, '$1 $2').replace(/([0-9])([A-Z])/g, '$1 $2').replace(/(\d)x (\d)/g, '$1x$2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The fields of an object params schema, in declaration order. */
export function fieldsOf(schema: z.ZodType): FieldSpec[] {
  const d = defOf(schema);
  if (d.type !== 'object' || !d.shape) return [];
  return Object.entries(d.shape).map(([key, s]) => {
    const { inner, optional } = unwrap(s);
    return { key, label: labelOf(key), field: kindOf(inner), optional };
  });
}

/** Shows a value as the text the user edits. */
export function toText(value: unknown, field: FieldKind): string {
  if (value === undefined || value === null) return '';
  if ((field.kind === 'tuple' || field.kind === 'list') && Array.isArray(value)) return value.join(', ');
  if (field.kind === 'json') return JSON.stringify(value);
  return String(value);
}

/** Reads typed text as a value; `{ error }` when it is not even the right kind of thing (zod checks the rest). */
export function fromText(text: string, field: FieldKind, optional: boolean): { value: unknown } | { error: string } {
  const t = text.trim();
  if (!t && optional) return { value: undefined };
  switch (field.kind) {
    case 'number': {
      if (!t) return { error: 'expected a number' };
      const n = Number(t);
      return Number.isFinite(n) ? { value: n } : { error: `expected a number, got "${t}"` };
    }
    case 'tuple':
    case 'list': {
      const parts = t.split(/[\s,×x]+/).filter(Boolean);
      if (!parts.length) return { error: 'expected numbers separated by commas' };
      const nums = parts.map(Number);
      const bad = parts.find((p, i) => !Number.isFinite(nums[i]));
      if (bad !== undefined) return { error: `expected a number, got "${bad}"` };
      if (field.kind === 'tuple' && nums.length === 1) return { value: Array(field.length).fill(nums[0]) };
      return { value: nums };
    }
    case 'json':
      try {
        return { value: JSON.parse(t) };
      } catch {
        return { error: 'expected JSON, e.g. [[1, 1], [1, 1]]' };
      }
    default:
      return { value: t };
  }
}

/** Validates a candidate value for `key` against the whole params schema; the zod message for that key, or null. */
export function validateField(schema: z.ZodType, params: Record<string, unknown>, key: string, value: unknown): string | null {
  const candidate = { ...params };
  if (value === undefined) delete candidate[key];
  else candidate[key] = value;
  const result = schema.safeParse(candidate);
  if (result.success) return null;
  const issue = result.error.issues.find((i) => i.path[0] === key);
  if (!issue) return null;
  const sub = issue.path.slice(1);
  return sub.length ? `[${sub.join('][')}]: ${issue.message}` : issue.message;
}
