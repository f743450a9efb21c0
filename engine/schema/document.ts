/**
 * The design document: the one file format of LayerLoom, described once here with zod.
 * Everything else (the editor, the CLI, templates, the importer) produces or consumes this shape.
 */
import { z } from 'zod';

/** The current document version; older versions are upgraded by `migrations.ts`. */
export const DOCUMENT_VERSION = 2;
export const DOCUMENT_FORMAT = 'layerloom.design';

const id = z.string().min(1, 'expected a non-empty id').max(200);

/** A point on the canvas. */
export const positionSchema = z.object({ x: z.number().finite(), y: z.number().finite() });

/** One block instance: its type names a primitive, a built-in composite, or `Composite` (user-defined, see `params.definition`). */
export const nodeSchema = z.object({
  id,
  type: z.string().min(1, 'expected a block type'),
  name: z.string().max(200),
  params: z.record(z.string(), z.unknown()).default({}),
  position: positionSchema.default({ x: 0, y: 0 }),
  /** Composite blocks only: shown collapsed (one node) or expanded in place. */
  collapsed: z.boolean().optional(),
});

/** One end of an edge: a node and one of its named ports (`out`, `in`, ...). */
export const portRefSchema = z.object({ node: id, port: z.string().min(1) });

/** A tensor flowing from one node's output port to another node's input port. */
export const edgeSchema = z.object({ id, source: portRefSchema, target: portRefSchema });

/** An exposed port of a user-defined composite: which inner node's port it maps to. */
export const compositePortSchema = z.object({ name: z.string().min(1), node: id, port: z.string().min(1) });

/** A user-defined composite block: a subgraph stored once and linked from every node that uses it. */
export const compositeDefinitionSchema = z.object({
  id,
  name: z.string().min(1).max(200),
  description: z.string().max(2000).default(''),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema),
  inputs: z.array(compositePortSchema).min(1, 'a composite needs at least one input'),
  output: compositePortSchema,
});

export const optimizerSchema = z.object({
  type: z.enum(['sgd', 'adam', 'adamw', 'rmsprop']).default('adam'),
  learningRate: z.number().positive().finite().default(0.001),
  momentum: z.number().min(0).max(1).default(0.9),
  nesterov: z.boolean().default(false),
  weightDecay: z.number().min(0).finite().default(0),
});

export const scheduleSchema = z.object({
  type: z.enum(['constant', 'step', 'cosine']).default('constant'),
  warmupEpochs: z.number().min(0).finite().default(0),
  /** Step decay: multiply by `gamma` every `stepEpochs` epochs. */
  stepEpochs: z.number().int().positive().default(10),
  gamma: z.number().positive().max(1).default(0.1),
});

/**
 * Knowledge distillation (Hinton, Vinyals & Dean 2015): train against a teacher's softened predictions as well as
 * the labels. loss = (1 − alpha) · hard-label loss + alpha · T² · KL(teacher_T ‖ student_T).
 */
export const distillationSchema = z.object({
  /** The teacher: a training run folder (what `layerloom train --out` or the app's run history writes). */
  teacher: z.string().min(1, 'expected the teacher run folder').max(4096),
  temperature: z.number().positive().max(100).default(4),
  alpha: z.number().min(0).max(1).default(0.9),
});

/** Training settings stored with the design (the CLI and the training panel can override them per run). */
export const trainingSchema = z.object({
  optimizer: optimizerSchema.default(optimizerSchema.parse({})),
  schedule: scheduleSchema.default(scheduleSchema.parse({})),
  batchSize: z.number().int().positive().max(65536).default(64),
  epochs: z.number().int().positive().max(100000).default(5),
  validationSplit: z.number().min(0).max(0.9).default(0.1),
  earlyStoppingPatience: z.number().int().min(0).default(0),
  augment: z.object({ flip: z.boolean().default(false), shift: z.number().int().min(0).max(8).default(0) }).default({ flip: false, shift: 0 }),
  dataset: z.string().default('default'),
  seed: z.number().int().default(42),
  /** Absent: plain training. */
  distillation: distillationSchema.optional(),
});

/** The colours an annotation can take; the renderer maps each to a light and a dark theme colour. */
export const ANNOTATION_COLORS = ['yellow', 'blue', 'green', 'pink', 'purple', 'grey'] as const;

/**
 * A canvas annotation (version 2): a text note, or a coloured frame with a title around a part of the design.
 * Annotations have no effect on the network; a frame moves the blocks inside it when dragged.
 */
export const annotationSchema = z.object({
  id,
  kind: z.enum(['note', 'frame']),
  /** A note's text, a frame's title. */
  text: z.string().max(10000).default(''),
  color: z.enum(ANNOTATION_COLORS).default('yellow'),
  position: positionSchema,
  size: z.object({ width: z.number().finite().min(40).max(100000), height: z.number().finite().min(30).max(100000) }),
});

/** One searchable param of a node and the values an architecture search tries for it. */
export const searchParamSchema = z.object({
  /** The node's id (a name is accepted too, for hand-written space files). */
  node: z.string().min(1),
  param: z.string().min(1),
  values: z.array(z.unknown()).min(1, 'expected at least one value').max(64),
}).strict();

/** Limits the analysis checks on every candidate before any training; a candidate that breaks one is not trained. */
export const searchConstraintsSchema = z.object({
  maxParams: z.number().positive().optional(),
  maxMacs: z.number().positive().optional(),
  maxTrainingBytes: z.number().positive().optional(),
  /** The receptive field at the last convolution must cover at least this many input pixels (per axis). */
  minReceptiveField: z.number().int().positive().optional(),
}).strict();

/**
 * The architecture search stored with a design (optional; absent: nothing is searched): the searchable params
 * and their values, the constraints, the method, how many candidates and how many batches each first training has.
 */
export const searchSettingsSchema = z.object({
  params: z.array(searchParamSchema).max(64).default([]),
  constraints: searchConstraintsSchema.default({}),
  method: z.enum(['random', 'halving']).default('random'),
  budget: z.number().int().positive().max(1000).default(6),
  batches: z.number().int().positive().max(100000).default(20),
});

/** The whole design document, version 2. */
export const documentSchema = z.object({
  format: z.literal(DOCUMENT_FORMAT),
  version: z.literal(DOCUMENT_VERSION),
  name: z.string().max(200).default('Untitled'),
  description: z.string().max(10000).default(''),
  /** Where the architecture comes from (paper, URL), for templates. */
  source: z.string().max(2000).default(''),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema),
  composites: z.array(compositeDefinitionSchema).default([]),
  training: trainingSchema.default(trainingSchema.parse({})),
  /** Notes and frames on the canvas (version 2). */
  annotations: z.array(annotationSchema).default([]),
  /** The architecture search: searchable params, constraints, method and budget (absent: none). */
  search: searchSettingsSchema.optional(),
});

export type Position = z.infer<typeof positionSchema>;
export type DesignNode = z.infer<typeof nodeSchema>;
export type PortRef = z.infer<typeof portRefSchema>;
export type DesignEdge = z.infer<typeof edgeSchema>;
export type CompositeDefinition = z.infer<typeof compositeDefinitionSchema>;
export type TrainingSettings = z.infer<typeof trainingSchema>;
export type Annotation = z.infer<typeof annotationSchema>;
export type AnnotationColor = (typeof ANNOTATION_COLORS)[number];
export type DesignDocument = z.infer<typeof documentSchema>;
export type SearchSettings = z.infer<typeof searchSettingsSchema>;
export type SearchParam = z.infer<typeof searchParamSchema>;
export type SearchConstraints = z.infer<typeof searchConstraintsSchema>;
