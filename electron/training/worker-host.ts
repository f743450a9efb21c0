/**
 * Owns a training worker process (used by the Electron main process and the browser-mode server alike):
 * forks `engine/node/train/worker.ts` under `node --import tsx`, sends typed commands, validates every event that
 * comes back, and turns a crash or unexpected exit of the worker into an `error` event — the owner never
 * crashes with it. After a crash (or a `kill`) the next `start` forks a fresh worker.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { commandSchema, parseEvent, type StartCommand, type TrainingCommand, type TrainingEvent } from '../../contract/training-protocol';
import { errorDetailEnglish, internalError, type ErrorDetail } from '../../engine/messages';

/** Where the worker entry lives (TypeScript, run through tsx's loader). */
export const WORKER_ENTRY = fileURLToPath(new URL('../../engine/node/train/worker.ts', import.meta.url));

/** Options of a `TrainingWorkerHost`. */
export interface WorkerHostOptions {
  /** Receives every event, validated; crashes arrive as `{ type: 'error', code: 'worker-crashed' }`. */
  onEvent: (event: TrainingEvent) => void;
  /** Worker entry file (tests may substitute one). */
  entry?: string;
  /** Extra environment for the worker. */
  env?: NodeJS.ProcessEnv;
}

/** A handle on the training worker; one run at a time. */
export class TrainingWorkerHost {
  private child: ChildProcess | null = null;
  private ready = false;
  private queue: TrainingCommand[] = [];
  private running = false;
  private stderrTail = '';
  private killing = false;

  constructor(private readonly options: WorkerHostOptions) {}

  /** Whether a run is in progress (between `start` and its `finished` or `error`). */
  get busy(): boolean {
    return this.running;
  }

  /** The worker's process id, when one is up. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts a run, forking the worker first when none is up. Invalid commands are reported as `error` events. */
  start(command: Omit<StartCommand, 'type'>): void {
    if (this.running) {
      this.options.onEvent({ type: 'error', code: 'busy', message: 'a training run is already in progress; stop it first' });
      return;
    }
    const checked = commandSchema.safeParse({ ...command, type: 'start' });
    if (!checked.success) {
      const issue = checked.error.issues[0];
      this.options.onEvent({ type: 'error', code: 'invalid-command', message: `invalid start command: ${issue.path.join('.')}: ${issue.message}` });
      return;
    }
    this.ensureWorker();
    this.running = true;
    this.send(checked.data);
  }

  /** Pauses the run after the current step. */
  pause(): void {
    if (this.running) this.send({ type: 'pause' });
  }

  /** Resumes a paused run. */
  resume(): void {
    if (this.running) this.send({ type: 'resume' });
  }

  /** Stops the run after the current step; the worker writes the run record and reports `finished`. */
  stop(): void {
    if (this.running) this.send({ type: 'stop' });
  }

  /** Ends the worker process now (no event is reported for a deliberate kill). */
  kill(): void {
    if (!this.child) return;
    this.killing = true;
    this.child.kill('SIGKILL');
  }

  /** Resolves when the worker has exited (immediately when none is up). */
  async dispose(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.kill();
    await exited;
  }

  private send(command: TrainingCommand): void {
    if (this.ready && this.child?.connected) this.child.send(command);
    else this.queue.push(command);
  }

  private ensureWorker(): void {
    if (this.child) return;
    this.ready = false;
    this.killing = false;
    this.stderrTail = '';
    const child = fork(this.options.entry ?? WORKER_ENTRY, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, ...this.options.env },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-2000);
    });
    child.on('message', (raw) => {
      if (!this.ready) {
        this.ready = true;
        for (const c of this.queue.splice(0)) child.send(c);
      }
      const parsed = parseEvent(raw);
      if (!parsed.ok) {
        this.options.onEvent({ type: 'error', code: 'internal', ...internalError(`the training worker sent an invalid event (${parsed.error})`) });
        return;
      }
      if (parsed.value.type === 'finished' || parsed.value.type === 'error') this.running = false;
      this.options.onEvent(parsed.value);
    });
    child.on('error', (err) => this.crashed(child, `could not run the training worker: ${err.message}`));
    child.on('exit', (code, signal) => {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const detail = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
      this.crashed(child, `the training worker ${how}${detail ? `: ${detail}` : ''}`);
    });
  }

  private crashed(child: ChildProcess, message: string): void {
    if (this.child !== child) return;
    this.child = null;
    this.ready = false;
    this.queue = [];
    const wasRunning = this.running;
    this.running = false;
    if (this.killing) return;
    if (wasRunning) {
      const detail: ErrorDetail = { code: 'worker-crashed', values: { reason: message } };
      this.options.onEvent({ type: 'error', code: 'worker-crashed', message: errorDetailEnglish(detail), detail });
    } else {
      this.options.onEvent({ type: 'log', level: 'warn', message });
    }
  }
}
