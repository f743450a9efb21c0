/**
 * What the code generators read: the flat, composite-free graph of an analysed design. `CodegenNode` is
 * structurally the analysis' `FlatNode`, so `analyzeDesign(doc).flat` can be passed as is.
 */
import type { FlatNode } from '../analysis/types';
import type { TrainingSettings } from '../schema/document';
import type { ErrorDetail } from '../messages';

/**
 * One primitive layer of the flattened design, in topological order: the analysis' `FlatNode` (its `name` is the
 * user's free text: sanitize before writing it anywhere; `layer` is null for Input and Output).
 */
export type CodegenNode = Omit<FlatNode, 'origin'>;

/** Everything a generator needs: document metadata, the flat graph and the engine's parameter counts. */
export interface CodegenModel {
  name: string;
  description: string;
  source: string;
  nodes: CodegenNode[];
  totals: { params: number; trainableParams: number };
  training: TrainingSettings;
}

/** The code targets; `tfjs` is model.json + weights written by the compiler, not source code. */
export type ExportTarget = 'ts' | 'keras' | 'pytorch' | 'tfjs';

export const EXPORT_TARGETS: readonly ExportTarget[] = ['ts', 'keras', 'pytorch', 'tfjs'];

/** Something in a design that a target cannot express faithfully; the export refuses while any exist. */
export interface UnsupportedFeature {
  /** Flat node id (or '' for a whole-model limitation). */
  nodeId: string;
  /** The user's node name, for the message. */
  nodeName: string;
  /** English (the CLI's), written from `detail`. */
  message: string;
  /** What the target cannot express, by code + values (the app writes it in its language). */
  detail: ErrorDetail;
}

/** One file of an export, relative to the output folder. */
export interface GeneratedFile {
  path: string;
  contents: string;
}
