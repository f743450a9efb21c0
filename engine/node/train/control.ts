/**
 * Pause / resume / stop for a running training loop. The loop calls `gate()` between steps; `gate` yields to
 * the event loop (so IPC messages and Ctrl-C are handled), waits while paused, and reports a stop request.
 */

/** Run control shared by the loop and whoever owns it (worker message handler, CLI signal handler). */
export class TrainingControl {
  private pausedFlag = false;
  private stopFlag = false;
  private wake: (() => void) | null = null;

  /** Whether a pause is in effect. */
  get paused(): boolean {
    return this.pausedFlag;
  }

  /** Whether a stop was requested. */
  get stopRequested(): boolean {
    return this.stopFlag;
  }

  /** Asks the loop to pause after the current step. */
  pause(): void {
    this.pausedFlag = true;
  }

  /** Lets a paused loop continue. */
  resume(): void {
    this.pausedFlag = false;
    this.wake?.();
  }

  /** Asks the loop to stop after the current step (also ends a pause). */
  stop(): void {
    this.stopFlag = true;
    this.pausedFlag = false;
    this.wake?.();
  }

  /**
   * Yields to the event loop; while paused, calls `onPause` once and waits. Returns 'stop' when the loop
   * should end now.
   */
  async gate(onPause?: () => void, onResume?: () => void): Promise<'continue' | 'stop'> {
    await new Promise<void>((r) => setImmediate(r));
    if (this.pausedFlag && !this.stopFlag) {
      onPause?.();
      while (this.pausedFlag && !this.stopFlag) await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
      if (!this.stopFlag) onResume?.();
    }
    return this.stopFlag ? 'stop' : 'continue';
  }
}
