/**
 * The training channels of the host on top of the training helper's `TrainingWorkerHost` (one worker process,
 * crash-safe): start/stop/pause/resume, the live run's status (a reloaded page re-attaches by replaying its
 * events), dataset previews, and the run history. Runs are written under the runs folder (`run-history.ts`);
 * a resume may only point inside it. Events go to the transport's `emit` (IPC send / WebSocket).
 */
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { parseDatasetSpec } from '../engine/node/train/data/dataset';
import { headOf } from '../engine/node/train/data/types';
import type { InvokeChannel } from '../contract/channels';
import { HostError, type InvokeRequest, type InvokeResponse, type TrainingEventPayload } from '../contract/host-contract';
import type { DatasetSpec } from '../engine/node/train/data/types';
import type { PathGuard } from './path-guard';
import { confineDatasetSpec, DatasetCache, sampleImage } from './training/dataset-preview';
import { TrainingWorkerHost } from './training/worker-host';
import { exportRunModel, listRuns, readRunEvents, readRunFiles, readRunRequest, RunLog, summarizeRun } from './run-history';
import { refusedBy } from './fs-failure';

/** How the service is set up. */
export interface TrainingServiceOptions {
  userDataDir: string;
  /** Where runs are kept; `<userDataDir>/runs` by default. */
  runsDir?: string;
  /** Where relative dataset and export paths resolve; the home folder by default. */
  documentsDir?: string;
  /** Receives every worker event (already validated by the worker host). */
  emit: (event: TrainingEventPayload) => void;
  /** The worker entry (`engine/node/train/worker.ts` under the repository root); bundles cannot derive it themselves. */
  workerEntry?: string;
  /**
   * Confines dataset folders (browser mode: the folders the user chose, see `path-guard.ts`); the embedded
   * dataset is always allowed. Without it folders resolve against `documentsDir` unconfined.
   */
  datasetGuard?: PathGuard;
}

type Handler<C extends InvokeChannel> = (request: InvokeRequest<C>) => Promise<InvokeResponse<C>>;

/** The training part of the host services. */
export interface TrainingService {
  start: Handler<'trainingStart'>;
  stop(): Promise<InvokeResponse<'trainingStop'>>;
  pause(): Promise<InvokeResponse<'trainingPause'>>;
  resume(): Promise<InvokeResponse<'trainingResume'>>;
  status: Handler<'trainingStatus'>;
  preview: Handler<'trainingDatasetPreview'>;
  runs: Handler<'trainingRuns'>;
  runGet: Handler<'trainingRunGet'>;
  runSamples: Handler<'trainingRunSamples'>;
  runExport: Handler<'trainingRunExport'>;
  /** Ends the worker process (app quit, server close). */
  dispose(): Promise<void>;
}

/** A sortable, filesystem-safe run id: `2026-11-26T05-41-00-123Z`. */
function newRunId(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

/** Creates the training service; the worker process is forked on the first start. */
export function createTrainingService(options: TrainingServiceOptions): TrainingService {
  const runsDir = resolve(options.runsDir ?? join(options.userDataDir, 'runs'));
  const baseDir = options.documentsDir ?? homedir();
  // The worker entry sits at <root>/engine/node/train/worker.ts; the embedded subset at <root>/data/.
  const datasets = new DatasetCache(options.workerEntry ? resolve(dirname(options.workerEntry), '..', '..', '..', 'data', 'fashion-mnist-subset') : undefined);
  let live: RunLog | null = null;
  const worker = new TrainingWorkerHost({
    entry: options.workerEntry,
    onEvent: (event) => {
      const log = live;
      if (log) {
        log.append(event);
        if (event.type === 'finished' || event.type === 'error') {
          live = null;
          void log.close();
        }
      }
      options.emit(event);
    },
  });
  const state = () => ({ running: worker.busy });

  /** A run folder by id, refusing anything that is not a plain child of the runs folder. */
  const runDir = (runId: string) => {
    const dir = resolve(runsDir, runId);
    if (!dir.startsWith(runsDir + sep)) throw new HostError('bad-path', `${runId}: not a run`, 'runId');
    return dir;
  };
  const datasetOf = (spec: DatasetSpec): DatasetSpec => confineDatasetSpec(spec, baseDir, options.datasetGuard);
  const userPath = (raw: string) => {
    const expanded = raw === '~' || raw.startsWith('~/') ? join(homedir(), raw.slice(1)) : raw;
    return isAbsolute(expanded) ? resolve(expanded) : resolve(baseDir, expanded);
  };

  return {
    async start(request) {
      if (worker.busy) throw refusedBy('invalid-request', { code: 'training-busy', values: {} });
      let resumeFrom: string | undefined;
      if (request.resumeFrom !== undefined) {
        resumeFrom = resolve(runsDir, request.resumeFrom);
        if (!resumeFrom.startsWith(runsDir + sep)) throw new HostError('bad-path', `${request.resumeFrom}: checkpoints to resume from must be inside ${runsDir}`, 'resumeFrom');
      }
      const dataset = datasetOf(request.dataset);
      const runId = newRunId();
      const outDir = join(runsDir, runId);
      const design = typeof request.document.name === 'string' ? request.document.name : 'Untitled';
      live = await RunLog.create(runId, outDir, { dataset, overrides: request.overrides, backend: request.backend, resumeFrom: resumeFrom ?? null, startedAt: new Date().toISOString(), design }, request.document);
      worker.start({ document: request.document, dataset, overrides: request.overrides, backend: request.backend, outDir, ...(resumeFrom ? { resumeFrom } : {}) });
      return { runId, outDir };
    },
    async stop() {
      worker.stop();
      return state();
    },
    async pause() {
      worker.pause();
      return state();
    },
    async resume() {
      worker.resume();
      return state();
    },
    async status() {
      return {
        running: worker.busy,
        runId: live?.runId ?? null,
        workerPid: worker.pid ?? null,
        request: live?.request ?? null,
        design: live?.design ?? null,
        events: live ? [...live.events] : [],
      };
    },
    async preview({ dataset, perClass, inputShape }) {
      return datasets.preview(datasetOf(dataset), perClass, inputShape);
    },
    async runs() {
      return { runsDir, runs: await listRuns(runsDir, live?.runId ?? null, live?.events) };
    },
    async runGet({ runId }) {
      const dir = runDir(runId);
      const isLive = live?.runId === runId;
      const events = isLive ? [...live!.events] : await readRunEvents(dir);
      const [files, request] = await Promise.all([readRunFiles(dir), readRunRequest(dir)]);
      if (!files.record && !files.design && events.length === 0) throw new HostError('not-found', `${runId}: no such run in ${runsDir}`, 'runId');
      return { summary: await summarizeRun(runsDir, runId, isLive, events), record: files.record, design: files.design, request, events };
    },
    async runSamples({ runId, select, count }) {
      const dir = runDir(runId);
      const { record, design, predictions } = await readRunFiles(dir);
      const ds = record?.dataset as { spec?: unknown } | undefined;
      if (!record || !predictions || typeof ds?.spec !== 'string') throw new HostError('not-found', `${runId}: the run has no test results (it was stopped or did not finish)`, 'runId');
      const input = (design?.nodes as Array<{ type?: string; params?: { shape?: number[] } }> | undefined)?.find((n) => n.type === 'Input')?.params?.shape;
      // The record is a file in the runs folder, which the page can write in browser mode: check its dataset too.
      const data = datasets.load(datasetOf(parseDatasetSpec(ds.spec)), input);
      const test = headOf(data.test, predictions.predicted.length);
      const picked: number[] = [];
      for (let i = 0; i < test.count; i++) {
        const label = test.labels[i];
        const p = predictions.predicted[i];
        if (select.kind === 'worst' ? p !== label : label === select.actual && p === select.predicted) picked.push(i);
      }
      // Most confidently wrong first; within a cell, most confident first too.
      picked.sort((a, b) => predictions.confidence[b] - predictions.confidence[a]);
      return {
        classNames: data.classNames,
        total: picked.length,
        samples: picked.slice(0, count).map((i) => ({ index: i, label: test.labels[i], predicted: predictions.predicted[i], confidence: predictions.confidence[i], image: sampleImage(test, i) })),
      };
    },
    async runExport({ runId, dir }) {
      const target = userPath(dir);
      try {
        return { dir: target, files: await exportRunModel(runDir(runId), target) };
      } catch (err) {
        if (err instanceof HostError) throw err;
        const code = (err as NodeJS.ErrnoException)?.code;
        if (code === 'ENOENT') throw refusedBy('not-found', { code: 'run-no-trained-model', values: { run: runId } }, 'runId');
        throw new HostError('io-error', `could not export to ${target}: ${(err as Error)?.message}`, 'dir');
      }
    },
    dispose: () => worker.dispose(),
  };
}
