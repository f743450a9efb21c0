/**
 * The Inspect panel's host contract: one channel that looks inside a trained run's model — a convolution's
 * kernels, a layer's strongest feature maps for a pinned test sample, or a class activation map — computed in
 * the host's inspect worker process (never on the host's main thread or the page's). Pictures travel as PNG
 * data URLs, numbers as numbers. Pure zod, spread into `host-contract.ts`.
 */
import { z } from 'zod';
import { sampleImageSchema } from './training-runs';

/** What to compute. */
export const INSPECT_VIEWS = ['kernels', 'features', 'cam'] as const;
export type InspectView = (typeof INSPECT_VIEWS)[number];

const pngDataUrl = z.string().startsWith('data:image/png;base64,');

/** One layer of the model as the panel lists it (see engine/inspect/layers.ts). */
export const inspectLayerSchema = z.object({
  layerName: z.string(),
  className: z.string(),
  outputShape: z.array(z.number().int()),
  conv: z.boolean(),
  spatial: z.boolean(),
  nodeId: z.string().optional(),
  nodeName: z.string().optional(),
});
export type InspectLayerInfo = z.infer<typeof inspectLayerSchema>;

/** Request/response schemas of the inspect channel (spread into `invokeContract`). */
export const inspectContract = {
  inspectCompute: {
    request: z.object({
      runId: z.string().regex(/^[\w.-]+$/, 'expected a run id (letters, digits, dots, dashes)').max(120),
      view: z.enum(INSPECT_VIEWS),
      /** A layer name or canvas node name/id; default the last convolution. */
      node: z.string().max(200).optional(),
      /** Index into the run's test split; default 0. */
      sample: z.number().int().min(0).default(0),
      /** CAM: the class to explain; default the predicted one. */
      classIndex: z.number().int().min(0).optional(),
      /** CAM: which model output the class is of, for designs with several; default 0 (the first). */
      output: z.number().int().min(0).max(63).optional(),
      /** Features: how many channels. */
      topN: z.number().int().min(1).max(64).default(12),
    }).strict(),
    response: z.object({
      runId: z.string(),
      /** `model` (training finished) or `checkpoint` (the last epoch of a run still training). */
      modelSource: z.enum(['model', 'checkpoint']),
      /** When the model files were written (ms since the epoch): changes at each epoch end while training. */
      modelTime: z.number(),
      layers: z.array(inspectLayerSchema),
      layer: inspectLayerSchema,
      classNames: z.array(z.string()).nullable(),
      /** The model's outputs in order, by Output block name (layer name without the design); several for multi-output designs. */
      outputs: z.array(z.string()),
      sample: z.object({ index: z.number().int(), label: z.number().int().nullable(), image: sampleImageSchema, count: z.number().int() }).nullable(),
      kernels: z.object({ shape: z.array(z.number().int()), shown: z.number().int(), image: pngDataUrl }).nullable(),
      features: z.object({
        height: z.number().int(),
        width: z.number().int(),
        totalChannels: z.number().int(),
        channels: z.array(z.object({ index: z.number().int(), mean: z.number(), image: pngDataUrl })),
      }).nullable(),
      cam: z.object({
        method: z.enum(['grad-cam', 'cam']),
        /** The output the map explains. */
        output: z.number().int(),
        predicted: z.number().int(),
        classIndex: z.number().int(),
        probabilities: z.array(z.number()),
        overlay: pngDataUrl,
        coarse: z.object({ height: z.number().int(), width: z.number().int() }),
        /** The map's maximum before scaling to [0, 1]; 0 when no unit speaks for the class. */
        peak: z.number(),
      }).nullable(),
      seconds: z.number(),
    }),
  },
};

export type InspectComputeRequest = z.output<typeof inspectContract.inspectCompute.request>;
export type InspectComputeResponse = z.output<typeof inspectContract.inspectCompute.response>;
