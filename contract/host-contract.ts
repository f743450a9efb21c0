/**
 * The one typed host API (GitHub Desktop's `ipc-shared.ts` style): every channel's request and response as
 * zod schemas, inferred into types. Both transports (Electron IPC and the browser-mode HTTP/WebSocket server)
 * validate requests against these schemas before a host service runs, and both answer with a `HostResult`.
 * Pure zod: safe to import from the renderer, the preload bundle excepted (it uses `channels.ts`).
 */
import { z } from 'zod';
import { backendChoiceSchema, datasetSpecSchema, eventSchema as trainingEventSchema, overridesSchema, type ErrorDetailInfo } from './training-protocol';
import type { EventChannel, InvokeChannel } from './channels';
import { inspectContract } from './inspect';
import { modelIoContract } from './model-io';
import { searchContract, searchEventSchema } from './search';
import { trainingRunsContract } from './training-runs';

/** Largest document text the host reads or writes (bytes of UTF-8). */
export const MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;

const filePath = z.string().min(1, 'expected a file path').max(4096, 'expected a path of at most 4096 characters')
  .refine((p) => !p.includes('\0'), 'expected a path without NUL characters');
const documentText = z.string().max(MAX_DOCUMENT_BYTES, `expected at most ${MAX_DOCUMENT_BYTES} characters`);
const empty = z.object({}).strict();

/** Where the app runs: the Electron shell or the browser-mode server. */
export const appModeSchema = z.enum(['electron', 'browser']);

/** Commands a native menu (or its shortcut) sends to the renderer, which owns the document and its history. */
export const MENU_COMMANDS = [
  'new', 'open', 'openRecent', 'save', 'saveAs',
  'undo', 'redo', 'duplicate', 'delete', 'selectAll',
  'fitView', 'autoLayout', 'toggleTheme', 'toggleMinimap', 'showShortcuts', 'about',
  'exportModel', 'importModel', 'toggleCode',
] as const;
/** A command sent by a native menu item. */
export type MenuCommand = (typeof MENU_COMMANDS)[number];

const dialogRequest = z.object({ defaultPath: filePath.optional() }).strict();
/** Dialogs exist only in Electron; in browser mode the renderer shows its own path prompt. */
const dialogResponse = z.discriminatedUnion('supported', [
  z.object({ supported: z.literal(false) }),
  z.object({ supported: z.literal(true), path: z.string().nullable() }),
]);

const recentFiles = z.object({ files: z.array(z.string()) });

/** A crash-recovery snapshot: the document text and where it was last saved, if anywhere. */
export const autosaveSchema = z.object({
  text: documentText,
  path: filePath.nullable(),
  savedAt: z.string(),
});

/** Request and response schemas of every request/response channel. */
export const invokeContract = {
  appInfo: {
    request: empty,
    response: z.object({
      mode: appModeSchema,
      version: z.string(),
      platform: z.string(),
      /** Where relative paths typed into the browser-mode path prompt resolve. */
      documentsDir: z.string(),
      /** Whether `showOpenDialog`/`showSaveDialog` open native dialogs. */
      nativeDialogs: z.boolean(),
    }),
  },
  readDocument: {
    request: z.object({ path: filePath }).strict(),
    response: z.object({ path: z.string(), text: z.string() }),
  },
  writeDocument: {
    request: z.object({ path: filePath, text: documentText }).strict(),
    response: z.object({ path: z.string(), bytes: z.number().int().nonnegative() }),
  },
  showOpenDialog: { request: dialogRequest, response: dialogResponse },
  showSaveDialog: { request: dialogRequest, response: dialogResponse },
  recentFilesGet: { request: empty, response: recentFiles },
  recentFilesAdd: { request: z.object({ path: filePath }).strict(), response: recentFiles },
  recentFilesClear: { request: empty, response: recentFiles },
  autosaveWrite: {
    request: z.object({ text: documentText, path: filePath.nullable().default(null) }).strict(),
    response: z.object({ savedAt: z.string() }),
  },
  autosaveRead: { request: empty, response: z.object({ autosave: autosaveSchema.nullable() }) },
  autosaveClear: { request: empty, response: z.object({ cleared: z.boolean() }) },
  /** Starts a training run in the worker process; progress arrives as `trainingEvent`s. The host picks the run folder. */
  trainingStart: {
    request: z.object({
      document: z.record(z.string(), z.unknown()),
      dataset: datasetSpecSchema.default({ kind: 'default' }),
      overrides: overridesSchema.default({}),
      backend: backendChoiceSchema.default('auto'),
      /** A checkpoint folder of an earlier run (inside the runs folder) to continue from. */
      resumeFrom: filePath.optional(),
    }).strict(),
    response: z.object({ runId: z.string(), outDir: z.string() }),
  },
  trainingStop: { request: empty, response: z.object({ running: z.boolean() }) },
  trainingPause: { request: empty, response: z.object({ running: z.boolean() }) },
  trainingResume: { request: empty, response: z.object({ running: z.boolean() }) },
  ...trainingRunsContract,
  ...modelIoContract,
  ...inspectContract,
  ...searchContract,
} satisfies Record<InvokeChannel, { request: z.ZodType; response: z.ZodType }>;

/** Payload schemas of every event channel (host -> renderer). */
export const eventContract = {
  menuCommand: z.object({ command: z.enum(MENU_COMMANDS), path: z.string().optional() }),
  /** Every event of the training worker (contract/training-protocol.ts), validated on the way out. */
  trainingEvent: trainingEventSchema,
  /** Every event of the search worker (contract/search.ts). */
  searchEvent: searchEventSchema,
} satisfies Record<EventChannel, z.ZodType>;

/** The request a channel takes (after defaults are applied). */
export type InvokeRequest<C extends InvokeChannel> = z.output<(typeof invokeContract)[C]['request']>;
/** The request a caller may send (defaults optional). */
export type InvokeRequestInput<C extends InvokeChannel> = z.input<(typeof invokeContract)[C]['request']>;
/** The value a channel answers with. */
export type InvokeResponse<C extends InvokeChannel> = z.output<(typeof invokeContract)[C]['response']>;
/** The payload of an event channel. */
export type EventPayload<C extends EventChannel> = z.output<(typeof eventContract)[C]>;
/** Application info returned by `appInfo`. */
export type AppInfo = InvokeResponse<'appInfo'>;
/** A training worker event. */
export type TrainingEventPayload = EventPayload<'trainingEvent'>;
/** A crash-recovery snapshot. */
export type Autosave = z.output<typeof autosaveSchema>;

/** Machine-readable reasons a host call failed; callers switch on these, never on message text. */
export type HostErrorCode =
  | 'invalid-request'
  | 'unknown-channel'
  | 'not-found'
  | 'permission-denied'
  | 'bad-path'
  | 'too-large'
  | 'bad-model'
  | 'io-error';

/** A host failure as it crosses a transport: what went wrong and, for invalid requests, where. */
export interface HostErrorInfo {
  code: HostErrorCode;
  message: string;
  /** For `invalid-request`: the request field at fault (`path`, `text`). */
  path?: string;
  /** The message by code + values (engine/messages.ts `ERROR_DETAIL_CODES`), so the app can show it in its language. */
  detail?: ErrorDetailInfo;
}

/** What every channel answers on both transports: a value or a typed error (never a thrown stack trace). */
export type HostResult<T> = { ok: true; value: T } | { ok: false; error: HostErrorInfo };

/** A failure raised inside a host service; transports turn it into `{ ok: false, error }`. */
export class HostError extends Error {
  constructor(readonly code: HostErrorCode, message: string, readonly path?: string, readonly detail?: HostErrorInfo['detail']) {
    super(message);
    this.name = 'HostError';
  }

  /** The serializable form sent over a transport. */
  toInfo(): HostErrorInfo {
    return { code: this.code, message: this.message, ...(this.path === undefined ? {} : { path: this.path }), ...(this.detail ? { detail: this.detail } : {}) };
  }
}

function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || '(request)';
}

/**
 * Validates an untrusted request for `channel`. Returns the parsed request, or a `HostError` with code
 * `invalid-request` whose `path` names the first bad field ("path: expected a file path").
 */
export function parseRequest<C extends InvokeChannel>(channel: C, raw: unknown): InvokeRequest<C> {
  const result = invokeContract[channel].request.safeParse(raw ?? {});
  if (result.success) return result.data as InvokeRequest<C>;
  const issue = result.error.issues[0];
  const where = formatIssuePath(issue.path as PropertyKey[]);
  throw new HostError('invalid-request', `${channel}: ${where}: ${issue.message}`, where);
}
