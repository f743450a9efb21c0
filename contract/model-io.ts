/**
 * Model files in the app (File ▸ Export… / Import model…, the code panel's save-as): the formats, in one list
 * each, and the request/response schemas of their host channels. A new format is one entry here plus its
 * writer in engine/node/export-model.ts (which the CLI shares).
 */
import { z } from 'zod';

/** Export formats, in menu order. `output` says whether the path names a file or a folder. */
export const EXPORT_FORMATS = [
  { id: 'ts', label: 'TypeScript (tfjs)', output: 'file', defaultName: 'model.ts', describe: 'model.ts: buildModel() with @tensorflow/tfjs' },
  { id: 'keras', label: 'Keras', output: 'file', defaultName: 'model.py', describe: 'model.py: build_model() with tf.keras' },
  { id: 'pytorch', label: 'PyTorch + train.py', output: 'folder', defaultName: 'pytorch', describe: 'a folder with model.py (nn.Module) and train.py' },
  { id: 'tfjs', label: 'tfjs model.json + weights', output: 'folder', defaultName: 'tfjs-model', describe: 'a folder with model.json and weights.bin (trained weights from a run folder, else fresh ones)' },
  { id: 'onnx', label: 'ONNX', output: 'file', defaultName: 'model.onnx', describe: 'model.onnx: opset 17, channels-first input [N, C, H, W] (trained weights from a run folder, else fresh ones)' },
] as const;

/** An export format id. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number]['id'];
/** The format ids, for the schema. */
export const EXPORT_FORMAT_IDS = EXPORT_FORMATS.map((f) => f.id) as unknown as readonly [ExportFormat, ...ExportFormat[]];

/** Formats that can carry trained weights from a training run folder. */
export const WEIGHTS_FORMATS: ReadonlySet<ExportFormat> = new Set<ExportFormat>(['tfjs', 'onnx']);

/** Model files the importer reads (shown in the Import prompt). */
export const IMPORT_FORMATS = [
  { id: 'tfjs-layers', label: 'tfjs Layers model.json' },
  { id: 'keras-json', label: 'Keras model JSON (model.to_json())' },
  { id: 'onnx', label: 'ONNX model (.onnx, with its weights)' },
] as const;

const filePath = z.string().min(1, 'expected a path').max(4096, 'expected a path of at most 4096 characters')
  .refine((p) => !p.includes('\0'), 'expected a path without NUL characters');

/** Largest generated text the code panel may save (bytes of UTF-8). */
export const MAX_CODE_BYTES = 20 * 1024 * 1024;

/** The channels' schemas, merged into the host contract. */
export const modelIoContract = {
  /** Writes the design in `format` at `path` (a file or a folder, see EXPORT_FORMATS); `runDir` gives trained weights. */
  modelExport: {
    request: z.object({
      document: z.record(z.string(), z.unknown()),
      format: z.enum(EXPORT_FORMAT_IDS),
      path: filePath,
      runDir: filePath.optional(),
    }).strict(),
    response: z.object({ files: z.array(z.string()), params: z.number().int().nonnegative(), trainedFrom: z.string().nullable() }),
  },
  /** Reads a model file and returns it as a design document (laid out), not yet opened. */
  modelImport: {
    request: z.object({ path: filePath }).strict(),
    response: z.object({ path: z.string(), document: z.record(z.string(), z.unknown()), layers: z.number().int().nonnegative() }),
  },
  /** Writes one generated source file (the code panel's save-as). */
  codeFileWrite: {
    request: z.object({ path: filePath, text: z.string().max(MAX_CODE_BYTES, `expected at most ${MAX_CODE_BYTES} characters`) }).strict(),
    response: z.object({ path: z.string(), bytes: z.number().int().nonnegative() }),
  },
};
