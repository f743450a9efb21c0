/**
 * The live run as the panel sees it: a small state machine over the worker's events (phases below) plus the
 * curve series. Series are plain growing arrays mutated in place (200 events/s must not allocate a store update
 * each); `view()` returns an immutable summary that the store receives at most once per frame.
 *
 *   idle ─begin─▶ starting ─backend/started─▶ running ⇄ paused
 *                                             running ─state:stopping─▶ stopping
 *   (any active) ─finished─▶ finished      (any active) ─error─▶ error
 *   finished/error/idle ─backend|started─▶ running (a run started elsewhere, or re-attached)
 */
import type { TrainingEvent as TrainingEventPayload, TrainingEventOf } from '../../../../contract/training-protocol';
import { Smoother } from './metrics';

/** Where the live run is. */
export type RunPhase = 'idle' | 'starting' | 'running' | 'paused' | 'stopping' | 'finished' | 'error';

/** The per-frame summary of the live run (what the panel renders besides the curves). */
export interface RunView {
  phase: RunPhase;
  runId: string | null;
  backend: TrainingEventOf<'backend'> | null;
  started: TrainingEventOf<'started'> | null;
  epoch: number;
  /** Batches done in the current epoch. */
  batchesDone: number;
  examplesPerSecond: number | null;
  etaSeconds: number | null;
  memory: TrainingEventOf<'memory'> | null;
  epochs: TrainingEventOf<'epoch-end'>[];
  finished: TrainingEventOf<'finished'> | null;
  error: TrainingEventOf<'error'> | null;
  /** The last few log lines. */
  logs: string[];
  /** Batch points recorded so far. */
  points: number;
  lastLoss: number | null;
  /** A design with several Output blocks: each output's loss in the last batch, by Output layer name. */
  lastOutputLosses: Record<string, number | null> | null;
}

const ACTIVE: readonly RunPhase[] = ['starting', 'running', 'paused', 'stopping'];

/** Whether a phase means a run is in progress. */
export function isActive(phase: RunPhase): boolean {
  return ACTIVE.includes(phase);
}

/** Every batch point (x = global step, counting epochs before a resume) and the per-epoch metrics. */
export interface RunSeries {
  step: number[];
  loss: (number | null)[];
  smooth: (number | null)[];
  accuracy: (number | null)[];
  epoch: number[];
  trainLoss: number[];
  valLoss: (number | null)[];
  valAccuracy: (number | null)[];
  learningRate: number[];
  /** Several outputs: each output's smoothed batch loss, aligned with `step` (by Output layer name, in event order). */
  outputSmooth: Record<string, (number | null)[]>;
}

const emptySeries = (): RunSeries => ({ step: [], loss: [], smooth: [], accuracy: [], epoch: [], trainLoss: [], valLoss: [], valAccuracy: [], learningRate: [], outputSmooth: {} });

function initialView(phase: RunPhase = 'idle', runId: string | null = null): RunView {
  return { phase, runId, backend: null, started: null, epoch: 0, batchesDone: 0, examplesPerSecond: null, etaSeconds: null, memory: null, epochs: [], finished: null, error: null, logs: [], points: 0, lastLoss: null, lastOutputLosses: null };
}

/** The live run's state and curves. */
export class RunFeed {
  series: RunSeries = emptySeries();
  /** Bumped on every change of the series (charts redraw when it moved). */
  version = 0;
  /** Bumped only when the per-epoch series change (their charts skip the per-batch redraws). */
  epochVersion = 0;
  private v: RunView = initialView();
  private smoother = new Smoother();
  private outputSmoothers = new Map<string, Smoother>();
  private batches = 1;

  /** The current summary (a new object after each change). */
  view(): RunView {
    return this.v;
  }

  /** A run was requested: clear the curves and wait for the worker. */
  begin(runId: string | null): void {
    this.reset('starting', runId);
  }

  /** Back to nothing (or `phase`): clears the curves. */
  reset(phase: RunPhase = 'idle', runId: string | null = null): void {
    this.series = emptySeries();
    this.smoother = new Smoother();
    this.outputSmoothers.clear();
    this.v = initialView(phase, runId);
    this.version++;
    this.epochVersion++;
  }

  /** Sets the run id of the live run (known once the host answers `trainingStart`). */
  setRunId(runId: string): void {
    this.v = { ...this.v, runId };
  }

  /** Appends each output's smoothed losses (padding an output missing from earlier events); returns the last values. */
  private ingestOutputs(outputs: Record<string, (number | null)[]>, n: number): Record<string, number | null> {
    const s = this.series;
    const last: Record<string, number | null> = {};
    for (const [name, values] of Object.entries(outputs)) {
      let smoother = this.outputSmoothers.get(name);
      if (!smoother) this.outputSmoothers.set(name, (smoother = new Smoother()));
      const series = (s.outputSmooth[name] ??= []);
      while (series.length < s.step.length - n) series.push(null);
      for (let i = 0; i < n; i++) series.push(smoother.push(values[i] ?? null));
      last[name] = values.at(-1) ?? null;
    }
    return last;
  }

  /** Applies one worker event. */
  ingest(e: TrainingEventPayload): void {
    const v = this.v;
    switch (e.type) {
      case 'backend':
        if (!isActive(v.phase)) this.reset('starting');
        this.v = { ...this.v, backend: e };
        return;
      case 'started':
        if (v.phase !== 'starting') this.reset('starting', v.phase === 'idle' ? v.runId : null);
        this.batches = Math.max(1, e.batchesPerEpoch);
        this.v = { ...this.v, phase: 'running', started: e, epoch: e.startEpoch };
        return;
      case 'epoch-start':
        this.v = { ...v, epoch: e.epoch, batchesDone: 0 };
        this.series.learningRate.push(e.learningRate);
        this.version++;
        this.epochVersion++;
        return;
      case 'batch': {
        const s = this.series;
        const first = e.batch - e.loss.length + 1;
        for (let i = 0; i < e.loss.length; i++) {
          const loss = e.loss[i];
          s.step.push(e.epoch * this.batches + first + i);
          s.loss.push(loss);
          s.smooth.push(this.smoother.push(loss));
          s.accuracy.push(e.accuracy[i] ?? null);
        }
        const lastOutputLosses = e.outputLosses ? this.ingestOutputs(e.outputLosses, e.loss.length) : v.lastOutputLosses;
        this.version++;
        this.v = { ...v, epoch: e.epoch, batchesDone: e.batch + 1, points: s.step.length, lastLoss: e.loss.at(-1) ?? null, lastOutputLosses };
        return;
      }
      case 'epoch-end': {
        const s = this.series;
        s.epoch.push(e.epoch + 1);
        s.trainLoss.push(e.loss);
        s.valLoss.push(e.valLoss);
        s.valAccuracy.push(e.valAccuracy);
        // The learning rate of an epoch is the one it started with (pushed at epoch-start); a replay may lack it.
        if (s.learningRate.length < s.epoch.length) s.learningRate.push(e.learningRate);
        this.version++;
        this.epochVersion++;
        this.v = { ...v, epochs: [...v.epochs, e] };
        return;
      }
      case 'throughput':
        this.v = { ...v, examplesPerSecond: e.examplesPerSecond, etaSeconds: e.etaSeconds };
        return;
      case 'memory':
        this.v = { ...v, memory: e };
        return;
      case 'checkpoint':
        return;
      case 'state':
        if (isActive(v.phase)) this.v = { ...v, phase: e.state === 'paused' ? 'paused' : e.state === 'stopping' ? 'stopping' : 'running' };
        return;
      case 'finished':
        this.v = { ...v, phase: 'finished', finished: e, etaSeconds: 0 };
        return;
      case 'error':
        this.v = { ...v, phase: 'error', error: e };
        return;
      case 'log':
        this.v = { ...v, logs: [...v.logs.slice(-19), e.message] };
        return;
    }
  }
}
