import type { ErrorDetail } from './messages';

/** Codes for every kind of user-facing design error; callers switch on these, never on message text. */
export const DESIGN_ERROR_CODES = [
  'invalid-json',
  'invalid-document',
  'unsupported-version',
  'unknown-block',
  'invalid-params',
  'invalid-graph',
  'unknown-template',
  'unsupported-export',
  'import-failed',
  'data-mismatch',
] as const;
export type DesignErrorCode = (typeof DESIGN_ERROR_CODES)[number];

/**
 * An error in a design or in data the user supplied. `path` names where ("nodes[3].params.kernelSize"),
 * `message` says what was expected; neither contains a stack trace.
 */
export class DesignError extends Error {
  constructor(
    readonly code: DesignErrorCode,
    message: string,
    readonly path?: string,
    readonly details?: string[],
    /** The message by code + values, for the app's languages (see engine/messages.ts `ERROR_DETAIL_CODES`). */
    readonly detail?: ErrorDetail,
  ) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'DesignError';
  }
}

/** Formats a path of keys and indices as `nodes[3].params.kernelSize`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(document)';
}

/** Exhaustiveness guard for discriminated unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
