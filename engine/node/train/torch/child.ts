/**
 * The trainer child process as a stream of messages: JSON lines from its stdout are handed, one at a time and in
 * order, to an async handler (the next waits for the previous, so a checkpoint is written before the next
 * epoch's events are looked at); commands go to its stdin. Anything else it prints is kept (the tail of stderr)
 * for the error message when it dies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { TorchLaunch } from './launch';

/** A message from trainer.py (see its `emit` calls). */
export type TrainerMessage = { type: string } & Record<string, unknown>;

/** Commands trainer.py reads from stdin. */
export type TrainerCommand = 'pause' | 'resume' | 'stop' | 'continue' | 'stop-early';

/** The prefix torchrun's `--tee` puts before each line of a rank's output. */
const TEE_PREFIX = /^\[[A-Za-z_]*\d+\]:/;

/** A running trainer. */
export class TrainerProcess {
  private readonly child: ChildProcess;
  private stderrTail = '';
  private chain: Promise<void> = Promise.resolve();
  /** Resolves when the process has exited and every message has been handled; rejects with the handler's error. */
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(launch: TorchLaunch, cwd: string, onMessage: (m: TrainerMessage) => Promise<void> | void) {
    this.child = spawn(launch.command, launch.args, { cwd, env: { ...process.env, ...launch.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdin!.on('error', () => {}); // a dead child's closed pipe: the exit is reported instead
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-4000);
    });
    const lines = createInterface({ input: this.child.stdout! });
    lines.on('line', (raw) => {
      const line = raw.replace(TEE_PREFIX, ''); // torchrun --tee: `[default0]:{...}`
      let msg: TrainerMessage;
      try {
        msg = JSON.parse(line) as TrainerMessage;
        if (typeof msg?.type !== 'string') throw new Error('no type');
      } catch {
        this.stderrTail = (this.stderrTail + line + '\n').slice(-4000); // a stray print, not an event
        return;
      }
      this.chain = this.chain.then(() => onMessage(msg));
      this.chain.catch(() => this.kill());
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      this.child.on('error', (err) => reject(new Error(`cannot start ${launch.command}: ${err.message}`)));
      this.child.on('close', (code, signal) => resolve({ code, signal }));
    });
    this.done = exited.then(async (r) => {
      await this.chain;
      return r;
    });
  }

  /** Sends a command (ignored once the process has gone). */
  send(cmd: TrainerCommand): void {
    if (this.child.exitCode === null && this.child.stdin?.writable) this.child.stdin.write(JSON.stringify({ cmd }) + '\n');
  }

  /** The last lines the process wrote to stderr (for an error message). */
  get stderr(): string {
    return this.stderrTail.trim();
  }

  /** Ends the process now (and torchrun's workers with it: torchrun forwards SIGTERM). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
  }
}
