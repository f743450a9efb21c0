/**
 * The training loop as a small state machine, `TrainingRun`: set up (model, data splits, optimizer, optional
 * resume) → epochs (one `optimizer.minimize` per batch, so pause, stop and the NaN guard act per step) → after
 * each epoch the checkpoint and early-stopping policy (`epoch-policy.ts`) → test evaluation with a confusion
 * matrix, the trained model (tfjs format) and the run record (`run-record.ts`), all written atomically.
 * The run ends in one of `completed | stopped | early-stopped` (a `finished` event) or `diverged` (a thrown
 * `TrainingFailure`). Events go to `emit`; the worker forwards them over IPC and the CLI prints them.
 */
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../../compile/compile';
import { saveModelFiles } from '../model-files';
import { DesignError } from '../../errors';
import { internalError, nonFiniteLossDetail, errorDetailEnglish, type TrainingErrorDetail } from '../../messages';
import type { DesignDocument } from '../../schema/document';
import { loadCheckpoint, saveCheckpoint, writeJsonAtomic, type CheckpointState, type EpochRecord } from './checkpoint';
import { resolveConfig, type RunConfig } from './config';
import type { TrainingControl } from './control';
import { checkDesignFits, epochOrder, makeBatch, splitValidation } from './data/dataset';
import { mulberry32 } from './data/random';
import { headOf, type Dataset, type DatasetSpec, type ImageSet } from './data/types';
import { afterEpoch, INITIAL_STATE } from './epoch-policy';
import { evaluateSet, singleHead } from './evaluate';
import { checkHeadsTrainable, headsFor, headsReport, namedLosses, type ModelHeads } from './heads';
import { buildModelFor, fitInfoFor, lossNameFor } from './model';
import { analyzeDesign } from '../../analysis/analyze';
import { createTrainOptimizer, learningRateAt } from './optim';
import { RunRecordWriter } from './run-record';
import { trainStepKept, type TrainOptimizer } from './step';
import { DeferredMetrics, readbackInterval, type StepMetrics } from './deferred-metrics';
import { loadTeacher, type Teacher } from './distill';
import type { TrainingEvent, TrainingEventOf, TrainingOverrides } from '../../../contract/training-protocol';
import { BatchThrottle } from './throttle';

/** The backend a run uses, as reported by the selector. */
export interface BackendInfo {
  name: string;
  reason: string;
  skipped: Array<{ name: string; reason: string }>;
}

/** Inputs of a `TrainingRun` (and `runTraining`). */
export interface RunOptions {
  tf: Tf;
  document: DesignDocument;
  dataset: Dataset;
  datasetSpec?: DatasetSpec;
  overrides?: TrainingOverrides;
  outDir: string;
  resumeFrom?: string;
  backend: BackendInfo;
  emit: (event: TrainingEvent) => void;
  control: TrainingControl;
  /** Builds the model; defaults to the compiler (`buildModelFor`). */
  buildModel?: (doc: DesignDocument, tf: Tf) => tfjs.LayersModel;
  /** Steps between loss/accuracy readbacks (default `readbackInterval(backend.name)`: 8 on webgpu, else 1). */
  readbackEvery?: number;
}

/** The test predictions a finished run leaves in its folder (beside `run.json`). */
export const PREDICTIONS_FILE = 'predictions.json';

/** How a run's epoch loop ended. */
type LoopStatus = 'completed' | 'stopped' | 'early-stopped';

/** Thrown inside the loop when the loss stops being finite. */
class NonFiniteLoss extends Error {
  constructor(readonly detail: TrainingErrorDetail) {
    super(errorDetailEnglish(detail));
  }
}

/** One training run: construct, then `run()` once. */
export class TrainingRun {
  private readonly t0 = performance.now();
  private readonly cfg: RunConfig;
  private readonly model: tfjs.LayersModel;
  private readonly classes: number;
  /** The model's outputs (losses, weights, the main head) and its input count. */
  private readonly heads: ModelHeads;
  private readonly train: ImageSet;
  private readonly val: ImageSet | null;
  private readonly test: ImageSet;
  private readonly batchesPerEpoch: number;
  private readonly opt: TrainOptimizer;
  private readonly trainable: tfjs.Variable[];
  private readonly kernels: tfjs.Variable[];
  private readonly record: RunRecordWriter;
  private readonly throttle = new BatchThrottle();
  private readonly lastDir: string;
  private readonly bestDir: string;
  private state: CheckpointState = INITIAL_STATE;
  /** Smoothed seconds per step, for the ETA. */
  private stepSeconds = NaN;
  /** The distillation teacher, loaded when the run starts. */
  private teacher: Teacher | null = null;
  private readonly readbackEvery: number;

  /** Builds the model and checks it fits the data (a `DesignError` otherwise); nothing is trained yet. */
  constructor(private readonly o: RunOptions) {
    const { tf } = o;
    this.cfg = resolveConfig(o.document.training, o.overrides ?? {});
    this.readbackEvery = o.readbackEvery ?? readbackInterval(o.backend.name);
    const analysis = analyzeDesign(o.document);
    if (analysis.valid) checkHeadsTrainable(o.document, analysis);
    if (this.cfg.distillation && analysis.valid && analysis.flat.filter((n) => n.type === 'Output' || n.type === 'Input').length > 2) {
      throw new DesignError('invalid-params', 'knowledge distillation (a teacher) needs a design with one Input and one Output block; this one has more: remove the teacher or the extra inputs and outputs', 'teacher');
    }
    // A resumed run gets its checkpoint's weights instead of seeded ones.
    this.model = o.buildModel ? o.buildModel(o.document, tf) : buildModelFor(o.document, tf, o.resumeFrom ? undefined : this.cfg.seed);
    checkDesignFits(fitInfoFor(o.document, this.model), o.dataset);
    this.classes = o.dataset.classNames.length;
    this.heads = analysis.valid ? headsFor(tf, analysis) : singleHead(tf, lossNameFor(o.document));
    const full = this.cfg.limitTrain ? headOf(o.dataset.train, this.cfg.limitTrain) : o.dataset.train;
    this.test = this.cfg.limitTest ? headOf(o.dataset.test, this.cfg.limitTest) : o.dataset.test;
    ({ train: this.train, val: this.val } = splitValidation(full, this.cfg.validationSplit, this.cfg.seed));
    this.batchesPerEpoch = Math.min(Math.ceil(this.train.count / this.cfg.batchSize), this.cfg.maxBatchesPerEpoch ?? Infinity);
    this.opt = createTrainOptimizer(tf, this.cfg.optimizer);
    this.trainable = this.model.trainableWeights.map((w) => w.read() as tfjs.Variable);
    this.kernels = this.model.trainableWeights.filter((w) => w.shape.length >= 2).map((w) => w.read() as tfjs.Variable);
    const ckptDir = path.join(o.outDir, 'checkpoints');
    this.lastDir = path.join(ckptDir, 'last');
    this.bestDir = path.join(ckptDir, 'best');
    const counts = { train: this.train.count, validation: this.val?.count ?? 0, test: this.test.count };
    this.record = new RunRecordWriter({ outDir: o.outDir, document: o.document, dataset: o.dataset, datasetSpec: o.datasetSpec, counts, config: this.cfg, backend: o.backend, resumedFrom: o.resumeFrom }, this.t0);
  }

  /** Trains to the end (or stop, early stop, divergence); returns the `finished` event or throws. */
  async run(): Promise<TrainingEventOf<'finished'>> {
    const { o, cfg } = this;
    if (o.resumeFrom) this.state = await loadCheckpoint(o.tf, o.resumeFrom, this.model, this.opt.optimizer);
    if (cfg.distillation) {
      this.teacher = await loadTeacher(o.tf, cfg.distillation, this.train.shape, this.classes);
      o.emit({ type: 'log', level: 'info', message: `distilling from ${cfg.distillation.teacher} (T = ${cfg.distillation.temperature}, alpha = ${cfg.distillation.alpha})` });
    }
    const feeding = headsReport(this.heads);
    if (feeding) o.emit({ type: 'log', level: 'info', message: feeding });
    o.emit({
      type: 'started',
      dataset: o.dataset.name,
      trainExamples: this.train.count,
      validationExamples: this.val?.count ?? 0,
      testExamples: this.test.count,
      classNames: o.dataset.classNames,
      epochs: cfg.epochs,
      batchSize: cfg.batchSize,
      batchesPerEpoch: this.batchesPerEpoch,
      parameters: this.model.countParams(),
      startEpoch: this.state.epochsDone,
    });
    let status: LoopStatus = 'completed';
    try {
      status = await this.epochs();
    } catch (err) {
      if (err instanceof NonFiniteLoss) {
        await this.record.write('diverged', this.state.history, { error: err.message });
        throw new TrainingFailure('non-finite-loss', err.message, err.detail);
      }
      throw err;
    } finally {
      this.opt.optimizer.dispose();
    }
    return this.finish(status);
  }

  /** The epoch loop; returns how it ended. */
  private async epochs(): Promise<LoopStatus> {
    const { cfg } = this;
    const rand = mulberry32(cfg.seed + 7919 * this.state.epochsDone);
    for (let epoch = this.state.epochsDone; epoch < cfg.epochs; epoch++) {
      const rec = await this.epoch(epoch, rand);
      if (rec === 'stop') return 'stopped';
      if (rec === 'empty') break;
      this.o.emit({ type: 'epoch-end', ...rec });
      if (await this.endEpoch(rec)) return 'early-stopped';
    }
    return 'completed';
  }

  /** Trains one epoch and validates; 'stop' when a stop came, 'empty' when no batch ran. */
  private async epoch(epoch: number, rand: () => number): Promise<EpochRecord | 'stop' | 'empty'> {
    const { o, cfg, throttle } = this;
    const epochStart = performance.now();
    o.emit({ type: 'epoch-start', epoch, epochs: cfg.epochs, batches: this.batchesPerEpoch, learningRate: learningRateAt(cfg.optimizer.learningRate, cfg.schedule, epoch, cfg.epochs) });
    const order = epochOrder(this.train.count, cfg.seed, epoch);
    const sums = { loss: 0, acc: 0, seen: 0, outputs: new Array<number>(this.heads.heads.length).fill(0) };
    let lr = cfg.optimizer.learningRate;
    // Each step's loss and accuracy stay on the device until `readbackEvery` steps ran (webgpu: a readback drains the GPU queue).
    const metrics = new DeferredMetrics(o.tf, this.readbackEvery);
    let lastRead = performance.now();
    const drain = async () => {
      const steps = await metrics.read();
      const now = performance.now();
      const dt = (now - lastRead) / 1000 / Math.max(1, steps.length);
      lastRead = now;
      for (const m of steps) this.recordStep(epoch, m, sums, dt);
    };
    try {
      for (let b = 0; b < this.batchesPerEpoch; b++) {
        const gate = await o.control.gate(
          () => o.emit({ type: 'state', state: 'paused' }),
          () => {
            throttle.restart();
            lastRead = performance.now();
            o.emit({ type: 'state', state: 'running' });
          },
        );
        if (gate === 'stop') {
          await drain();
          return 'stop';
        }
        lr = learningRateAt(cfg.optimizer.learningRate, cfg.schedule, epoch + b / this.batchesPerEpoch, cfg.epochs);
        this.opt.setLearningRate(lr);
        const idx = order.subarray(b * cfg.batchSize, Math.min(this.train.count, (b + 1) * cfg.batchSize));
        const batch = makeBatch(this.train, idx, this.classes, cfg.augment, rand);
        const kept = trainStepKept({ tf: o.tf, model: this.model, opt: this.opt, trainable: this.trainable, kernels: this.kernels, heads: this.heads, batch, exampleShape: this.train.shape, classes: this.classes, learningRate: lr, ...(this.teacher ? { teacher: this.teacher } : {}) });
        const due = metrics.add(b, kept.loss, kept.accuracy, batch.size, lr, kept.outputLosses);
        // Read when due, at the epoch's end, and before a pause or stop takes effect (so the UI is current).
        if (due || b === this.batchesPerEpoch - 1 || o.control.paused || o.control.stopRequested) await drain();
      }
    } finally {
      metrics.dispose();
    }
    const seen = sums.seen;
    if (seen === 0) return 'empty';
    const v = this.val ? await evaluateSet(o.tf, this.model, this.val, this.classes, this.heads) : null;
    const trainOutputs = namedLosses(this.heads, sums.outputs.map((x) => x / seen));
    const valOutputs = v?.outputLosses ? namedLosses(this.heads, v.outputLosses) : undefined;
    return {
      epoch,
      loss: sums.loss / seen,
      accuracy: sums.acc / seen,
      valLoss: v ? v.loss : null,
      valAccuracy: v ? v.accuracy : null,
      learningRate: lr,
      seconds: (performance.now() - epochStart) / 1000,
      ...(trainOutputs ? { outputLosses: trainOutputs } : {}),
      ...(valOutputs ? { valOutputLosses: valOutputs } : {}),
    };
  }

  /** Takes one step's metrics (read back): the batch events, the epoch sums, the ETA and the NaN guard. */
  private recordStep(epoch: number, m: StepMetrics, sums: { loss: number; acc: number; seen: number; outputs: number[] }, seconds: number): void {
    this.throttle.push(m.batch, m.loss, m.accuracy, m.examples, m.outputLosses);
    if (!Number.isFinite(m.loss)) {
      this.flushBatches(epoch);
      throw new NonFiniteLoss(nonFiniteLossDetail(String(m.loss), epoch + 1, m.batch + 1, m.learningRate, this.state.epochsDone > 0 ? { epoch: this.state.epochsDone, dir: this.lastDir } : null));
    }
    sums.loss += m.loss * m.examples;
    sums.acc += m.accuracy * m.examples;
    m.outputLosses?.forEach((v, i) => (sums.outputs[i] += v * m.examples));
    sums.seen += m.examples;
    this.stepSeconds = Number.isNaN(this.stepSeconds) ? seconds : 0.8 * this.stepSeconds + 0.2 * seconds;
    if (this.throttle.due() || m.batch === this.batchesPerEpoch - 1) this.report(epoch, m.batch);
  }

  /** Releases the batched step metrics with throughput, ETA and memory. */
  private report(epoch: number, b: number): void {
    const { o, cfg } = this;
    const flush = this.flushBatches(epoch);
    const remaining = (cfg.epochs - epoch - 1) * this.batchesPerEpoch + (this.batchesPerEpoch - b - 1);
    if (flush && flush.seconds > 0) o.emit({ type: 'throughput', examplesPerSecond: flush.examples / flush.seconds, etaSeconds: remaining * this.stepSeconds });
    const mem = o.tf.memory();
    o.emit({ type: 'memory', tensorBytes: mem.numBytes, tensors: mem.numTensors, rssBytes: process.memoryUsage().rss });
  }

  private flushBatches(epoch: number) {
    const flush = this.throttle.flush();
    const outputs = flush?.outputLosses ? Object.fromEntries(this.heads.heads.map((h, i) => [h.name, flush.outputLosses![i] ?? []])) : undefined;
    if (flush) this.o.emit({ type: 'batch', epoch, batch: flush.batch, batches: this.batchesPerEpoch, loss: flush.loss, accuracy: flush.accuracy, ...(outputs ? { outputLosses: outputs } : {}) });
    return flush;
  }

  /** Applies the epoch policy: checkpoints (last, and best when improved); true when training should stop early. */
  private async endEpoch(rec: EpochRecord): Promise<boolean> {
    const { o, cfg } = this;
    const decision = afterEpoch(this.state, rec, cfg.earlyStoppingPatience, cfg.epochs);
    this.state = decision.state;
    await saveCheckpoint(o.tf, this.lastDir, this.model, this.opt.optimizer, this.state);
    o.emit({ type: 'checkpoint', path: this.lastDir, kind: 'epoch', epoch: rec.epoch, valLoss: rec.valLoss });
    if (decision.improved) {
      await saveCheckpoint(o.tf, this.bestDir, this.model, this.opt.optimizer, this.state);
      o.emit({ type: 'checkpoint', path: this.bestDir, kind: 'best', epoch: rec.epoch, valLoss: rec.valLoss });
    }
    if (decision.stopEarly) {
      o.emit({ type: 'log', level: 'info', message: `early stopping: ${rec.valLoss !== null ? 'validation' : 'training'} loss has not improved for ${this.state.epochsSinceBest} epochs (best ${this.state.bestValLoss?.toFixed(4)})` });
    }
    return decision.stopEarly;
  }

  /** With a teacher: its test accuracy next to the student's (kept in the run record, and logged); frees it. */
  private async teacherReport(studentAccuracy: number | null): Promise<Record<string, unknown> | null> {
    const { o, teacher } = this;
    if (!teacher) return null;
    const t = this.test.count ? await evaluateSet(o.tf, teacher.model, this.test, this.classes, this.heads) : null;
    teacher.model.dispose();
    this.teacher = null;
    const fmt = (a: number | null) => (a === null ? 'n/a' : `${(a * 100).toFixed(2)}%`);
    o.emit({ type: 'log', level: 'info', message: `distillation: teacher test accuracy ${fmt(t?.accuracy ?? null)}, student ${fmt(studentAccuracy)}` });
    return { teacher: teacher.runDir, temperature: teacher.temperature, alpha: teacher.alpha, teacherTestAccuracy: t?.accuracy ?? null, studentTestAccuracy: studentAccuracy };
  }

  /** Test evaluation (unless stopped), the trained model and the final run record. */
  private async finish(status: LoopStatus): Promise<TrainingEventOf<'finished'>> {
    const { o } = this;
    const evalStart = performance.now();
    const testEval = status === 'stopped' || this.test.count === 0 ? null : await evaluateSet(o.tf, this.model, this.test, this.classes, this.heads, 256, true);
    const testOutputs = testEval?.outputLosses ? namedLosses(this.heads, testEval.outputLosses) : undefined;
    const modelDir = path.join(o.outDir, 'model');
    await saveModelFiles(this.model, modelDir);
    // Per test example (the first `test` examples of the dataset's test split, in order): what the model
    // predicted and how sure it was — the results view's worst-classified samples and confusion-matrix cells.
    if (testEval?.predictions) await writeJsonAtomic(path.join(o.outDir, PREDICTIONS_FILE), { format: 'layerloom.predictions', version: 1, ...testEval.predictions });
    const distillation = await this.teacherReport(testEval?.accuracy ?? null);
    await this.record.write(status, this.state.history, {
      test: testEval ? { accuracy: testEval.accuracy, loss: testEval.loss, confusionMatrix: testEval.confusionMatrix, ...(testOutputs ? { outputLosses: testOutputs } : {}) } : null,
      evalSeconds: (performance.now() - evalStart) / 1000,
      ...(distillation ? { distillation } : {}),
    });
    this.model.dispose();
    return {
      type: 'finished',
      status,
      epochs: this.state.epochsDone,
      testAccuracy: testEval?.accuracy ?? null,
      testLoss: testEval?.loss ?? null,
      ...(testOutputs ? { testOutputLosses: testOutputs } : {}),
      confusionMatrix: testEval?.confusionMatrix ?? null,
      classNames: o.dataset.classNames,
      modelPath: modelDir,
      recordPath: this.record.path,
      seconds: (performance.now() - this.t0) / 1000,
    };
  }
}

/** Runs training to the end (or stop, early stop, divergence); returns the `finished` event or throws. */
export async function runTraining(o: RunOptions): Promise<TrainingEventOf<'finished'>> {
  // The torch backend trains in a Python child process, with the same events and run folder (torch/run.ts).
  if (o.backend.name === 'torch') {
    if (resolveConfig(o.document.training, o.overrides ?? {}).distillation) {
      throw new DesignError('invalid-params', 'knowledge distillation (a teacher) trains on the tfjs backends; choose a backend other than torch', 'teacher');
    }
    // Several inputs / outputs train there as here (heads.ts); what one image and one label cannot feed is refused
    // before Python starts.
    const analysis = analyzeDesign(o.document);
    if (analysis.valid) checkHeadsTrainable(o.document, analysis);
    return (await import('./torch/run')).runTorchTraining(o);
  }
  return new TrainingRun(o).run();
}

/** A run that ended with an error the owner should show as such (not a crash): carries the protocol code. */
export class TrainingFailure extends Error {
  constructor(
    readonly code: 'non-finite-loss' | 'backend-unavailable',
    message: string,
    /** The message by code + values, for the app's languages. */
    readonly detail?: TrainingErrorDetail,
  ) {
    super(message);
    this.name = 'TrainingFailure';
  }
}

/** Maps any error from a run to the protocol's `error` event. */
export function errorEvent(err: unknown): TrainingEventOf<'error'> {
  if (err instanceof TrainingFailure) return { type: 'error', code: err.code, message: err.message, ...(err.detail ? { detail: err.detail } : {}) };
  if (err instanceof DesignError) {
    const code = err.code === 'data-mismatch' ? 'data-mismatch' : err.code === 'invalid-document' || err.code === 'invalid-json' || err.code === 'unsupported-version' ? 'invalid-document' : 'design-error';
    return { type: 'error', code, message: err.message, ...(err.path ? { path: err.path } : {}), ...(err.detail ? { detail: err.detail } : {}) };
  }
  return { type: 'error', code: 'internal', ...internalError(`internal error: ${(err as Error)?.message ?? String(err)}`) };
}

export type { RunConfig };
