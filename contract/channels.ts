/**
 * The names of every host channel, in a file without dependencies so the sandboxed preload can allow-list
 * them without bundling zod. `contract.ts` maps each name to its schemas and must cover exactly these.
 */

/** Request/response channels: the renderer asks, the host answers (IPC `invoke` or HTTP `POST /api/<channel>`). */
export const INVOKE_CHANNELS = [
  'appInfo',
  'readDocument',
  'writeDocument',
  'showOpenDialog',
  'showSaveDialog',
  'recentFilesGet',
  'recentFilesAdd',
  'recentFilesClear',
  'autosaveWrite',
  'autosaveRead',
  'autosaveClear',
  'trainingStart',
  'trainingStop',
  'trainingPause',
  'trainingResume',
  'trainingStatus',
  'trainingDatasetPreview',
  'trainingRuns',
  'trainingRunGet',
  'trainingRunSamples',
  'trainingRunExport',
  'modelExport',
  'modelImport',
  'codeFileWrite',
  'inspectCompute',
  'searchStart',
  'searchStop',
  'searchStatus',
  'searchList',
  'searchGet',
] as const;

/** Event channels: the host pushes, the renderer listens (IPC `send` or the WebSocket `/events`). */
export const EVENT_CHANNELS = ['menuCommand', 'trainingEvent', 'searchEvent'] as const;

/** A request/response channel name. */
export type InvokeChannel = (typeof INVOKE_CHANNELS)[number];
/** An event channel name. */
export type EventChannel = (typeof EVENT_CHANNELS)[number];

/** Narrows an untrusted string to a known request/response channel. */
export function isInvokeChannel(name: unknown): name is InvokeChannel {
  return typeof name === 'string' && (INVOKE_CHANNELS as readonly string[]).includes(name);
}

/** Narrows an untrusted string to a known event channel. */
export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && (EVENT_CHANNELS as readonly string[]).includes(name);
}

/** The IPC channel name used on the wire for an invoke channel (namespaced so nothing else collides). */
export const ipcInvokeName = (channel: InvokeChannel): string => `layerloom:${channel}`;
/** The IPC channel name used on the wire for an event channel. */
export const ipcEventName = (channel: EventChannel): string => `layerloom:event:${channel}`;
