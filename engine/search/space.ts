/**
 * A small, honest architecture search space: parameters of a design marked as searchable (filters, kernel sizes,
 * expansion ratios, ...) with the values to try, and constraints the analysis checks before any training
 * (parameters, multiply-accumulates, training memory, receptive field at the last convolution). Candidates are
 * drawn from the space with a seed; those that break a constraint are dropped with the reason, untrained.
 */
import { z } from 'zod';
import { analyzeDesign } from '../analysis/analyze';
import type { DesignAnalysis } from '../analysis/types';
import { paramNames } from '../blocks/catalog';
import { getBlock } from '../blocks/registry';
import { performCommands } from '../commands/perform';
import { DesignError } from '../errors';
import { errorDetailEnglish, quoteDiagnostic, type ErrorDetail } from '../messages';
import { mulberry32 } from '../random';
import { searchConstraintsSchema, searchParamSchema, type DesignDocument } from '../schema/document';
import { invalidSearchValueDetail } from './searchable';

/** The search space: which params vary (and over what values) and the constraints. */
export const searchSpaceSchema = z.object({
  params: z.array(searchParamSchema).min(1, 'expected at least one searchable param'),
  constraints: searchConstraintsSchema.default({}),
}).strict();
export type SearchSpace = z.infer<typeof searchSpaceSchema>;

/** One point of the space: a value per searchable param, and the design it makes. */
export interface Candidate {
  id: string;
  choice: Record<string, unknown>;
  doc: DesignDocument;
  analysis: DesignAnalysis;
  params: number;
  macs: number;
  /** Why the analysis refused it before training (null: it is feasible). */
  rejected: string | null;
  /** The same by code + values (null: it is feasible). */
  rejectedDetail: ErrorDetail | null;
}

/** Checks the space against the design: every node exists, every param is one of its block's, every value is valid. */
export function checkSpace(doc: DesignDocument, space: SearchSpace): void {
  const refuse = (detail: ErrorDetail, path: string) => {
    throw new DesignError('invalid-params', errorDetailEnglish(detail), path, undefined, detail);
  };
  space.params.forEach((p, i) => {
    const node = doc.nodes.find((n) => n.id === p.node || n.name === p.node);
    if (!node) return refuse({ code: 'search-no-node', values: { index: i, node: p.node } }, `params.${i}.node`);
    const block = getBlock(node.type);
    const names = block ? paramNames(block.params as z.ZodType) : [];
    if (!names.includes(p.param)) refuse({ code: 'search-no-param', values: { index: i, type: node.type, name: node.name, param: p.param, params: names.join(', ') } }, `params.${i}.param`);
    p.values.forEach((v, j) => {
      const bad = invalidSearchValueDetail(node, p.param, v);
      if (bad?.code === 'search-value-invalid') refuse({ code: 'search-bad-value', values: { index: i, valueIndex: j, ...bad.values } }, `params.${i}.values.${j}`);
      else if (bad) refuse(bad, `params.${i}.values.${j}`);
    });
  });
}

/**
 * The search space stored in the document (`doc.search`), without entries whose node was deleted since; null when
 * nothing is marked searchable.
 */
export function documentSpace(doc: DesignDocument): SearchSpace | null {
  const params = (doc.search?.params ?? []).filter((p) => doc.nodes.some((n) => n.id === p.node || n.name === p.node));
  return params.length ? { params, constraints: doc.search?.constraints ?? {} } : null;
}

/** The key of a param in a candidate's `choice`: `<node>.<param>`. */
export const keyOf = (p: SearchSpace['params'][number]) => `${p.node}.${p.param}`;

/** A refusal: the English reason (the CLI's) and the same by code + values (the app's languages). */
export interface Refusal {
  reason: string;
  detail: ErrorDetail;
}

/** A refusal from its detail, with the English written once (engine/messages.ts). */
export const refusal = (detail: ErrorDetail): Refusal => ({ reason: errorDetailEnglish(detail), detail });

/** Why a candidate breaks the constraints, or null. */
function violation(analysis: DesignAnalysis, c: SearchSpace['constraints']): Refusal | null {
  if (!analysis.valid) {
    const d = analysis.diagnostics.find((x) => x.severity === 'error');
    return refusal({ code: 'search-invalid-design', values: { reason: d?.message ?? 'errors' }, ...(d ? { diagnostic: quoteDiagnostic(d) } : {}) });
  }
  const t = analysis.totals;
  if (c.maxParams !== undefined && t.params > c.maxParams) return refusal({ code: 'search-max-params', values: { params: t.params, max: c.maxParams } });
  if (c.maxMacs !== undefined && t.macs > c.maxMacs) return refusal({ code: 'search-max-macs', values: { macs: t.macs, max: c.maxMacs } });
  if (c.maxTrainingBytes !== undefined && t.memory.trainingBytes > c.maxTrainingBytes) return refusal({ code: 'search-max-memory', values: { bytes: t.memory.trainingBytes, max: c.maxTrainingBytes } });
  if (c.minReceptiveField !== undefined) {
    const convs = analysis.flat.filter((n) => getBlock(n.type)?.category === 'convolution');
    const last = convs[convs.length - 1];
    const rf = last ? analysis.nodes[last.origin]?.receptiveField : null;
    const size = rf ? Math.min(...rf.size) : 0;
    if (size < c.minReceptiveField) return refusal({ code: 'search-min-rf', values: { size, min: c.minReceptiveField } });
  }
  return null;
}

/**
 * Up to `count` distinct candidates drawn at random (seeded) from the space, each analysed and checked against
 * the constraints. The whole grid is enumerated instead when it is no larger than `count`.
 */
export function drawCandidates(doc: DesignDocument, space: SearchSpace, count: number, seed: number): Candidate[] {
  checkSpace(doc, space);
  const grid = space.params.reduce((n, p) => n * p.values.length, 1);
  const rand = mulberry32(seed);
  const seen = new Set<string>();
  const choices: number[][] = [];
  if (grid <= count) {
    for (let i = 0; i < grid; i++) {
      let rest = i;
      choices.push(space.params.map((p) => {
        const k = rest % p.values.length;
        rest = Math.floor(rest / p.values.length);
        return k;
      }));
    }
  } else {
    for (let tries = 0; choices.length < count && tries < count * 50; tries++) {
      const pick = space.params.map((p) => Math.floor(rand() * p.values.length));
      const key = pick.join(',');
      if (!seen.has(key)) {
        seen.add(key);
        choices.push(pick);
      }
    }
  }
  return choices.map((pick, i) => {
    const choice: Record<string, unknown> = {};
    const commands = space.params.map((p, j) => {
      const node = doc.nodes.find((n) => n.id === p.node || n.name === p.node)!;
      choice[keyOf(p)] = p.values[pick[j]];
      return { kind: 'setParams' as const, nodeId: node.id, params: { [p.param]: p.values[pick[j]] } };
    });
    const candidate = performCommands(doc, commands);
    const analysis = analyzeDesign(candidate);
    const refused = violation(analysis, space.constraints);
    return { id: `c${i + 1}`, choice, doc: candidate, analysis, params: analysis.totals.params, macs: analysis.totals.macs, rejected: refused?.reason ?? null, rejectedDetail: refused?.detail ?? null };
  });
}

/** The candidates no other beats on both accuracy (higher) and MACs (lower): the accuracy-vs-cost front, by MACs. */
export function paretoFront<T extends { accuracy: number; macs: number }>(points: readonly T[]): T[] {
  const front = points.filter((p) => !points.some((q) => q !== p && q.accuracy >= p.accuracy && q.macs <= p.macs && (q.accuracy > p.accuracy || q.macs < p.macs)));
  return [...front].sort((a, b) => a.macs - b.macs);
}
