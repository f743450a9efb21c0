/**
 * Translatable messages: the engine writes every diagnostic and fix in English (the CLI prints those) and also
 * names it by a code with its interpolation values, so the editor can show it in the user's language from its
 * language files. The code lists here are the whole vocabulary: a diagnostic or fix with a code not listed is a
 * type error, and a renderer test checks every listed code has a text in every language.
 */
import { DESIGN_ERROR_CODES } from './errors';

/** Codes of the problems the analysis finds itself (graph, shapes, costs); errors of composite expansion add `DesignErrorCode`s. */
export const ANALYSIS_CODES = [
  'dangling-edge',
  'unknown-port',
  'unconnected',
  'missing-input',
  'too-many-inputs',
  'unused-output',
  'cycle',
  'no-input',
  'no-output',
  'memory-budget',
  'invalid-params',
  'unknown-block',
  'composite-recursion',
  'rf-misaligned',
  'needs-flatten',
  'needs-image',
  'spatial-too-small',
  'shape-mismatch',
  'reshape-mismatch',
  'unsupported',
] as const;

/**
 * Every code a diagnostic can carry. A composite whose expansion throws a `DesignError` reports it under the
 * error's code with the English text as `values.detail` (context `detail`).
 */
export const DIAGNOSTIC_CODES = [...new Set([...ANALYSIS_CODES, ...DESIGN_ERROR_CODES])] as readonly DiagnosticCode[];
export type DiagnosticCode = (typeof ANALYSIS_CODES)[number] | (typeof DESIGN_ERROR_CODES)[number];

/** Every code a one-click fix can carry. */
export const FIX_CODES = [
  'remove-edge',
  'remove-node',
  'keep-first-edge',
  'remove-cycle-edge',
  'add-input',
  'add-output',
  'reset-param',
  'reset-params',
  'insert-block',
  'insert-projection',
  'padding-same',
  'insert-zero-padding',
] as const;
export type FixCode = (typeof FIX_CODES)[number];

/** Codes of a refused wire (`canConnect`): the editor shows the reason in its language (`diagnostics:connect.<code>`). */
export const CONNECT_CODES = [
  'connect-missing-end',
  'connect-self',
  'connect-from-output',
  'connect-no-output-port',
  'connect-into-input',
  'connect-no-input-port',
  'connect-duplicate',
  'connect-cycle',
] as const;
export type ConnectCode = (typeof CONNECT_CODES)[number];

/**
 * Codes of a training error's detail (the protocol's `error.detail`): the app shows it from
 * `diagnostics:error.<code>`; `trainingErrorEnglish` writes the English the worker sends as its message.
 */
export const TRAINING_ERROR_CODES = ['dataset-missing', 'backend-unavailable', 'input-shape', 'output-classes', 'output-classes-named', 'non-finite-loss', 'non-finite-loss-first'] as const;
export type TrainingErrorDetailCode = (typeof TRAINING_ERROR_CODES)[number];
export interface TrainingErrorDetail {
  code: TrainingErrorDetailCode;
  values: Record<string, string | number>;
}

const DIVERGED_HINT = 'Lower the learning rate, add BatchNorm, or check the data.';

/**
 * The detail of a loss that stopped being finite (1-based epoch and batch): with the last good checkpoint when an
 * epoch had completed.
 */
export function nonFiniteLossDetail(loss: string, epoch: number, batch: number, learningRate: number, checkpoint: { epoch: number; dir: string } | null): TrainingErrorDetail {
  const values = { loss, epoch, batch, lr: learningRate.toPrecision(3) };
  return checkpoint ? { code: 'non-finite-loss', values: { ...values, checkpointEpoch: checkpoint.epoch, dir: checkpoint.dir } } : { code: 'non-finite-loss-first', values };
}

/** The English text of a training error detail (the worker's message; the `en` language file must say the same). */
export function trainingErrorEnglish(d: TrainingErrorDetail): string {
  const v = d.values;
  switch (d.code) {
    case 'dataset-missing':
      return `dataset folder ${v.dir} does not exist`;
    case 'backend-unavailable':
      return `backend '${v.backend}' cannot be used: ${v.reason}`;
    case 'input-shape':
      return `the design's input is ${v.want} but ${v.dataset} has ${v.shape} images: set Input to ${v.shape}`;
    case 'output-classes':
      return `the design outputs ${v.units} values but ${v.dataset} has ${v.classes} classes: set the last Dense to ${v.classes} units`;
    case 'output-classes-named':
      return `the output '${v.output}' has ${v.units} values but ${v.dataset} has ${v.classes} classes: set the Dense before it to ${v.classes} units`;
    case 'non-finite-loss':
      return `the loss became ${v.loss} at epoch ${v.epoch}, batch ${v.batch} (learning rate ${v.lr}); training stopped. The last good checkpoint (epoch ${v.checkpointEpoch}) is kept in ${v.dir}. ${DIVERGED_HINT}`;
    case 'non-finite-loss-first':
      return `the loss became ${v.loss} at epoch ${v.epoch}, batch ${v.batch} (learning rate ${v.lr}); training stopped. No epoch had completed, so there is no checkpoint. ${DIVERGED_HINT}`;
  }
}

/** One item of a list value (e.g. each input of a merge with its shape), written with the language's item text. */
export type MessageItem = Record<string, string | number>;

/**
 * Interpolation values of a message. `context` picks a variant of the code's text (i18next's context: the key
 * `<code>_<context>`); a list value is written item by item and joined.
 */
export type MessageValues = Record<string, string | number | MessageItem[]>;
