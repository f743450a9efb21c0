/**
 * The `torch` backend's run: the same contract as `TrainingRun` (loop.ts) — same inputs, same protocol events, same
 * run folder — with the steps done by PyTorch in a child process (`trainer.py`, the design's generated `model.py`).
 *
 * The Node side keeps everything that is not arithmetic: the design check, dataset loading and splits, the
 * checkpoint / early-stopping policy (`epoch-policy.ts`), checkpoints and the final model as tfjs files (weights
 * come back from Python in tfjs layout and are set into the compiled tfjs model), predictions and the run record.
 * A checkpoint also keeps PyTorch's optimizer state (`torch-optimizer.pt`), so a torch run resumes exactly; a
 * tfjs backend resumes from the same checkpoint with fresh optimizer moments, and a torch run from a tfjs one.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareExport } from '../../../codegen/index';
import { generatePyTorchMapped } from '../../../codegen/pytorch';
import { saveModelFiles } from '../../model-files';
import { loadCheckpoint, saveCheckpoint, writeJsonAtomic, type CheckpointState, type EpochRecord } from '../checkpoint';
import { resolveConfig } from '../config';
import { checkDesignFits, splitValidation } from '../data/dataset';
import { headOf } from '../data/types';
import { afterEpoch, INITIAL_STATE } from '../epoch-policy';
import { DesignError } from '../../../errors';
import { headsFor, headsReport } from '../heads';
import { nonFiniteLossDetail, errorDetailEnglish } from '../../../messages';
import { PREDICTIONS_FILE, TrainingFailure, type RunOptions } from '../loop';
import { buildModelFor, fitInfoFor, lossNameFor } from '../model';
import { createTrainOptimizer } from '../optim';
import { RunRecordWriter } from '../run-record';
import { BatchThrottle } from '../throttle';
import type { TrainingEventOf } from '../../../../contract/training-protocol';
import { TrainerProcess, type TrainerMessage } from './child';
import { buildTorchLaunch, gpusProblem } from './launch';
import { prepareTrainer } from './prepare';
import { torchInfo } from './python';
import { moduleAttributes, readWeights, weightManifest } from './weights';

/** PyTorch's optimizer state beside the tfjs files of a checkpoint. */
export const TORCH_OPTIMIZER_FILE = 'torch-optimizer.pt';

/** The run folder's PyTorch copy of the trained model: `torch/model.py` (generated) and `torch/model.pt` (state_dict). */
export const TORCH_MODEL_DIR = 'torch';

/** The trainer script shipped next to this file. */
export const TRAINER_SCRIPT = fileURLToPath(new URL('./trainer.py', import.meta.url));

/** Options beyond `RunOptions` that only the torch backend has. */
export interface TorchRunOptions {
  /** `--gpus N`: DistributedDataParallel over N GPUs under torchrun. */
  gpus?: number;
  /** CPU threads for PyTorch (its default otherwise). */
  threads?: number;
  /** Tests only: run DDP as CPU processes (gloo). */
  allowCpuDistributed?: boolean;
}

type Status = 'completed' | 'stopped' | 'early-stopped';

/** Trains with PyTorch; returns the `finished` event or throws (`TrainingFailure`, `DesignError`, Error). */
export async function runTorchTraining(o: RunOptions, extra: TorchRunOptions = {}): Promise<TrainingEventOf<'finished'>> {
  const t0 = performance.now();
  const { tf } = o;
  const probe = await torchInfo();
  if (!probe.ok) throw new TrainingFailure('backend-unavailable', `PyTorch is not usable: ${probe.reason}`);
  const cfg = resolveConfig(o.document.training, o.overrides ?? {});
  const gpus = extra.gpus ?? o.overrides?.gpus ?? 1;
  const gpuProblem = gpusProblem(gpus, probe, extra.allowCpuDistributed);
  if (gpuProblem) throw new TrainingFailure('backend-unavailable', gpuProblem);
  // Debian's torch starts with one intra-op thread; use the machine's cores unless the user set OMP_NUM_THREADS.
  const threads = extra.threads ?? (process.env.OMP_NUM_THREADS ? undefined : Math.max(1, Math.floor(os.availableParallelism() / gpus)));
  // The design must be expressible in PyTorch (the export's own check, with its per-feature reasons).
  const { analysis, model: cg } = exportable(o.document);
  // Several inputs / outputs train as on tfjs (heads.ts: one image to every input, the label to every head);
  // runTraining has already refused what that cannot feed.
  const heads = headsFor(tf, analysis);
  const code = generatePyTorchMapped(cg);
  const model = (o.buildModel ?? buildModelFor)(o.document, tf);
  // A tfjs optimizer of the run's kind is never stepped: it only lets checkpoints keep their usual format.
  const tfjsOpt = createTrainOptimizer(tf, cfg.optimizer).optimizer;
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'layerloom-torch-'));
  try {
    checkDesignFits(fitInfoFor(o.document, model), o.dataset);
    const manifest = weightManifest(model, moduleAttributes(code, analysis.flat));
    const classes = o.dataset.classNames.length;
    const full = cfg.limitTrain ? headOf(o.dataset.train, cfg.limitTrain) : o.dataset.train;
    const test = cfg.limitTest ? headOf(o.dataset.test, cfg.limitTest) : o.dataset.test;
    const { train, val } = splitValidation(full, cfg.validationSplit, cfg.seed);
    const batchesPerEpoch = Math.min(Math.ceil(train.count / (cfg.batchSize * gpus)), cfg.maxBatchesPerEpoch ?? Infinity);
    let state: CheckpointState = INITIAL_STATE;
    let optimizerState: string | null = null;
    if (o.resumeFrom) {
      state = await loadCheckpoint(tf, o.resumeFrom, model, tfjsOpt);
      const saved = path.join(o.resumeFrom, TORCH_OPTIMIZER_FILE);
      if (existsSync(saved)) optimizerState = saved;
      else o.emit({ type: 'log', level: 'info', message: `${o.resumeFrom} has no PyTorch optimizer state (a tfjs run's checkpoint): weights resumed, optimizer moments start fresh` });
    }
    const counts = { train: train.count, validation: val?.count ?? 0, test: test.count };
    const record = new RunRecordWriter({ outDir: o.outDir, document: o.document, dataset: o.dataset, datasetSpec: o.datasetSpec, counts, config: cfg, backend: o.backend, resumedFrom: o.resumeFrom }, t0);
    const lastDir = path.join(o.outDir, 'checkpoints', 'last');
    const bestDir = path.join(o.outDir, 'checkpoints', 'best');
    const specFile = await prepareTrainer({
      workDir,
      code,
      model,
      manifest,
      splits: { train, val, test, classes },
      spec: { device: probe.device, threads, loss: lossNameFor(o.document), heads: heads.heads.map((h) => ({ name: h.name, loss: h.loss, weight: h.weight })), optimizerState, config: cfg, startEpoch: state.epochsDone, batchesPerEpoch },
    });
    const launch = buildTorchLaunch({ python: probe.python, script: TRAINER_SCRIPT, specFile, gpus, probe, threads, allowCpuDistributed: extra.allowCpuDistributed, logDir: path.join(workDir, 'torchrun-logs') });
    o.emit({
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

    const feeding = headsReport(heads);
    if (feeding) o.emit({ type: 'log', level: 'info', message: feeding });
    const several = heads.heads.length > 1;
    const throttle = new BatchThrottle();
    let stepSeconds = NaN;
    let epochNow = state.epochsDone;
    let result: Done | null = null;
    let failure: Error | null = null;
    const report = (epoch: number, lastBatch: number, mem?: { tensorBytes: number; rssBytes: number }) => {
      const flush = throttle.flush();
      if (!flush) return;
      const outputs = several && flush.outputLosses ? Object.fromEntries(heads.heads.map((h, i) => [h.name, flush.outputLosses![i] ?? []])) : undefined;
      o.emit({ type: 'batch', epoch, batch: flush.batch, batches: batchesPerEpoch, loss: flush.loss, accuracy: flush.accuracy, ...(outputs ? { outputLosses: outputs } : {}) });
      if (flush.seconds > 0) {
        const per = flush.seconds / flush.loss.length;
        stepSeconds = Number.isNaN(stepSeconds) ? per : 0.8 * stepSeconds + 0.2 * per;
        const remaining = (cfg.epochs - epoch - 1) * batchesPerEpoch + (batchesPerEpoch - lastBatch - 1);
        o.emit({ type: 'throughput', examplesPerSecond: flush.examples / flush.seconds, etaSeconds: remaining * stepSeconds });
      }
      if (mem) o.emit({ type: 'memory', tensorBytes: mem.tensorBytes, tensors: manifest.reduce((n, l) => n + l.shapes.length, 0), rssBytes: mem.rssBytes });
    };

    const onMessage = async (m: TrainerMessage): Promise<void> => {
      switch (m.type) {
        case 'ready':
          o.emit({ type: 'log', level: 'info', message: `PyTorch trainer ready on ${m.device} (${m.threads} thread(s)${Number(m.world) > 1 ? `, ${m.world} processes` : ''})` });
          break;
        case 'epoch-start':
          epochNow = Number(m.epoch);
          throttle.restart();
          o.emit({ type: 'epoch-start', epoch: epochNow, epochs: cfg.epochs, batches: batchesPerEpoch, learningRate: Number(m.learningRate) });
          break;
        case 'steps': {
          const steps = m.steps as Array<[number, number | null, number, number, Array<number | null>?]>;
          for (const [b, loss, acc, n, outs] of steps) throttle.push(b, loss ?? NaN, acc, n, several && outs ? outs.map((v) => v ?? NaN) : undefined);
          const last = steps.at(-1)?.[0] ?? 0;
          if (throttle.due() || last === batchesPerEpoch - 1) report(epochNow, last, m.memory as { tensorBytes: number; rssBytes: number } | undefined);
          break;
        }
        case 'state':
          if (m.state === 'running') throttle.restart();
          o.emit({ type: 'state', state: m.state === 'paused' ? 'paused' : 'running' });
          break;
        case 'epoch-end': {
          report(epochNow, batchesPerEpoch - 1);
          const rec = m.record as EpochRecord;
          o.emit({ type: 'epoch-end', ...rec });
          await readWeights(tf, model, manifest, String(m.weights));
          const decision = afterEpoch(state, rec, cfg.earlyStoppingPatience, cfg.epochs);
          state = decision.state;
          await saveTorchCheckpoint(lastDir, String(m.optimizerState));
          o.emit({ type: 'checkpoint', path: lastDir, kind: 'epoch', epoch: rec.epoch, valLoss: rec.valLoss });
          if (decision.improved) {
            await saveTorchCheckpoint(bestDir, String(m.optimizerState));
            o.emit({ type: 'checkpoint', path: bestDir, kind: 'best', epoch: rec.epoch, valLoss: rec.valLoss });
          }
          if (decision.stopEarly) {
            o.emit({ type: 'log', level: 'info', message: `early stopping: ${rec.valLoss !== null ? 'validation' : 'training'} loss has not improved for ${state.epochsSinceBest} epochs (best ${state.bestValLoss?.toFixed(4)})` });
          }
          child.send(decision.stopEarly ? 'stop-early' : 'continue');
          break;
        }
        case 'diverged': {
          report(epochNow, Number(m.batch));
          const loss = ({ nan: 'NaN', inf: 'Infinity', '-inf': '-Infinity' } as Record<string, string>)[String(m.loss)] ?? String(m.loss);
          const detail = nonFiniteLossDetail(loss, Number(m.epoch) + 1, Number(m.batch) + 1, Number(m.learningRate), state.epochsDone > 0 ? { epoch: state.epochsDone, dir: lastDir } : null);
          const msg = errorDetailEnglish(detail);
          await record.write('diverged', state.history, { error: msg });
          failure = new TrainingFailure('non-finite-loss', msg, detail);
          break;
        }
        case 'done':
          report(epochNow, batchesPerEpoch - 1);
          result = { status: m.status as Status, test: (m.test as TestResult | null) ?? null, weights: String(m.weights), state: String(m.state), evalSeconds: Number(m.evalSeconds ?? 0) };
          break;
        case 'fatal':
          // The Python trace goes to the log (the run's history keeps it); the error event carries the one-line cause.
          if (typeof m.trace === 'string') o.emit({ type: 'log', level: 'warn', message: `PyTorch trainer trace:\n${m.trace.trim().split('\n').slice(-8).join('\n')}` });
          failure = new Error(`the PyTorch trainer failed: ${m.message}`);
          break;
        default:
          o.emit({ type: 'log', level: 'warn', message: `unexpected message from the PyTorch trainer: ${m.type}` });
      }
    };

    const saveTorchCheckpoint = async (dir: string, optimizerFile: string) => {
      await saveCheckpoint(tf, dir, model, tfjsOpt, state);
      await copyFile(optimizerFile, path.join(dir, TORCH_OPTIMIZER_FILE));
    };

    const child = new TrainerProcess(launch, workDir, onMessage);
    // Pause / resume / stop: the owner flips flags on `control`; they are passed on as stdin commands.
    let sent = { paused: false, stopped: false };
    const poll = setInterval(() => {
      const c = o.control;
      if (c.stopRequested && !sent.stopped) child.send('stop');
      else if (c.paused !== sent.paused && !c.stopRequested) child.send(c.paused ? 'pause' : 'resume');
      sent = { paused: c.paused, stopped: c.stopRequested };
    }, 50);
    let exit;
    try {
      exit = await child.done;
    } finally {
      clearInterval(poll);
      child.kill();
    }
    if (failure) throw failure;
    const finished = result as Done | null;
    if (!finished) {
      const why = child.stderr.split('\n').slice(-3).join(' ').trim() || `exit code ${exit.code ?? exit.signal}`;
      throw new Error(`the PyTorch trainer ended without a result: ${why}`);
    }
    await readWeights(tf, model, manifest, finished.weights);
    const modelDir = path.join(o.outDir, 'model');
    await saveModelFiles(model, modelDir);
    const torchDir = path.join(o.outDir, TORCH_MODEL_DIR);
    await mkdir(torchDir, { recursive: true });
    await copyFile(path.join(workDir, 'model.py'), path.join(torchDir, 'model.py'));
    await copyFile(finished.state, path.join(torchDir, 'model.pt'));
    const t = finished.test;
    const testOutputs = several && t?.outputLosses ? Object.fromEntries(heads.heads.map((h, i) => [h.name, t.outputLosses![i]])) : undefined;
    if (t?.predictions) await writeJsonAtomic(path.join(o.outDir, PREDICTIONS_FILE), { format: 'layerloom.predictions', version: 1, ...t.predictions });
    await record.write(finished.status, state.history, { test: t ? { accuracy: t.accuracy, loss: t.loss, confusionMatrix: t.confusionMatrix, ...(testOutputs ? { outputLosses: testOutputs } : {}) } : null, evalSeconds: finished.evalSeconds });
    return {
      type: 'finished',
      status: finished.status,
      epochs: state.epochsDone,
      testAccuracy: t?.accuracy ?? null,
      testLoss: t?.loss ?? null,
      ...(testOutputs ? { testOutputLosses: testOutputs } : {}),
      confusionMatrix: t?.confusionMatrix ?? null,
      classNames: o.dataset.classNames,
      modelPath: modelDir,
      recordPath: record.path,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    tfjsOpt.dispose();
    model.dispose();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The PyTorch export of the design, or a `backend-unavailable` failure listing what PyTorch cannot express. */
function exportable(doc: RunOptions['document']): ReturnType<typeof prepareExport> {
  try {
    return prepareExport(doc, 'pytorch');
  } catch (err) {
    if (err instanceof DesignError && err.code === 'unsupported-export') {
      const details = err.details?.length ? err.details : [err.message];
      throw new TrainingFailure('backend-unavailable', `the torch backend trains the design's PyTorch export, which cannot express: ${details.join('; ')}. Train it with another backend (auto).`);
    }
    throw err;
  }
}

/** trainer.py's `done` message. */
interface Done {
  status: Status;
  test: TestResult | null;
  weights: string;
  state: string;
  evalSeconds: number;
}

/** Test results as trainer.py reports them. */
interface TestResult {
  loss: number;
  accuracy: number;
  confusionMatrix: number[][];
  /** Each output's loss, in `heads` order (designs with several outputs). */
  outputLosses?: number[];
  predictions?: { predicted: number[]; confidence: number[] };
}
