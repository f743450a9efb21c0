/**
 * The training worker: a child process (started by `electron/training/worker-host.ts` with
 * `node --import tsx`) that receives `TrainingCommand`s over IPC, trains, and sends `TrainingEvent`s back.
 * Every message is validated on the way in and on the way out. The process stays up between runs;
 * if its owner goes away it stops.
 */
import * as tf from '@tensorflow/tfjs';
import { parseDocument } from '../../schema/load';
import { analyzeDesign } from '../../analysis/analyze';
import { assertWithinMemoryBudget } from '../limits';
import { assertNever } from '../../errors';
import { BackendUnavailableError, selectBackend } from './backends/select';
import { TrainingControl } from './control';
import { loadDataset } from './data/dataset';
import { errorEvent, runTraining } from './loop';
import { eventSchema, parseCommand, type StartCommand, type TrainingEvent } from '../../../contract/training-protocol';
import { internalError } from '../../messages';

let control: TrainingControl | null = null;

function send(event: TrainingEvent): void {
  const checked = eventSchema.safeParse(event);
  const out: TrainingEvent = checked.success ? checked.data : { type: 'error', code: 'internal', ...internalError(`worker produced an invalid ${event.type} event: ${checked.error.issues[0]?.message}`) };
  process.send?.(out);
}

async function start(cmd: StartCommand): Promise<void> {
  const ctl = new TrainingControl();
  control = ctl;
  try {
    const document = parseDocument(cmd.document);
    // Refused before the backend, the dataset or the model allocate anything (engine/node/limits.ts).
    const batchSize = cmd.overrides.batchSize ?? document.training.batchSize;
    assertWithinMemoryBudget(analyzeDesign(document, { batchSize }), { use: 'train', batch: batchSize });
    const selection = await selectBackend(tf, cmd.backend);
    send({ type: 'backend', ...selection });
    const input = document.nodes.find((n) => n.type === 'Input')?.params.shape;
    const dataset = loadDataset(cmd.dataset, Array.isArray(input) ? (input as number[]) : undefined);
    const finished = await runTraining({
      tf,
      document,
      dataset,
      datasetSpec: cmd.dataset,
      overrides: cmd.overrides,
      outDir: cmd.outDir,
      resumeFrom: cmd.resumeFrom,
      backend: selection,
      emit: send,
      control: ctl,
    });
    send(finished);
  } catch (err) {
    if (err instanceof BackendUnavailableError) send({ type: 'error', code: 'backend-unavailable', message: err.message, path: 'backend', detail: { code: 'backend-unavailable', values: { backend: err.backend, reason: err.reason } } });
    else send(errorEvent(err));
  } finally {
    control = null;
  }
}

process.on('message', (raw) => {
  const parsed = parseCommand(raw);
  if (!parsed.ok) {
    send({ type: 'error', code: 'invalid-command', message: `invalid command: ${parsed.error}` });
    return;
  }
  const cmd = parsed.value;
  switch (cmd.type) {
    case 'start':
      if (control) send({ type: 'error', code: 'busy', message: 'a training run is already in progress; stop it first' });
      else void start(cmd);
      break;
    case 'pause':
      control?.pause();
      break;
    case 'resume':
      control?.resume();
      break;
    case 'stop':
      if (control) send({ type: 'state', state: 'stopping' });
      control?.stop();
      break;
    default:
      assertNever(cmd, 'command');
  }
});

// The owner went away: finish quietly rather than train for nobody.
process.on('disconnect', () => process.exit(0));
process.on('uncaughtException', (err) => {
  send({ type: 'error', code: 'internal', ...internalError(`training worker failed: ${err.message}`) });
  process.exit(1);
});
process.send?.({ type: 'log', level: 'info', message: `training worker ready (pid ${process.pid})` });
