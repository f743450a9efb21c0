/**
 * The training worker's typed contract: commands the owner sends and events the worker streams back.
 * Both sides validate every message with these zod schemas (`parseCommand`, `parseEvent`); switches over
 * `type` end in `assertNever`, so a new kind cannot be forgotten. The CLI's `--json` prints these events.
 */
import { z } from 'zod';

/**
 * Training backends, fastest first as `auto` tries them (webgpu moves ahead of wasm only on a hardware adapter;
 * `torch` — PyTorch in a Python child process — is taken automatically only with CUDA).
 */
export const BACKEND_NAMES = ['torch', 'tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export const backendChoiceSchema = z.enum(['auto', ...BACKEND_NAMES]);
export type BackendChoice = z.infer<typeof backendChoiceSchema>;

export const datasetSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('default') }),
  z.object({ kind: z.literal('idx'), dir: z.string().min(1) }),
  z.object({ kind: z.literal('cifar'), dir: z.string().min(1) }),
  z.object({ kind: z.literal('folder'), dir: z.string().min(1) }),
]);

/** Per-run overrides of the document's training settings (the CLI flags and the training panel). */
export const overridesSchema = z
  .object({
    epochs: z.number().int().positive().max(100000),
    batchSize: z.number().int().positive().max(65536),
    learningRate: z.number().positive().finite(),
    optimizer: z.enum(['sgd', 'adam', 'adamw', 'rmsprop']),
    momentum: z.number().min(0).max(1),
    nesterov: z.boolean(),
    weightDecay: z.number().min(0).finite(),
    schedule: z.enum(['constant', 'step', 'cosine']),
    warmupEpochs: z.number().min(0).finite(),
    validationSplit: z.number().min(0).max(0.9),
    earlyStoppingPatience: z.number().int().min(0),
    augmentFlip: z.boolean(),
    augmentShift: z.number().int().min(0).max(8),
    seed: z.number().int(),
    /** Use only the first N training / test examples (quick runs, tests). */
    limitTrain: z.number().int().positive(),
    limitTest: z.number().int().positive(),
    /** Stop each epoch after N batches (quick runs, tests). */
    maxBatchesPerEpoch: z.number().int().positive(),
    /** `torch` backend only: DistributedDataParallel over this many GPUs (torchrun). */
    gpus: z.number().int().positive().max(64),
    /** Knowledge distillation: the teacher's run folder, the softmax temperature T and the soft-loss weight alpha. */
    teacher: z.string().min(1).max(4096),
    temperature: z.number().positive().max(100),
    alpha: z.number().min(0).max(1),
  })
  .partial()
  .strict();
export type TrainingOverrides = z.infer<typeof overridesSchema>;

/** Commands from the owner (Electron main, browser-mode server, CLI) to the worker. */
export const commandSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    /** The design document as JSON; the worker validates it through the migrations and schema. */
    document: z.record(z.string(), z.unknown()),
    dataset: datasetSpecSchema,
    overrides: overridesSchema.default({}),
    backend: backendChoiceSchema.default('auto'),
    outDir: z.string().min(1),
    /** A checkpoint folder to continue from (weights, optimizer state, epoch, history). */
    resumeFrom: z.string().min(1).optional(),
  }),
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
  z.object({ type: z.literal('stop') }),
]);
export type TrainingCommand = z.infer<typeof commandSchema>;
export type StartCommand = Extract<TrainingCommand, { type: 'start' }>;

const finite = z.number().finite();
/** Loss and accuracy may be non-finite in the batch that trips the NaN guard; JSON carries them as null. */
const metric = z.number().nullable();
/**
 * A design with several Output blocks: each output's own loss, by the Output's layer name (`aux1_output`);
 * the event's `loss` is their weighted sum. Absent with a single output.
 */
const outputLosses = <T extends z.ZodType>(value: T) => z.record(z.string().min(1).max(200), value).optional();

/** Error codes of the `error` event. */
export const ERROR_CODES = ['invalid-command', 'invalid-document', 'data-mismatch', 'design-error', 'backend-unavailable', 'non-finite-loss', 'worker-crashed', 'busy', 'internal'] as const;
export type TrainingErrorCode = (typeof ERROR_CODES)[number];

/** An analysis problem a detail quotes (its code, English, values and node). */
export type QuotedDiagnosticInfo = { code: string; message: string; values?: Record<string, string | number | Record<string, string | number>[]>; subject?: { name: string; type: string; layer?: string } };
/**
 * An error or refusal by code + values (engine/messages.ts `ERROR_DETAIL_CODES`), sent beside its English message
 * so the app can show it in its language; `diagnostic` is the analysis problem it quotes, if any. Optional
 * everywhere it appears, so events written by older versions still load.
 */
export interface ErrorDetailInfo {
  code: string;
  values: Record<string, string | number>;
  diagnostic?: QuotedDiagnosticInfo;
  /** Several analysis problems quoted together as `values.reason`. */
  diagnostics?: QuotedDiagnosticInfo[];
  /** The detail quoted as `values.reason` (a file's name, then what is wrong with it). */
  cause?: ErrorDetailInfo;
  /** Several details quoted as `values.reason`, one per line. */
  causes?: ErrorDetailInfo[];
}
/** What `errorDetailSchema` accepts: values may be left out (none). */
type ErrorDetailInput = Omit<ErrorDetailInfo, 'values' | 'cause' | 'causes'> & { values?: ErrorDetailInfo['values']; cause?: ErrorDetailInput; causes?: ErrorDetailInput[] };
const quotedDiagnosticSchema = z.object({
  code: z.string().max(100),
  message: z.string(),
  values: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.record(z.string(), z.union([z.string(), z.number()])))])).optional(),
  subject: z.object({ name: z.string(), type: z.string(), layer: z.string().optional() }).optional(),
});
export const errorDetailSchema: z.ZodType<ErrorDetailInfo, ErrorDetailInput> = z.lazy(() => z.object({
  code: z.string().min(1).max(100),
  values: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  diagnostic: quotedDiagnosticSchema.optional(),
  diagnostics: z.array(quotedDiagnosticSchema).max(20).optional(),
  cause: errorDetailSchema.optional(),
  causes: z.array(errorDetailSchema).max(200).optional(),
}));

/** Events from the worker to its owner. */
export const eventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('backend'),
    name: z.enum(BACKEND_NAMES),
    reason: z.string(),
    skipped: z.array(z.object({ name: z.enum(BACKEND_NAMES), reason: z.string() })),
  }),
  z.object({
    type: z.literal('started'),
    dataset: z.string(),
    trainExamples: z.number().int(),
    validationExamples: z.number().int(),
    testExamples: z.number().int(),
    classNames: z.array(z.string()),
    epochs: z.number().int(),
    batchSize: z.number().int(),
    batchesPerEpoch: z.number().int(),
    parameters: z.number().int(),
    startEpoch: z.number().int(),
  }),
  z.object({ type: z.literal('epoch-start'), epoch: z.number().int(), epochs: z.number().int(), batches: z.number().int(), learningRate: finite }),
  z.object({
    type: z.literal('batch'),
    epoch: z.number().int(),
    /** Index (0-based) of the last batch included; `loss`/`accuracy` hold every batch since the previous event. */
    batch: z.number().int(),
    batches: z.number().int(),
    loss: z.array(metric),
    accuracy: z.array(metric),
    outputLosses: outputLosses(z.array(metric)),
  }),
  z.object({
    type: z.literal('epoch-end'),
    epoch: z.number().int(),
    loss: finite,
    accuracy: finite,
    valLoss: finite.nullable(),
    valAccuracy: finite.nullable(),
    learningRate: finite,
    seconds: finite,
    outputLosses: outputLosses(finite),
    valOutputLosses: outputLosses(finite),
  }),
  z.object({ type: z.literal('throughput'), examplesPerSecond: finite, etaSeconds: finite.nullable() }),
  z.object({ type: z.literal('memory'), tensorBytes: z.number().int(), tensors: z.number().int(), rssBytes: z.number().int() }),
  z.object({ type: z.literal('checkpoint'), path: z.string(), kind: z.enum(['epoch', 'best']), epoch: z.number().int(), valLoss: finite.nullable() }),
  z.object({ type: z.literal('state'), state: z.enum(['running', 'paused', 'stopping']) }),
  z.object({
    type: z.literal('finished'),
    status: z.enum(['completed', 'stopped', 'early-stopped']),
    epochs: z.number().int(),
    testAccuracy: finite.nullable(),
    testLoss: finite.nullable(),
    testOutputLosses: outputLosses(finite),
    confusionMatrix: z.array(z.array(z.number().int())).nullable(),
    classNames: z.array(z.string()),
    modelPath: z.string(),
    recordPath: z.string(),
    seconds: finite,
  }),
  z.object({
    type: z.literal('error'),
    code: z.enum(ERROR_CODES),
    message: z.string(),
    path: z.string().optional(),
    /** The message by code + values (engine/messages.ts `TRAINING_ERROR_CODES`), so the app can show it in its language. */
    detail: errorDetailSchema.optional(),
  }),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn']), message: z.string() }),
]);
export type TrainingEvent = z.infer<typeof eventSchema>;
export type TrainingEventOf<T extends TrainingEvent['type']> = Extract<TrainingEvent, { type: T }>;

/** Result of validating a message at a boundary. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function parseWith<T>(schema: z.ZodType<T>, raw: unknown): Parsed<T> {
  const r = schema.safeParse(raw);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  const where = issue.path.length ? issue.path.map(String).join('.') : '(message)';
  return { ok: false, error: `${where}: ${issue.message}` };
}

/** Validates a command received by the worker. */
export function parseCommand(raw: unknown): Parsed<TrainingCommand> {
  return parseWith(commandSchema, raw);
}

/** Validates an event received by the owner. */
export function parseEvent(raw: unknown): Parsed<TrainingEvent> {
  return parseWith(eventSchema, raw);
}
