/**
 * The search worker: a child process (forked by `electron/search-service.ts` under `node --import tsx`, like the
 * training worker) that runs one architecture search at a time (`run-search.ts`) and streams `SearchEvent`s back.
 * Every message is validated on the way in and on the way out; if its owner goes away it stops.
 */
import * as tf from '@tensorflow/tfjs';
import { parseSearchCommand, searchEventSchema, type SearchEvent, type SearchStartCommand } from '../../../contract/search';
import { assertNever } from '../../errors';
import { errorDetailEnglish, internalError, type ErrorDetail } from '../../messages';
import { parseDocument } from '../../schema/load';
import { selectBackend } from '../train/backends/select';
import { TrainingControl } from '../train/control';
import { loadDataset } from '../train/data/dataset';
import { errorEvent } from '../train/loop';
import { runSearch } from './run-search';

let control: TrainingControl | null = null;

function send(event: SearchEvent): void {
  const checked = searchEventSchema.safeParse(event);
  process.send?.(checked.success ? checked.data : { type: 'error', ...internalError(`the search worker produced an invalid ${event.type} event: ${checked.error.issues[0]?.message}`) });
}

/** The refusal of a second search while one runs (the host refuses it first; this is the worker's own guard). */
function busy(): SearchEvent {
  const detail: ErrorDetail = { code: 'search-busy', values: {} };
  return { type: 'error', message: errorDetailEnglish(detail), detail };
}

async function start(cmd: SearchStartCommand): Promise<void> {
  const ctl = new TrainingControl();
  control = ctl;
  try {
    const document = parseDocument(cmd.document);
    tf.env().set('PROD', true);
    const backend = await selectBackend(tf, cmd.backend === 'torch' ? 'auto' : cmd.backend);
    const input = document.nodes.find((n) => n.type === 'Input')?.params.shape;
    const dataset = loadDataset(cmd.dataset, Array.isArray(input) ? (input as number[]) : undefined);
    await runSearch({
      tf, document, space: cmd.space, dataset, datasetSpec: cmd.dataset, budget: cmd.run.budget, method: cmd.run.method,
      batches: cmd.run.batches, seed: cmd.run.seed, outDir: cmd.outDir, backend, overrides: cmd.overrides, emit: send, control: ctl,
    });
  } catch (err) {
    const { message, detail } = errorEvent(err);
    send({ type: 'error', message, ...(detail ? { detail } : {}) });
  } finally {
    control = null;
  }
}

process.on('message', (raw) => {
  const parsed = parseSearchCommand(raw);
  if (!parsed.ok) {
    send({ type: 'error', message: `invalid search command: ${parsed.error}` });
    return;
  }
  const cmd = parsed.value;
  switch (cmd.type) {
    case 'start':
      if (control) send(busy());
      else void start(cmd);
      break;
    case 'stop':
      control?.stop();
      break;
    default:
      assertNever(cmd, 'search command');
  }
});

process.on('disconnect', () => process.exit(0));
process.on('uncaughtException', (err) => {
  send({ type: 'error', ...internalError(`the search worker failed: ${err.message}`) });
  process.exit(1);
});
process.send?.({ ready: true });
