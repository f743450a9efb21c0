/**
 * The training channels of the host (`trainingStart/Stop/Pause/Resume`) on top of the training helper's
 * `TrainingWorkerHost` (one worker process, crash-safe). Runs are written under `<userData>/runs/<runId>`;
 * a resume may only point inside that folder. Events go to the transport's `emit` (IPC send / WebSocket).
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { HostError, type InvokeRequest, type InvokeResponse, type TrainingEventPayload } from '../contract/host-contract';
import { TrainingWorkerHost } from './training/worker-host';

/** How the service is set up. */
export interface TrainingServiceOptions {
  userDataDir: string;
  /** Receives every worker event (already validated by the worker host). */
  emit: (event: TrainingEventPayload) => void;
  /** The worker entry (`engine/node/train/worker.ts` under the repository root); bundles cannot derive it themselves. */
  workerEntry?: string;
}

/** The training part of the host services. */
export interface TrainingService {
  start(request: InvokeRequest<'trainingStart'>): Promise<InvokeResponse<'trainingStart'>>;
  stop(): Promise<InvokeResponse<'trainingStop'>>;
  pause(): Promise<InvokeResponse<'trainingPause'>>;
  resume(): Promise<InvokeResponse<'trainingResume'>>;
  /** Ends the worker process (app quit, server close). */
  dispose(): Promise<void>;
}

/** A sortable, filesystem-safe run id: `2026-11-26T05-41-00-123Z`. */
function newRunId(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

/** Creates the training service; the worker process is forked on the first start. */
export function createTrainingService(options: TrainingServiceOptions): TrainingService {
  const runsDir = resolve(options.userDataDir, 'runs');
  const worker = new TrainingWorkerHost({ onEvent: options.emit, entry: options.workerEntry });
  const state = () => ({ running: worker.busy });

  return {
    async start(request) {
      if (worker.busy) throw new HostError('invalid-request', 'a training run is already in progress; stop it first');
      let resumeFrom: string | undefined;
      if (request.resumeFrom !== undefined) {
        resumeFrom = resolve(runsDir, request.resumeFrom);
        if (!resumeFrom.startsWith(runsDir + sep)) throw new HostError('bad-path', `${request.resumeFrom}: checkpoints to resume from must be inside ${runsDir}`, 'resumeFrom');
      }
      const runId = newRunId();
      const outDir = join(runsDir, runId);
      await mkdir(outDir, { recursive: true });
      worker.start({ document: request.document, dataset: request.dataset, overrides: request.overrides, backend: request.backend, outDir, ...(resumeFrom ? { resumeFrom } : {}) });
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
    dispose: () => worker.dispose(),
  };
}
