/**
 * Translatable messages: the engine writes every diagnostic and fix in English (the CLI prints those) and also
 * names it by a code with its interpolation values, so the editor can show it in the user's language from its
 * language files. The code lists here are the whole vocabulary: a diagnostic or fix with a code not listed is a
 * type error, and a renderer test checks every listed code has a text in every language.
 */
import { DESIGN_ERROR_CODES, DesignError, type DesignErrorCode } from './errors';
import { EXPORT_FEATURE_CODES, FILE_MESSAGE_CODES, exportEnglish } from './messages/files';
import { IMPORT_MESSAGE_CODES, importEnglish, type ImportMessageCode } from './messages/import';
import { DESIGN_MESSAGE_CODES, designEnglish, type DesignMessageCode } from './messages/design';

export { EXPORT_FEATURE_CODES, FILE_MESSAGE_CODES } from './messages/files';
export { IMPORT_MESSAGE_CODES, type LayerSettingNote } from './messages/import';
export { DESIGN_MESSAGE_CODES } from './messages/design';

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
 * `diagnostics:error.<code>`; `errorDetailEnglish` writes the English the worker sends as its message.
 */
export const TRAINING_ERROR_CODES = ['dataset-missing', 'backend-unavailable', 'input-shape', 'output-classes', 'output-classes-named', 'non-finite-loss', 'non-finite-loss-first'] as const;
/**
 * Codes of a refusal by the memory budget (`engine/node/limits.ts`): training or export, with the budget set by
 * `LAYERLOOM_MEMORY_BUDGET` or (`-machine`) half of the machine's memory.
 */
export const MEMORY_REFUSAL_CODES = ['memory-train', 'memory-train-machine', 'memory-export', 'memory-export-machine'] as const;
/**
 * Codes of the architecture search's refusals and errors: a candidate refused by a constraint
 * (`engine/search/space.ts`), a search space that does not fit the design, a search already running or with
 * nothing marked searchable.
 */
export const SEARCH_MESSAGE_CODES = [
  'search-invalid-design',
  'search-max-params',
  'search-max-macs',
  'search-max-memory',
  'search-min-rf',
  'search-no-node',
  'search-no-param',
  'search-bad-value',
  'search-value-invalid',
  'search-unknown-block',
  'search-busy',
  'search-nothing-marked',
  'search-values-empty',
  'search-values-nan',
  'search-values-token',
] as const;
/**
 * The code of an internal error (a worker that crashed, exited or sent an invalid event; an exception nobody
 * expected): not the user's fault, so the app says so in its language and shows the English technical text
 * (`values.reason`, which is the whole English message) labelled as such. `worker-crashed`: the training worker
 * died during a run (its checkpoint is kept).
 */
export const INTERNAL_ERROR_CODES = ['internal', 'worker-crashed'] as const;
/** Every code an error detail may carry: the app's texts are `diagnostics:error.<code>` (one per code, in every language). */
export const ERROR_DETAIL_CODES = [...INTERNAL_ERROR_CODES, ...TRAINING_ERROR_CODES, ...MEMORY_REFUSAL_CODES, ...SEARCH_MESSAGE_CODES, ...EXPORT_FEATURE_CODES, ...FILE_MESSAGE_CODES, ...IMPORT_MESSAGE_CODES, ...DESIGN_MESSAGE_CODES] as const;
export type TrainingErrorDetailCode = (typeof TRAINING_ERROR_CODES)[number];
export type ErrorDetailCode = (typeof ERROR_DETAIL_CODES)[number];

/**
 * An error or refusal by code + values, which travels with its English message (worker events, search events,
 * host errors) so the app can write it in its language. A value named `issue` is a validation message of the
 * engine's schemas (English; the app translates it with its `detail.*` patterns). `diagnostic` is the analysis
 * problem a refusal quotes as `reason` (the app writes it from its own code and values).
 */
export interface ErrorDetail {
  code: ErrorDetailCode;
  values: Record<string, string | number>;
  diagnostic?: QuotedDiagnostic;
  /** Several analysis problems quoted together as `reason` (joined by `; ` in English, by the language's separator in the app). */
  diagnostics?: QuotedDiagnostic[];
  /** The detail this one quotes as `reason` (its English is `values.reason`; the app writes it from its code). */
  cause?: ErrorDetail;
  /** Several details quoted as `reason`, one per line (`\n  - ` between them in English and in the app). */
  causes?: ErrorDetail[];
}

/** An analysis problem as a detail quotes it: its code, English, values and the node it is about. */
export type QuotedDiagnostic = { code: string; message: string; values?: MessageValues; subject?: { name: string; type: string; layer?: string } };

/** An analysis problem as a detail quotes it (only what the app needs to write it). */
export function quoteDiagnostic(d: QuotedDiagnostic): QuotedDiagnostic {
  return { code: d.code, message: d.message, ...(d.values ? { values: d.values } : {}), ...(d.subject ? { subject: d.subject } : {}) };
}

/** A `DesignError` whose message is the detail's English (after `path: `) and which carries the detail for the app. */
export function detailedError(kind: DesignErrorCode, detail: ErrorDetail, path?: string): DesignError {
  return new DesignError(kind, errorDetailEnglish(detail), path, undefined, detail);
}

/** An internal error's message and detail (its English is `message`, unchanged). */
export function internalError(message: string): { message: string; detail: ErrorDetail } {
  return { message, detail: { code: 'internal', values: { reason: message } } };
}

/** A detail quoting another as its `reason` (e.g. the file at fault, then what is wrong with it). */
export function quoting(code: ErrorDetailCode, values: ErrorDetail['values'], cause: ErrorDetail): ErrorDetail {
  return { code, values: { ...values, reason: errorDetailEnglish(cause) }, cause };
}
/** A training error's detail (the training worker's codes). */
export type TrainingErrorDetail = ErrorDetail & { code: TrainingErrorDetailCode };

/** The environment variable that sets the memory budget (`engine/node/limits.ts` reads it). */
export const MEMORY_BUDGET_ENV = 'LAYERLOOM_MEMORY_BUDGET';

/** `1.5 GB`, `640.0 MB`: sizes as people read them (the same in the app's languages). */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
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

/** Where a memory budget came from: `LAYERLOOM_MEMORY_BUDGET`'s text, or the machine's memory (half of it is the budget). */
export type MemoryBudgetSource = { setting: string } | { machineBytes: number };

/**
 * The detail of a design refused by the memory budget: what it needs (bytes) and for what (training at a batch
 * size, or an export format), its parameter count, the budget and where the budget came from.
 */
export function memoryRefusalDetail(purpose: { use: 'train'; batch: number } | { use: 'export'; format: string }, needBytes: number, params: number, budget: { bytes: number; source: MemoryBudgetSource }): ErrorDetail {
  const machine = 'machineBytes' in budget.source;
  const values = {
    need: formatBytes(needBytes),
    params,
    budget: formatBytes(budget.bytes),
    ...(purpose.use === 'train' ? { batch: purpose.batch } : { format: purpose.format }),
    ...('machineBytes' in budget.source ? { machine: formatBytes(budget.source.machineBytes) } : { setting: budget.source.setting }),
  };
  const code = purpose.use === 'train' ? (machine ? 'memory-train-machine' : 'memory-train') : machine ? 'memory-export-machine' : 'memory-export';
  return { code, values };
}

const SMALLER_HINT = 'Make it smaller (fewer filters or units, more downsampling) or lower the batch size.';
const en = (n: string | number | undefined) => (typeof n === 'number' ? n.toLocaleString('en-US') : String(n));

function memoryEnglish(v: ErrorDetail['values'], use: 'train' | 'export', machine: boolean): string {
  const purpose = use === 'train' ? `to train at batch ${v.batch}` : `to export as ${v.format}`;
  const counts = use === 'train' ? `${en(v.params)} parameters with their gradients and optimizer state, and the batch's activations` : `${en(v.params)} parameters: the built model and a serialized copy of its weights`;
  const source = machine ? `half of this machine's ${v.machine}; set ${MEMORY_BUDGET_ENV} (e.g. ${MEMORY_BUDGET_ENV}=16GB) to change it` : `${MEMORY_BUDGET_ENV}=${v.setting}`;
  return `the design needs about ${v.need} ${purpose} (${counts}), more than the memory budget of ${v.budget} (${source}). ${SMALLER_HINT}`;
}

/**
 * The English text of an error detail (the CLI's and the worker's message; the `en` language file must say the
 * same): the one place each of these sentences is written.
 */
export function errorDetailEnglish(d: ErrorDetail): string {
  const v = d.values;
  switch (d.code) {
    case 'internal':
      return String(v.reason);
    case 'worker-crashed':
      return `${v.reason}. The last checkpoint is kept; start again to continue.`;
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
    case 'memory-train':
    case 'memory-train-machine':
    case 'memory-export':
    case 'memory-export-machine':
      return memoryEnglish(v, d.code.startsWith('memory-train') ? 'train' : 'export', d.code.endsWith('-machine'));
    case 'search-invalid-design':
      return `the design is not valid: ${v.reason}`;
    case 'search-max-params':
      return `${en(v.params)} parameters > ${en(v.max)}`;
    case 'search-max-macs':
      return `${en(v.macs)} MACs > ${en(v.max)}`;
    case 'search-max-memory':
      return `training memory ${v.bytes} bytes > ${v.max}`;
    case 'search-min-rf':
      return `receptive field at the last convolution ${v.size} px < ${v.min}`;
    case 'search-no-node':
      return `params[${v.index}].node: no node '${v.node}' in the design`;
    case 'search-no-param':
      return `params[${v.index}].param: ${v.type} '${v.name}' has no param '${v.param}' (it has ${v.params})`;
    case 'search-bad-value':
      return `params[${v.index}].values[${v.valueIndex}]: ${errorDetailEnglish({ code: 'search-value-invalid', values: v })}`;
    case 'search-value-invalid':
      return `${v.value} is not a valid ${v.param} for ${v.type}: ${v.issue}`;
    case 'search-unknown-block':
      return `unknown block type ${v.type}`;
    case 'search-busy':
      return 'a search is already in progress; stop it first';
    case 'search-nothing-marked':
      return 'no param is marked searchable; mark some in the inspector first';
    case 'search-values-empty':
      return 'expected at least one value, e.g. 8, 16, 32';
    case 'search-values-nan':
      return `'${v.token}' is not a number`;
    case 'search-values-token':
      return `'${v.token}': ${v.reason}`;
    default:
      if ((IMPORT_MESSAGE_CODES as readonly string[]).includes(d.code)) return importEnglish(d.code as ImportMessageCode, v);
      if ((DESIGN_MESSAGE_CODES as readonly string[]).includes(d.code)) return designEnglish(d.code as DesignMessageCode, v);
      return exportEnglish(d.code as Parameters<typeof exportEnglish>[0], v);
  }
}

/** One item of a list value (e.g. each input of a merge with its shape), written with the language's item text. */
export type MessageItem = Record<string, string | number>;

/**
 * Interpolation values of a message. `context` picks a variant of the code's text (i18next's context: the key
 * `<code>_<context>`); a list value is written item by item and joined.
 */
export type MessageValues = Record<string, string | number | MessageItem[]>;
