/**
 * The training loop: one `optimizer.minimize` per batch (so pause, stop and the NaN guard act per step),
 * validation each epoch, a checkpoint each epoch plus the best, early stopping, resume, test evaluation with a
 * confusion matrix, the trained model (tfjs format) and a run record (JSON), all written atomically.
 * Events go to `emit`; the worker forwards them over IPC and the CLI prints them.
 */
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../../compile/compile';
import { saveModelFiles } from '../model-files';
import { DesignError } from '../../errors';
import type { DesignDocument } from '../../schema/document';
import { loadCheckpoint, saveCheckpoint, writeJsonAtomic, type CheckpointState, type EpochRecord } from './checkpoint';
import { resolveConfig, type RunConfig } from './config';
import type { TrainingControl } from './control';
import { checkDesignFits, epochOrder, formatDatasetSpec, makeBatch, splitValidation } from './data/dataset';
import { mulberry32 } from './data/random';
import { headOf, type Dataset, type DatasetSpec } from './data/types';
import { accuracyOf, evaluateSet, lossFunction } from './evaluate';
import { buildModelFor, fitInfoFor, lossNameFor } from './model';
import { createTrainOptimizer, learningRateAt } from './optim';
import type { TrainingEvent, TrainingEventOf, TrainingOverrides } from '../../../contract/training-protocol';
import { BatchThrottle } from './throttle';

/** The backend a run uses, as reported by the selector. */
export interface BackendInfo {
  name: string;
  reason: string;
  skipped: Array<{ name: string; reason: string }>;
}

/** Inputs of `runTraining`. */
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
}

/** Thrown inside the loop when the loss stops being finite. */
class NonFiniteLoss extends Error {}

/** Runs training to the end (or stop, early stop, divergence); returns the `finished` event or throws. */
export async function runTraining(o: RunOptions): Promise<TrainingEventOf<'finished'>> {
  const { tf, emit, control } = o;
  const t0 = performance.now();
  const cfg = resolveConfig(o.document.training, o.overrides ?? {});
  const model = (o.buildModel ?? buildModelFor)(o.document, tf);
  checkDesignFits(fitInfoFor(o.document, model), o.dataset);
  const classes = o.dataset.classNames.length;
  const lossFn = lossFunction(tf, lossNameFor(o.document));

  const full = cfg.limitTrain ? headOf(o.dataset.train, cfg.limitTrain) : o.dataset.train;
  const test = cfg.limitTest ? headOf(o.dataset.test, cfg.limitTest) : o.dataset.test;
  const { train, val } = splitValidation(full, cfg.validationSplit, cfg.seed);
  const batchesPerEpoch = Math.min(Math.ceil(train.count / cfg.batchSize), cfg.maxBatchesPerEpoch ?? Infinity);

  const opt = createTrainOptimizer(tf, cfg.optimizer);
  const trainable = model.trainableWeights.map((w) => w.read() as tfjs.Variable);
  const kernels = model.trainableWeights.filter((w) => w.shape.length >= 2).map((w) => w.read() as tfjs.Variable);
  let state: CheckpointState = { version: 1, epochsDone: 0, bestValLoss: null, epochsSinceBest: 0, history: [] };
  if (o.resumeFrom) state = await loadCheckpoint(tf, o.resumeFrom, model, opt.optimizer);

  const ckptDir = path.join(o.outDir, 'checkpoints');
  const lastDir = path.join(ckptDir, 'last');
  const bestDir = path.join(ckptDir, 'best');
  emit({
    type: 'started',
    dataset: o.dataset.name,
    trainExamples: train.count,
    validationExamples: val?.count ?? 0,
    testExamples: test.count,
    classNames: o.dataset.classNames,
    epochs: cfg.epochs,
    batchSize: cfg.batchSize,
    batchesPerEpoch,
    parameters: model.countParams(),
    startEpoch: state.epochsDone,
  });

  const record = (status: string, extra: Record<string, unknown> = {}) =>
    writeJsonAtomic(path.join(o.outDir, 'run.json'), {
      format: 'layerloom.run',
      version: 1,
      status,
      design: o.document.name,
      dataset: { name: o.dataset.name, spec: o.datasetSpec ? formatDatasetSpec(o.datasetSpec) : undefined, train: train.count, validation: val?.count ?? 0, test: test.count, classNames: o.dataset.classNames, normalization: 'pixel / 255' },
      config: cfg,
      backend: o.backend,
      resumedFrom: o.resumeFrom ?? null,
      history: state.history,
      timings: { totalSeconds: (performance.now() - t0) / 1000, trainSeconds: state.history.reduce((s, h) => s + h.seconds, 0) },
      ...extra,
    });

  const throttle = new BatchThrottle();
  let stepSeconds = NaN;
  let status: 'completed' | 'stopped' | 'early-stopped' = 'completed';
  const rand = mulberry32(cfg.seed + 7919 * state.epochsDone);

  try {
    for (let epoch = state.epochsDone; epoch < cfg.epochs && status === 'completed'; epoch++) {
      const epochStart = performance.now();
      emit({ type: 'epoch-start', epoch, epochs: cfg.epochs, batches: batchesPerEpoch, learningRate: learningRateAt(cfg.optimizer.learningRate, cfg.schedule, epoch, cfg.epochs) });
      const order = epochOrder(train.count, cfg.seed, epoch);
      let lossSum = 0;
      let accSum = 0;
      let seen = 0;
      let lr = cfg.optimizer.learningRate;
      for (let b = 0; b < batchesPerEpoch; b++) {
        const gate = await control.gate(
          () => emit({ type: 'state', state: 'paused' }),
          () => {
            throttle.restart();
            emit({ type: 'state', state: 'running' });
          },
        );
        if (gate === 'stop') {
          status = 'stopped';
          break;
        }
        const stepStart = performance.now();
        lr = learningRateAt(cfg.optimizer.learningRate, cfg.schedule, epoch + b / batchesPerEpoch, cfg.epochs);
        opt.setLearningRate(lr);
        const idx = order.subarray(b * cfg.batchSize, Math.min(train.count, (b + 1) * cfg.batchSize));
        const host = makeBatch(train, idx, classes, cfg.augment, rand);
        const { loss, accuracy } = await step(tf, model, opt, trainable, kernels, lossFn, host.x, host.y, [host.size, ...train.shape], classes, lr);
        if (!Number.isFinite(loss)) {
          throttle.push(b, loss, accuracy, host.size);
          flushBatches(emit, throttle, epoch, batchesPerEpoch);
          throw new NonFiniteLoss(
            `the loss became ${loss} at epoch ${epoch + 1}, batch ${b + 1} (learning rate ${lr.toPrecision(3)}); training stopped. ` +
              (state.epochsDone > 0 ? `The last good checkpoint (epoch ${state.epochsDone}) is kept in ${lastDir}.` : 'No epoch had completed, so there is no checkpoint.') +
              ' Lower the learning rate, add BatchNorm, or check the data.',
          );
        }
        lossSum += loss * host.size;
        accSum += accuracy * host.size;
        seen += host.size;
        const dt = (performance.now() - stepStart) / 1000;
        stepSeconds = Number.isNaN(stepSeconds) ? dt : 0.8 * stepSeconds + 0.2 * dt;
        throttle.push(b, loss, accuracy, host.size);
        if (throttle.due() || b === batchesPerEpoch - 1) {
          const flush = flushBatches(emit, throttle, epoch, batchesPerEpoch);
          const remaining = (cfg.epochs - epoch - 1) * batchesPerEpoch + (batchesPerEpoch - b - 1);
          if (flush && flush.seconds > 0) emit({ type: 'throughput', examplesPerSecond: flush.examples / flush.seconds, etaSeconds: remaining * stepSeconds });
          const mem = tf.memory();
          emit({ type: 'memory', tensorBytes: mem.numBytes, tensors: mem.numTensors, rssBytes: process.memoryUsage().rss });
        }
      }
      if (status === 'stopped' || seen === 0) break;
      const v = val ? await evaluateSet(tf, model, val, classes, lossFn) : null;
      const rec: EpochRecord = {
        epoch,
        loss: lossSum / seen,
        accuracy: accSum / seen,
        valLoss: v ? v.loss : null,
        valAccuracy: v ? v.accuracy : null,
        learningRate: lr,
        seconds: (performance.now() - epochStart) / 1000,
      };
      emit({ type: 'epoch-end', ...rec });
      const monitored = rec.valLoss ?? rec.loss;
      const improved = state.bestValLoss === null || monitored < state.bestValLoss;
      state = {
        ...state,
        epochsDone: epoch + 1,
        history: [...state.history, rec],
        bestValLoss: improved ? monitored : state.bestValLoss,
        epochsSinceBest: improved ? 0 : state.epochsSinceBest + 1,
      };
      await saveCheckpoint(tf, lastDir, model, opt.optimizer, state);
      emit({ type: 'checkpoint', path: lastDir, kind: 'epoch', epoch, valLoss: rec.valLoss });
      if (improved) {
        await saveCheckpoint(tf, bestDir, model, opt.optimizer, state);
        emit({ type: 'checkpoint', path: bestDir, kind: 'best', epoch, valLoss: rec.valLoss });
      }
      if (cfg.earlyStoppingPatience > 0 && state.epochsSinceBest >= cfg.earlyStoppingPatience && epoch + 1 < cfg.epochs) {
        emit({ type: 'log', level: 'info', message: `early stopping: ${rec.valLoss !== null ? 'validation' : 'training'} loss has not improved for ${state.epochsSinceBest} epochs (best ${state.bestValLoss?.toFixed(4)})` });
        status = 'early-stopped';
      }
    }
  } catch (err) {
    if (err instanceof NonFiniteLoss) {
      await record('diverged', { error: err.message });
      throw new TrainingFailure('non-finite-loss', err.message);
    }
    throw err;
  } finally {
    opt.optimizer.dispose();
  }

  const evalStart = performance.now();
  const testEval = status === 'stopped' || test.count === 0 ? null : await evaluateSet(tf, model, test, classes, lossFn);
  const modelDir = path.join(o.outDir, 'model');
  await saveModelFiles(model, modelDir);
  const recordPath = path.join(o.outDir, 'run.json');
  await record(status, {
    test: testEval ? { accuracy: testEval.accuracy, loss: testEval.loss, confusionMatrix: testEval.confusionMatrix } : null,
    evalSeconds: (performance.now() - evalStart) / 1000,
  });
  model.dispose();
  return {
    type: 'finished',
    status,
    epochs: state.epochsDone,
    testAccuracy: testEval?.accuracy ?? null,
    testLoss: testEval?.loss ?? null,
    confusionMatrix: testEval?.confusionMatrix ?? null,
    classNames: o.dataset.classNames,
    modelPath: modelDir,
    recordPath,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** A run that ended with an error the owner should show as such (not a crash): carries the protocol code. */
export class TrainingFailure extends Error {
  constructor(
    readonly code: 'non-finite-loss' | 'backend-unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'TrainingFailure';
  }
}

function flushBatches(emit: RunOptions['emit'], throttle: BatchThrottle, epoch: number, batches: number) {
  const flush = throttle.flush();
  if (flush) emit({ type: 'batch', epoch, batch: flush.batch, batches, loss: flush.loss, accuracy: flush.accuracy });
  return flush;
}

/** One optimizer step; returns the batch's data loss (without the L2 term) and accuracy. */
async function step(
  tf: Tf,
  model: tfjs.LayersModel,
  opt: ReturnType<typeof createTrainOptimizer>,
  trainable: tfjs.Variable[],
  kernels: tfjs.Variable[],
  lossFn: ReturnType<typeof lossFunction>,
  xData: Float32Array,
  yData: Float32Array,
  shape: number[],
  classes: number,
  lr: number,
): Promise<{ loss: number; accuracy: number }> {
  const kept: { loss?: tfjs.Scalar; acc?: tfjs.Scalar } = {};
  const x = tf.tensor4d(xData, shape as [number, number, number, number]);
  const y = tf.tensor2d(yData, [shape[0], classes]);
  try {
    const total = opt.optimizer.minimize(
      () => {
        const pred = model.apply(x, { training: true }) as tfjs.Tensor;
        const l = lossFn(y, pred);
        kept.loss = tf.keep(l);
        kept.acc = tf.keep(accuracyOf(tf, y, pred));
        const p = opt.penalty(kernels);
        return p ? (tf.add(l, p) as tfjs.Scalar) : l;
      },
      true,
      trainable,
    );
    if (total && total !== kept.loss) total.dispose();
    opt.afterStep(kernels, lr);
    const [l, a] = await Promise.all([kept.loss!.data(), kept.acc!.data()]);
    return { loss: l[0], accuracy: a[0] };
  } finally {
    tf.dispose([x, y, ...(kept.loss ? [kept.loss] : []), ...(kept.acc ? [kept.acc] : [])]);
  }
}

/** Maps any error from a run to the protocol's `error` event. */
export function errorEvent(err: unknown): TrainingEventOf<'error'> {
  if (err instanceof TrainingFailure) return { type: 'error', code: err.code, message: err.message };
  if (err instanceof DesignError) {
    const code = err.code === 'data-mismatch' ? 'data-mismatch' : err.code === 'invalid-document' || err.code === 'invalid-json' || err.code === 'unsupported-version' ? 'invalid-document' : 'design-error';
    return { type: 'error', code, message: err.message, ...(err.path ? { path: err.path } : {}) };
  }
  return { type: 'error', code: 'internal', message: `internal error: ${(err as Error)?.message ?? String(err)}` };
}

export type { RunConfig };
