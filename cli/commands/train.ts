/**
 * `layerloom train <document | template-name> --dataset default|idx:DIR|cifar:DIR|folder:DIR [--epochs N]
 * [--batch N] [--lr X] [--backend auto|torch|tensorflow-gpu|tensorflow|webgpu|wasm|cpu] [--gpus N] [--out DIR] [--resume DIR] [--json]`
 *
 * Trains in this process with the same loop and events as the app's worker. In a terminal it draws a progress
 * bar (loss, accuracy, examples/s, ETA); `--json` prints one event per line, the last being `finished`.
 * Ctrl-C stops after the current step and keeps the last checkpoint; a second Ctrl-C quits at once.
 * A template is retargeted to the dataset's image shape and class count; a document must already fit.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectCliBackend } from '../backend';
import { TrainingControl } from '../../engine/node/train/control';
import { analyzeDesign } from '../../engine/analysis/analyze';
import { assertWithinMemoryBudget } from '../../engine/node/limits';
import { loadDataset, parseDatasetSpec } from '../../engine/node/train/data/dataset';
import { errorEvent, runTraining } from '../../engine/node/train/loop';
import { backendChoiceSchema, type TrainingEvent, type TrainingOverrides } from '../../contract/training-protocol';
import { assertNever, DesignError } from '../../engine/errors';
import type { DesignDocument } from '../../engine/schema/document';
import { getTemplate } from '../../templates/index';
import { parseCliArgs, positiveInt, positiveNumber } from '../args';
import { CliError } from '../cli-error';
import { loadDesign } from './analyze';

const USAGE =
  'Usage: layerloom train <document.json | template-name> --dataset default|idx:DIR|cifar:DIR|folder:DIR [--epochs N] [--batch N] [--lr X] ' +
  '[--backend auto|torch|tensorflow-gpu|tensorflow|webgpu|wasm|cpu] [--gpus N (torch: DistributedDataParallel)] [--teacher RUN_DIR [--temperature T] [--alpha A]] [--out DIR] [--resume CHECKPOINT_DIR] [--json]';

const fmtTime = (s: number) => {
  if (!Number.isFinite(s)) return '--:--';
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = String(t % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
};

/** Renders events for a person: a live bar on a TTY, one line per epoch otherwise. */
function humanPrinter(out: NodeJS.WriteStream) {
  const tty = out.isTTY === true;
  let epoch = 0;
  let epochs = 0;
  let speed = NaN;
  let eta = NaN;
  let lastLoss = NaN;
  let lastAcc = NaN;
  const line = (s: string) => out.write(tty ? `\r\x1b[2K${s}` : `${s}\n`);
  return (e: TrainingEvent): void => {
    switch (e.type) {
      case 'backend':
        out.write(`backend: ${e.name} (${e.reason})\n${e.skipped.map((s) => `  skipped ${s.name}: ${s.reason}\n`).join('')}`);
        break;
      case 'started':
        epochs = e.epochs;
        out.write(`${e.dataset}: ${e.trainExamples} train / ${e.validationExamples} validation / ${e.testExamples} test, ${e.classNames.length} classes; ${e.parameters.toLocaleString('en-US')} parameters, batch ${e.batchSize}\n`);
        break;
      case 'epoch-start':
        epoch = e.epoch;
        break;
      case 'batch': {
        const l = e.loss.at(-1);
        const a = e.accuracy.at(-1);
        lastLoss = l ?? NaN;
        lastAcc = a ?? NaN;
        if (!tty) break;
        const width = 24;
        const done = Math.round(((e.batch + 1) / e.batches) * width);
        line(`epoch ${epoch + 1}/${epochs} [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${e.batch + 1}/${e.batches} loss ${lastLoss.toFixed(4)} acc ${lastAcc.toFixed(3)} | ${Math.round(speed)} ex/s | ETA ${fmtTime(eta)}`);
        break;
      }
      case 'throughput':
        speed = e.examplesPerSecond;
        eta = e.etaSeconds ?? NaN;
        break;
      case 'epoch-end':
        line(
          `epoch ${e.epoch + 1}/${epochs}: loss ${e.loss.toFixed(4)} acc ${e.accuracy.toFixed(4)}` +
            (e.valLoss !== null ? ` | val loss ${e.valLoss.toFixed(4)} val acc ${e.valAccuracy?.toFixed(4)}` : '') +
            ` | ${e.seconds.toFixed(1)} s, ${Math.round(speed)} ex/s, lr ${e.learningRate.toExponential(2)}` +
            // Several Output blocks: each one's loss (the loss above is their weighted sum).
            (e.outputLosses ? ` | ${Object.entries(e.outputLosses).map(([name, l]) => `${name} ${l.toFixed(4)}`).join(', ')}` : ''),
        );
        if (tty) out.write('\n');
        break;
      case 'checkpoint':
      case 'memory':
        break;
      case 'state':
        if (e.state === 'stopping') out.write(`${tty ? '\n' : ''}stopping after the current step (Ctrl-C again to quit now)…\n`);
        break;
      case 'finished':
        out.write(
          `${e.status === 'completed' ? 'finished' : e.status}: ${e.epochs} epoch(s) in ${fmtTime(e.seconds)}` +
            (e.testAccuracy !== null ? `; test accuracy ${(e.testAccuracy * 100).toFixed(2)}% (loss ${e.testLoss?.toFixed(4)})` : '') +
            `\nmodel: ${e.modelPath}\nrun record: ${e.recordPath}\n`,
        );
        break;
      case 'error':
        out.write(`${tty ? '\n' : ''}error (${e.code}): ${e.message}\n`);
        break;
      case 'log':
        out.write(`${tty ? '\n' : ''}${e.message}\n`);
        break;
      default:
        assertNever(e, 'event');
    }
  };
}

function defaultOutDir(doc: DesignDocument): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const name = doc.name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  return path.join('runs', `${name}-${stamp}`);
}

/** Runs `layerloom train`; 0 when training finished (or was stopped), 2 for bad input, 1 when training failed. */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, {
    dataset: { type: 'string' },
    epochs: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    backend: { type: 'string', default: 'auto' },
    out: { type: 'string' },
    resume: { type: 'string' },
    json: { type: 'boolean', default: false },
    'limit-train': { type: 'string' },
    'limit-test': { type: 'string' },
    'max-batches': { type: 'string' },
    gpus: { type: 'string' },
    teacher: { type: 'string' },
    temperature: { type: 'string' },
    alpha: { type: 'string' },
  });
  if (positionals.length !== 1) throw new CliError(`expected one document or template name, got ${positionals.length}. ${USAGE}`);
  const backend = backendChoiceSchema.safeParse(values.backend);
  if (!backend.success) throw new CliError(`--backend must be one of ${backendChoiceSchema.options.join(', ')}, got '${values.backend}'.`);
  const overrides: TrainingOverrides = {};
  const set = <K extends keyof TrainingOverrides>(k: K, v: TrainingOverrides[K] | undefined) => {
    if (v !== undefined) overrides[k] = v;
  };
  set('epochs', positiveInt(values.epochs, '--epochs'));
  set('batchSize', positiveInt(values.batch, '--batch'));
  set('learningRate', positiveNumber(values.lr, '--lr'));
  set('limitTrain', positiveInt(values['limit-train'], '--limit-train'));
  set('limitTest', positiveInt(values['limit-test'], '--limit-test'));
  set('maxBatchesPerEpoch', positiveInt(values['max-batches'], '--max-batches'));
  set('gpus', positiveInt(values.gpus, '--gpus'));
  if (overrides.gpus !== undefined && overrides.gpus > 1 && backend.data !== 'torch') throw new CliError('--gpus N trains with PyTorch DistributedDataParallel: add --backend torch.');
  set('teacher', values.teacher);
  set('temperature', positiveNumber(values.temperature, '--temperature'));
  const alpha = values.alpha === undefined ? undefined : Number(values.alpha);
  if (alpha !== undefined && !(alpha >= 0 && alpha <= 1)) throw new CliError(`--alpha must be a number from 0 to 1, got '${values.alpha}'.`);
  set('alpha', alpha);
  if ((overrides.temperature !== undefined || overrides.alpha !== undefined) && !overrides.teacher) throw new CliError('--temperature and --alpha set knowledge distillation: add --teacher RUN_DIR.');
  if (overrides.teacher && backend.data === 'torch') throw new CliError('--teacher (knowledge distillation) trains on the tfjs backends; it is not available with --backend torch yet.');

  const target = positionals[0];
  const template = getTemplate(target);
  let doc = loadDesign(target);
  // Refuse a design that would not fit in memory before loading data or building anything (templates: after retargeting).
  const batchFor = (d: DesignDocument) => overrides.batchSize ?? d.training.batchSize;
  if (!template) assertWithinMemoryBudget(analyzeDesign(doc, { batchSize: batchFor(doc) }), { use: 'train', batch: batchFor(doc) });
  const spec = parseDatasetSpec(values.dataset ?? doc.training.dataset);
  const inputShape = doc.nodes.find((n) => n.type === 'Input')?.params.shape;
  const dataset = loadDataset(spec, Array.isArray(inputShape) ? (inputShape as number[]) : undefined);
  if (template) doc = template.build({ inputShape: [...dataset.train.shape], classes: dataset.classNames.length });
  if (template) assertWithinMemoryBudget(analyzeDesign(doc, { batchSize: batchFor(doc) }), { use: 'train', batch: batchFor(doc) });

  const emit = values.json ? (e: TrainingEvent) => process.stdout.write(JSON.stringify(e) + '\n') : humanPrinter(process.stdout);
  const selection = await selectCliBackend(tf, backend.data);
  emit({ type: 'backend', ...selection });

  const control = new TrainingControl();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    emit({ type: 'state', state: 'stopping' });
    control.stop();
  };
  process.on('SIGINT', onSigint);
  try {
    const finished = await runTraining({ tf, document: doc, dataset, datasetSpec: spec, overrides, outDir: values.out ?? defaultOutDir(doc), resumeFrom: values.resume, backend: selection, emit, control });
    emit(finished);
    return 0;
  } catch (err) {
    const event = errorEvent(err);
    if (values.json) emit(event);
    if (err instanceof DesignError) throw err;
    if (!values.json) emit(event);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
