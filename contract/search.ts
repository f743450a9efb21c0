/**
 * The architecture search's contracts: the search worker's protocol (commands in, events out, validated on both
 * sides) and the host channels the search panel calls (start, stop, the live search's status, past searches).
 * A search is a folder in the runs folder (`searches/<id>/`) with its events, `search.json` and one run folder
 * per candidate training, so it is listed again after a reload.
 */
import { z } from 'zod';
import { searchSpaceSchema } from '../engine/search/space';
import { backendChoiceSchema, datasetSpecSchema, errorDetailSchema, overridesSchema, type Parsed } from './training-protocol';

const finite = z.number().finite();
const searchId = z.string().regex(/^[\w.-]+$/, 'expected a search id').max(200);

/** How one search runs. */
export const searchRunSchema = z.object({
  method: z.enum(['random', 'halving']),
  budget: z.number().int().positive().max(1000),
  /** Batches of each first-round training (halving doubles them each round). */
  batches: z.number().int().positive().max(100000),
  seed: z.number().int().default(1),
});

/** Commands from the host to the search worker. */
export const searchCommandSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    document: z.record(z.string(), z.unknown()),
    space: searchSpaceSchema,
    run: searchRunSchema,
    dataset: datasetSpecSchema,
    overrides: overridesSchema.default({}),
    backend: backendChoiceSchema.default('auto'),
    outDir: z.string().min(1),
  }),
  z.object({ type: z.literal('stop') }),
]);
export type SearchCommand = z.infer<typeof searchCommandSchema>;
export type SearchStartCommand = Extract<SearchCommand, { type: 'start' }>;

/** One drawn candidate: its choice, its cost from the analysis and why it was refused before training (or null). */
export const searchCandidateSchema = z.object({
  id: z.string(),
  choice: z.record(z.string(), z.unknown()),
  params: z.number(),
  macs: z.number(),
  rejected: z.string().nullable(),
  /** The refusal by code + values (absent in searches saved before it existed). */
  rejectedDetail: errorDetailSchema.optional(),
});
export type SearchCandidate = z.infer<typeof searchCandidateSchema>;

/** Events from the search worker (and the host, for a crash), streamed on the `searchEvent` channel. */
export const searchEventSchema = z.discriminatedUnion('type', [
  /** Every candidate drawn, the refused ones with their reason; training starts after this. */
  z.object({ type: z.literal('drawn'), method: z.enum(['random', 'halving']), backend: z.string(), space: searchSpaceSchema, candidates: z.array(searchCandidateSchema) }),
  /** A candidate's training starts (round 1, then 2, ... for successive halving). */
  z.object({ type: z.literal('training'), id: z.string(), round: z.number().int(), batches: z.number().int() }),
  /** A candidate finished a training; its point on the accuracy-vs-MACs plot. `run` is its run folder, relative to the search's. */
  z.object({ type: z.literal('trained'), id: z.string(), round: z.number().int(), batches: z.number().int(), accuracy: finite, seconds: finite, run: z.string() }),
  /** A candidate's training failed (it diverged, or could not be built); the search goes on without it. */
  z.object({ type: z.literal('failed'), id: z.string(), round: z.number().int(), message: z.string(), detail: errorDetailSchema.optional() }),
  z.object({ type: z.literal('finished'), status: z.enum(['completed', 'stopped']), front: z.array(z.string()), best: z.string().nullable(), seconds: finite }),
  z.object({ type: z.literal('error'), message: z.string(), detail: errorDetailSchema.optional() }),
]);
export type SearchEvent = z.infer<typeof searchEventSchema>;

function parseWith<T>(schema: z.ZodType<T>, raw: unknown): Parsed<T> {
  const r = schema.safeParse(raw);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  return { ok: false, error: `${issue.path.length ? issue.path.map(String).join('.') : '(message)'}: ${issue.message}` };
}

/** Validates a command received by the search worker. */
export const parseSearchCommand = (raw: unknown): Parsed<SearchCommand> => parseWith(searchCommandSchema, raw);
/** Validates an event received from the search worker. */
export const parseSearchEvent = (raw: unknown): Parsed<SearchEvent> => parseWith(searchEventSchema, raw);

/** A past or live search, as the panel lists it. */
export const searchSummarySchema = z.object({
  searchId: z.string(),
  design: z.string(),
  method: z.enum(['random', 'halving']).nullable(),
  status: z.enum(['running', 'completed', 'stopped', 'failed', 'interrupted']),
  candidates: z.number().int(),
  trained: z.number().int(),
  bestAccuracy: z.number().nullable(),
});
export type SearchSummary = z.infer<typeof searchSummarySchema>;

/** The search panel's host channels (merged into `invokeContract`). */
export const searchContract = {
  /** Starts a search in the search worker; the space, method and budget come from the document's `search` unless given. */
  searchStart: {
    request: z.object({
      document: z.record(z.string(), z.unknown()),
      dataset: datasetSpecSchema.default({ kind: 'default' }),
      /** Applied to every candidate's training (batch size, limits, ...); epochs and batches are the search's. */
      overrides: overridesSchema.default({}),
      backend: backendChoiceSchema.default('auto'),
      seed: z.number().int().default(1),
    }).strict(),
    response: z.object({ searchId: z.string(), outDir: z.string() }),
  },
  searchStop: { request: z.object({}).strict(), response: z.object({ running: z.boolean() }) },
  /** The live search (a reloaded page re-attaches by replaying its events). */
  searchStatus: {
    request: z.object({}).strict(),
    response: z.object({ running: z.boolean(), searchId: z.string().nullable(), design: z.string().nullable(), events: z.array(searchEventSchema) }),
  },
  searchList: { request: z.object({}).strict(), response: z.object({ searches: z.array(searchSummarySchema) }) },
  searchGet: {
    request: z.object({ searchId }).strict(),
    response: z.object({ summary: searchSummarySchema, events: z.array(searchEventSchema) }),
  },
};
