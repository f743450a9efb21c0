/**
 * The Inspect panel's host service: resolves a run id to its folder under the runs folder and hands the work
 * to the inspect worker, a child process (`engine/node/inspect/worker.ts`, under tsx like the training worker)
 * forked on first use. The host's main thread only relays messages, so a Grad-CAM on a big model never stalls
 * it; a crashed or stuck worker fails the pending calls with a clear message and the next call forks a new one.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HostError, type InvokeRequest, type InvokeResponse } from '../contract/host-contract';
import type { InspectWorkerReply, InspectWorkerRequest } from '../engine/node/inspect/worker';
import { runDataset } from '../engine/node/inspect/run-folder';
import type { PathGuard } from './path-guard';

/** Where the worker entry lives (TypeScript, run through tsx's loader). */
export const INSPECT_WORKER_ENTRY = fileURLToPath(new URL('../engine/node/inspect/worker.ts', import.meta.url));

/** Options of `createInspectService`. */
export interface InspectServiceOptions {
  /** The runs folder (the same one the training service keeps runs in). */
  runsDir: string;
  /** The worker entry (tests and bundled hosts). */
  workerEntry?: string;
  /** How long one computation may take before the worker is killed (default 120 s). */
  timeoutMs?: number;
  /**
   * Confines the dataset a run folder names (browser mode): run folders are files the page can write, so the
   * dataset their `run.json`/`request.json` points at is checked before the worker loads it.
   */
  datasetGuard?: PathGuard;
}

/** The service's handlers. */
export interface InspectService {
  inspectCompute(request: InvokeRequest<'inspectCompute'>): Promise<InvokeResponse<'inspectCompute'>>;
  /** Kills the worker. */
  dispose(): Promise<void>;
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

/** Creates the inspect service; the worker starts with the first request. */
export function createInspectService(options: InspectServiceOptions): InspectService {
  let child: ChildProcess | null = null;
  let nextId = 1;
  let stderrTail = '';
  const pending = new Map<number, Pending>();

  const failAll = (message: string) => {
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(new HostError('io-error', message));
    }
    pending.clear();
  };

  function worker(): ChildProcess {
    if (child) return child;
    stderrTail = '';
    const c = fork(options.workerEntry ?? INSPECT_WORKER_ENTRY, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    child = c;
    c.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-2000);
    });
    c.on('message', (raw: InspectWorkerReply) => {
      const p = pending.get(raw?.id);
      if (!p) return;
      pending.delete(raw.id);
      clearTimeout(p.timer);
      if (raw.ok) p.resolve(raw.value);
      else p.reject(new HostError(raw.code, raw.message, raw.code === 'invalid-request' ? 'node' : 'runId'));
    });
    c.on('exit', (code, signal) => {
      if (child !== c) return;
      child = null;
      const detail = stderrTail.trim().split('\n').slice(-3).join(' | ');
      failAll(`the inspect worker ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${detail ? `: ${detail}` : ''}`);
    });
    c.on('error', (err) => {
      if (child !== c) return;
      child = null;
      failAll(`could not run the inspect worker: ${err.message}`);
    });
    return c;
  }

  return {
    async inspectCompute(request) {
      const runsDir = resolve(options.runsDir);
      const dir = resolve(runsDir, request.runId);
      if (!dir.startsWith(runsDir + sep)) throw new HostError('bad-path', `${request.runId}: not a run`, 'runId');
      if (!existsSync(dir)) throw new HostError('not-found', `no run ${request.runId} in the run history`, 'runId');
      const spec = options.datasetGuard ? runDataset(dir).spec : null;
      if (spec && spec.kind !== 'default') options.datasetGuard!.check(spec.dir, 'dataset');
      const id = nextId++;
      const c = worker();
      return new Promise<InvokeResponse<'inspectCompute'>>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new HostError('io-error', `inspecting took longer than ${Math.round((options.timeoutMs ?? 120_000) / 1000)} s; the inspect worker was restarted`));
          c.kill();
        }, options.timeoutMs ?? 120_000);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        c.send({ id, dir, request } satisfies InspectWorkerRequest);
      });
    },
    async dispose() {
      const c = child;
      child = null;
      failAll('the host is shutting down');
      if (c && c.exitCode === null) {
        await new Promise<void>((done) => {
          c.once('exit', () => done());
          c.kill();
        });
      }
    },
  };
}
