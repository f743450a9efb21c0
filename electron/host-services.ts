/**
 * The host services: everything the renderer asks of the machine (files, recent files, crash-recovery
 * autosave, dialogs, app info), implemented once and served by both transports — Electron IPC (`ipc-main.ts`)
 * and the browser-mode HTTP server (`browser-server.ts`). No Electron import here: dialogs are injected.
 */
import { readFile, stat, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { extname, join } from 'node:path';
import { isInvokeChannel, type InvokeChannel } from '../contract/channels';
import {
  HostError, MAX_DOCUMENT_BYTES, autosaveSchema, parseRequest,
  type Autosave, type HostResult, type InvokeRequest, type InvokeResponse,
} from '../contract/host-contract';
import { sweepAtomicTemps, writeFileAtomic } from '../engine/node/fs-atomic';
import { createTrainingService, type TrainingService } from './training-service';
import { createInspectService, type InspectService } from './inspect-service';
import { createSearchService, type SearchService } from './search-service';
import { createModelIoServices } from './model-io';
import { createPathGuard } from './path-guard';
import { fsFailure, refusedBy } from './fs-failure';
import { WEIGHTS_FORMATS } from '../contract/model-io';
import { analyzeDesign } from '../engine/analysis/analyze';
import { DesignError } from '../engine/errors';
import { assertWithinMemoryBudget } from '../engine/node/limits';
import { parseDocument } from '../engine/schema/load';
import type { EventChannel } from '../contract/channels';
import type { EventPayload } from '../contract/host-contract';

/** Native file dialogs (Electron only); each resolves to the chosen path or `null` when cancelled. */
export interface NativeDialogs {
  open(defaultPath?: string): Promise<string | null>;
  save(defaultPath?: string): Promise<string | null>;
}

/** How the host services are set up by the transport that serves them. */
export interface HostServicesOptions {
  mode: 'electron' | 'browser';
  version: string;
  /** Where recent files, autosave and window state live (`~/.layerloom` or Electron's userData). */
  userDataDir: string;
  /** Where relative paths resolve (the browser-mode path prompt); defaults to the home folder. */
  documentsDir?: string;
  platform?: string;
  dialogs?: NativeDialogs;
  /** Called after the recent-files list changes (Electron rebuilds its Open Recent menu). */
  onRecentFilesChanged?: (files: string[]) => void;
  /** Pushes an event to the renderer(s) over the transport (training progress). */
  emit?: <C extends EventChannel>(channel: C, payload: EventPayload<C>) => void;
  /** The training worker entry (see `training-service.ts`). */
  trainingWorkerEntry?: string;
  /** Where training runs are kept (default: `<documentsDir>/LayerLoom runs` in browser mode, `<userDataDir>/runs` in Electron). */
  runsDir?: string;
  /**
   * The folders document and model-file paths must stay inside (see `path-guard.ts`). Default: the documents
   * folder in browser mode (no native dialogs: every path comes from the page), unconfined in Electron.
   */
  allowedRoots?: string[] | null;
  /**
   * More folders dataset paths may name, besides `allowedRoots` (browser mode: `LAYERLOOM_DATASET_DIRS`). Where
   * paths are confined, dataset folders are too (training, previews, searches, a run's dataset in Inspect).
   */
  datasetDirs?: string[];
}

/** One async handler per channel, taking a validated request. */
export type HostHandlers = { [C in InvokeChannel]: (request: InvokeRequest<C>) => Promise<InvokeResponse<C>> };

/** The handlers plus teardown of what they started (the training worker). */
export type HostServices = HostHandlers & { dispose(): Promise<void> };

/** How many recent files are remembered. */
export const MAX_RECENT_FILES = 10;
/** Design documents are JSON; the host reads and writes nothing else (limits the harm of a leaked token). */
const DOCUMENT_EXTENSION = '.json';

/** The default user data dir outside Electron. */
export function defaultUserDataDir(): string {
  return join(homedir(), '.layerloom');
}


/** Weight-carrying exports build the model: refuse one over the memory budget first (engine/node/limits.ts). */
function exportBudgetCheck(document: Record<string, unknown>, format: string): void {
  let analysis;
  try {
    analysis = analyzeDesign(parseDocument(document), { batchSize: 1 });
  } catch {
    return; // an unreadable design is the exporter's to report, with its own message
  }
  try {
    assertWithinMemoryBudget(analysis, { use: 'export', format });
  } catch (err) {
    if (err instanceof DesignError) throw new HostError('too-large', err.message, 'document', err.detail);
    throw err;
  }
}

/** Creates the host services for one app instance. */
export function createHostServices(options: HostServicesOptions): HostServices {
  const documentsDir = options.documentsDir ?? homedir();
  const recentPath = join(options.userDataDir, 'recent-files.json');
  const autosavePath = join(options.userDataDir, 'autosave.json');
  const modelIo = createModelIoServices({ documentsDir });
  // Temporary files of saves killed in an earlier run (our own pattern, over a minute old) are removed at start.
  for (const dir of new Set([options.userDataDir, documentsDir])) void sweepAtomicTemps(dir);

  /** Expands `~`, resolves relative paths against the documents dir and insists on a `.json` file. */
  function documentPath(raw: string): string {
    const full = guard.check(raw);
    if (extname(full).toLowerCase() !== DOCUMENT_EXTENSION) {
      throw refusedBy('bad-path', { code: 'document-not-json', values: { path: raw } }, 'path');
    }
    return full;
  }

  async function readRecent(): Promise<string[]> {
    try {
      const parsed: unknown = JSON.parse(await readFile(recentPath, 'utf8'));
      return Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string').slice(0, MAX_RECENT_FILES) : [];
    } catch {
      return []; // missing or corrupt: start a fresh list rather than fail the app
    }
  }

  /**
   * Recent-file changes are group-committed: calls arriving while a write is in flight are applied together by
   * the next one (read, apply in order, write only when the list changed), so concurrent opens and saves never
   * lose each other's entries and a burst costs one write, not one per call. The list is a convenience, so it
   * is written without fsync (every document read and write updates it; see bench:server).
   */
  type RecentChange = { add?: string; clear?: true; resolve: (files: string[]) => void; reject: (err: unknown) => void };
  let recentQueue: RecentChange[] = [];
  let recentWriting = false;
  async function commitRecent(): Promise<void> {
    if (recentWriting) return;
    recentWriting = true;
    while (recentQueue.length) {
      const batch = recentQueue;
      recentQueue = [];
      try {
        const before = await readRecent();
        let files = before;
        for (const change of batch) files = change.clear ? [] : [change.add!, ...files.filter((p) => p !== change.add)].slice(0, MAX_RECENT_FILES);
        if (files.length !== before.length || files.some((p, i) => p !== before[i])) {
          await writeFileAtomic(recentPath, JSON.stringify(files, null, 2) + '\n', { mkdirs: true, fsync: false });
          options.onRecentFilesChanged?.(files);
        }
        for (const change of batch) change.resolve(files);
      } catch (err) {
        for (const change of batch) change.reject(err);
      }
    }
    recentWriting = false;
  }
  function changeRecent(change: { add: string } | { clear: true }): Promise<string[]> {
    return new Promise((resolve, reject) => {
      recentQueue.push({ ...change, resolve, reject });
      void commitRecent();
    });
  }

  // Browser mode keeps runs beside the user's documents (it has no app data folder of its own); Electron in its data folder.
  const runsDir = options.runsDir ?? (options.mode === 'browser' ? join(documentsDir, 'LayerLoom runs') : join(options.userDataDir, 'runs'));
  // Browser mode: every path comes from the page, so it stays in the folders the user launched with (path-guard.ts).
  const guard = createPathGuard({
    baseDir: documentsDir,
    roots: options.allowedRoots !== undefined ? options.allowedRoots : options.mode === 'browser' ? [documentsDir, runsDir] : null,
    platform: options.platform,
  });
  // Datasets are read-only inputs but their pixels go back to the page (previews, samples): same confinement.
  const datasetGuard = guard.roots
    ? createPathGuard({
      baseDir: documentsDir,
      roots: [...guard.roots, ...(options.datasetDirs ?? [])],
      platform: options.platform,
      purpose: 'dataset',
    })
    : undefined;
  let training: TrainingService | undefined;
  const trainingService = (): TrainingService =>
    (training ??= createTrainingService({
      userDataDir: options.userDataDir,
      runsDir,
      documentsDir,
      workerEntry: options.trainingWorkerEntry,
      emit: (event) => options.emit?.('trainingEvent', event),
      datasetGuard,
    }));

  let search: SearchService | undefined;
  const searchService = (): SearchService =>
    (search ??= createSearchService({ runsDir, documentsDir, datasetGuard, emit: (event) => options.emit?.('searchEvent', event) }));

  let inspect: InspectService | undefined;
  const inspectService = (): InspectService => (inspect ??= createInspectService({ runsDir, datasetGuard }));

  const addRecent = (path: string): Promise<string[]> => changeRecent({ add: path });

  return {
    // Model files go through the same confinement as documents (the export's run folder too).
    modelExport: async (request) => {
      guard.check(request.path);
      if (request.runDir !== undefined) guard.check(request.runDir, 'runDir');
      if (WEIGHTS_FORMATS.has(request.format)) exportBudgetCheck(request.document, request.format);
      return modelIo.modelExport(request);
    },
    modelImport: async (request) => (guard.check(request.path), modelIo.modelImport(request)),
    codeFileWrite: async (request) => (guard.check(request.path), modelIo.codeFileWrite(request)),
    async appInfo() {
      return {
        mode: options.mode,
        version: options.version,
        platform: options.platform ?? process.platform,
        documentsDir,
        nativeDialogs: options.dialogs !== undefined,
      };
    },
    async readDocument({ path }) {
      const full = documentPath(path);
      let text: string;
      try {
        const info = await stat(full);
        if (info.isDirectory()) throw refusedBy('bad-path', { code: 'fs-is-folder', values: { path: full } }, 'path');
        if (info.size > MAX_DOCUMENT_BYTES) throw refusedBy('too-large', { code: 'document-too-large', values: { path: full, size: info.size, max: MAX_DOCUMENT_BYTES } }, 'path');
        text = await readFile(full, 'utf8');
      } catch (err) {
        throw err instanceof HostError ? err : fsFailure(err, full);
      }
      await addRecent(full);
      return { path: full, text };
    },
    async writeDocument({ path, text }) {
      const full = documentPath(path);
      let bytes: number;
      try {
        bytes = await writeFileAtomic(full, text, { mkdirs: false });
      } catch (err) {
        throw fsFailure(err, full);
      }
      await addRecent(full);
      return { path: full, bytes };
    },
    async showOpenDialog({ defaultPath }) {
      if (!options.dialogs) return { supported: false as const };
      return { supported: true as const, path: await options.dialogs.open(defaultPath) };
    },
    async showSaveDialog({ defaultPath }) {
      if (!options.dialogs) return { supported: false as const };
      return { supported: true as const, path: await options.dialogs.save(defaultPath) };
    },
    async recentFilesGet() {
      return { files: await readRecent() };
    },
    async recentFilesAdd({ path }) {
      return { files: await addRecent(documentPath(path)) };
    },
    async recentFilesClear() {
      return { files: await changeRecent({ clear: true }) };
    },
    async autosaveWrite({ text, path }) {
      const savedAt = new Date().toISOString();
      const snapshot: Autosave = { text, path, savedAt };
      await writeFileAtomic(autosavePath, JSON.stringify(snapshot), { mkdirs: true });
      return { savedAt };
    },
    async autosaveRead() {
      try {
        const parsed = autosaveSchema.safeParse(JSON.parse(await readFile(autosavePath, 'utf8')));
        return { autosave: parsed.success ? parsed.data : null };
      } catch {
        return { autosave: null };
      }
    },
    async autosaveClear() {
      try {
        await unlink(autosavePath);
        return { cleared: true };
      } catch {
        return { cleared: false };
      }
    },
    trainingStart: (request) => trainingService().start(request),
    trainingStop: async () => (training ? training.stop() : { running: false }),
    trainingPause: async () => (training ? training.pause() : { running: false }),
    trainingResume: async () => (training ? training.resume() : { running: false }),
    trainingStatus: async () => (training ? training.status({}) : { running: false, runId: null, workerPid: null, request: null, design: null, events: [] }),
    trainingDatasetPreview: (request) => trainingService().preview(request),
    trainingRuns: () => trainingService().runs({}),
    trainingRunGet: (request) => trainingService().runGet(request),
    trainingRunSamples: (request) => trainingService().runSamples(request),
    trainingRunExport: async (request) => (guard.check(request.dir, 'dir'), trainingService().runExport(request)),
    inspectCompute: (request) => inspectService().inspectCompute(request),
    searchStart: (request) => searchService().start(request),
    searchStop: async () => (search ? search.stop() : { running: false }),
    searchStatus: async () => (search ? search.status() : { running: false, searchId: null, design: null, events: [] }),
    searchList: () => searchService().list(),
    searchGet: (request) => searchService().get(request),
    async dispose() {
      await search?.dispose();
      await inspect?.dispose();
      await training?.dispose();
    },
  };
}

/**
 * Runs one untrusted call on the host services: checks the channel name, validates the request with the
 * contract, and turns every failure into `{ ok: false, error }`. Both transports call this and nothing else.
 */
export async function dispatchInvoke(handlers: HostHandlers, channel: unknown, rawRequest: unknown): Promise<HostResult<unknown>> {
  try {
    if (!isInvokeChannel(channel)) {
      throw new HostError('unknown-channel', `unknown host channel ${JSON.stringify(String(channel)).slice(0, 80)}`);
    }
    const request = parseRequest(channel, rawRequest);
    const handler = handlers[channel] as (req: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(request) };
  } catch (err) {
    if (err instanceof HostError) return { ok: false, error: err.toInfo() };
    return { ok: false, error: { code: 'io-error', message: (err as Error)?.message ?? String(err) } };
  }
}
