/**
 * The training panel's host contract beyond start/stop/pause/resume: the live run's status (so a reloaded
 * page re-attaches), dataset previews, the run history (list, one run, its test samples) and model export.
 * Pure zod, imported by `host-contract.ts` (channels) and by both sides.
 */
import { z } from 'zod';
import { backendChoiceSchema, datasetSpecSchema, eventSchema, overridesSchema } from './training-protocol';

/** A small image as raw 8-bit pixels (HWC, row-major), base64-encoded: drawn on a canvas by the renderer. */
export const sampleImageSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  channels: z.union([z.literal(1), z.literal(3)]),
  pixels: z.string(),
});
export type SampleImage = z.infer<typeof sampleImageSchema>;

/** What a run was started with (kept as `request.json` in its folder). */
export const runRequestSchema = z.object({
  dataset: datasetSpecSchema,
  overrides: overridesSchema,
  backend: backendChoiceSchema,
  resumeFrom: z.string().nullable(),
  startedAt: z.string(),
  design: z.string(),
});
export type RunRequest = z.infer<typeof runRequestSchema>;

/** How a run ended, or that it is still going: the record's status, `failed` (error before any record), `interrupted` (the host went away). */
export const RUN_STATUSES = ['running', 'completed', 'stopped', 'early-stopped', 'diverged', 'failed', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One line of the run history. */
export const runSummarySchema = z.object({
  runId: z.string(),
  design: z.string(),
  dataset: z.string(),
  status: z.enum(RUN_STATUSES),
  startedAt: z.string(),
  seconds: z.number().nullable(),
  epochs: z.number().int(),
  testAccuracy: z.number().nullable(),
  backend: z.string().nullable(),
  /** The last checkpoint exists (the run can be resumed). */
  canResume: z.boolean(),
  /** The trained model exists (it can be exported). */
  hasModel: z.boolean(),
  error: z.string().nullable(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

const runId = z.string().regex(/^[\w.-]+$/, 'expected a run id (letters, digits, dots, dashes)').max(120);

/** Request/response schemas of the training panel's channels (spread into `invokeContract`). */
export const trainingRunsContract = {
  /** The live run (if any) and every event it has sent so far: a reloaded page replays them and re-attaches. */
  trainingStatus: {
    request: z.object({}).strict(),
    response: z.object({
      running: z.boolean(),
      runId: z.string().nullable(),
      workerPid: z.number().int().nullable(),
      request: runRequestSchema.nullable(),
      /** The design the run trains (its snapshot at start). */
      design: z.record(z.string(), z.unknown()).nullable(),
      events: z.array(eventSchema),
    }),
  },
  /** A few samples per class and the class balance of a dataset (`inputShape` sizes image folders). */
  trainingDatasetPreview: {
    request: z.object({
      dataset: datasetSpecSchema,
      perClass: z.number().int().min(1).max(32).default(6),
      inputShape: z.array(z.number().int().positive()).optional(),
    }).strict(),
    response: z.object({
      name: z.string(),
      classNames: z.array(z.string()),
      shape: z.array(z.number().int()),
      trainCounts: z.array(z.number().int()),
      testCounts: z.array(z.number().int()),
      samples: z.array(z.object({ label: z.number().int(), image: sampleImageSchema })),
    }),
  },
  trainingRuns: {
    request: z.object({}).strict(),
    response: z.object({ runsDir: z.string(), runs: z.array(runSummarySchema) }),
  },
  /** One run: summary, record (`run.json`), design snapshot, request and every event (the curves). */
  trainingRunGet: {
    request: z.object({ runId }).strict(),
    response: z.object({
      summary: runSummarySchema,
      record: z.record(z.string(), z.unknown()).nullable(),
      design: z.record(z.string(), z.unknown()).nullable(),
      request: runRequestSchema.nullable(),
      events: z.array(eventSchema),
    }),
  },
  /** Test samples of a finished run: the worst classified, or those of one confusion-matrix cell. */
  trainingRunSamples: {
    request: z.object({
      runId,
      select: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('worst') }),
        z.object({ kind: z.literal('cell'), actual: z.number().int().min(0), predicted: z.number().int().min(0) }),
      ]),
      count: z.number().int().min(1).max(200).default(24),
    }).strict(),
    response: z.object({
      classNames: z.array(z.string()),
      total: z.number().int(),
      samples: z.array(z.object({ index: z.number().int(), label: z.number().int(), predicted: z.number().int(), confidence: z.number(), image: sampleImageSchema })),
    }),
  },
  /** Copies a run's trained model (tfjs `model.json` + `weights.bin`) into a folder. */
  trainingRunExport: {
    request: z.object({ runId, dir: z.string().min(1).max(4096) }).strict(),
    response: z.object({ dir: z.string(), files: z.array(z.string()) }),
  },
};
