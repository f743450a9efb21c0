/**
 * Batches per-step metrics so a fast run cannot flood the UI: steps are collected and released at most once
 * per `intervalMs` (100 ms → at most ~10 `batch` events per second), each release carrying every step's
 * loss and accuracy since the previous one.
 */

/** What one release carries. */
export interface BatchFlush {
  batch: number;
  loss: Array<number | null>;
  accuracy: Array<number | null>;
  /** With several outputs: per output (in head order), each step's loss. */
  outputLosses?: Array<Array<number | null>>;
  examples: number;
  seconds: number;
}

/** Collects step metrics and decides when to release them. */
export class BatchThrottle {
  private loss: Array<number | null> = [];
  private accuracy: Array<number | null> = [];
  private outputs: Array<Array<number | null>> | undefined;
  private lastBatch = -1;
  private examples = 0;
  private last: number;

  constructor(
    private readonly intervalMs = 100,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.last = now();
  }

  /** Records one step (with several outputs, each one's loss); non-finite values become null (JSON has no NaN). */
  push(batch: number, loss: number, accuracy: number, examples: number, outputLosses?: readonly number[]): void {
    const finite = (v: number) => (Number.isFinite(v) ? v : null);
    this.loss.push(finite(loss));
    this.accuracy.push(finite(accuracy));
    if (outputLosses) {
      this.outputs ??= outputLosses.map(() => []);
      outputLosses.forEach((v, i) => this.outputs![i]?.push(finite(v)));
    }
    this.lastBatch = batch;
    this.examples += examples;
  }

  /** True when steps are pending and the interval has passed. */
  due(): boolean {
    return this.loss.length > 0 && this.now() - this.last >= this.intervalMs;
  }

  /** Releases pending steps (null when none) and restarts the interval. */
  flush(): BatchFlush | null {
    if (this.loss.length === 0) return null;
    const t = this.now();
    const out: BatchFlush = { batch: this.lastBatch, loss: this.loss, accuracy: this.accuracy, examples: this.examples, seconds: (t - this.last) / 1000, ...(this.outputs ? { outputLosses: this.outputs } : {}) };
    this.loss = [];
    this.accuracy = [];
    this.outputs = undefined;
    this.examples = 0;
    this.last = t;
    return out;
  }

  /** Restarts the interval without releasing (after a pause, so paused time is not counted as work). */
  restart(): void {
    this.last = this.now();
  }
}
