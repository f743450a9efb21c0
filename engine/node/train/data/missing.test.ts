/**
 * Translatable training errors: the worker's error event for a missing dataset folder (each loader) and for an
 * unusable backend carries `detail` (code + values), and the English written from it is the event's message.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadCifarDataset } from './cifar';
import { loadFolderDataset } from './folder';
import { loadIdxDataset } from './idx';
import { checkDesignFits } from './dataset';
import type { Dataset } from './types';
import { errorEvent } from '../loop';
import { BackendUnavailableError } from '../backends/select';
import { parseEvent } from '../../../../contract/training-protocol';
import { errorDetailEnglish, TRAINING_ERROR_CODES, type TrainingErrorDetail } from '../../../messages';

const event = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return errorEvent(err);
  }
  throw new Error('expected an error');
};

describe('training error details', () => {
  it('a missing dataset folder: every loader sends code dataset-missing with the folder, and its English is the message', () => {
    const dir = join(tmpdir(), 'layerloom-no-such-dataset-4711');
    for (const load of [loadCifarDataset, loadIdxDataset, (d: string) => loadFolderDataset(d)]) {
      const e = event(() => load(dir));
      expect(e).toMatchObject({ code: 'data-mismatch', path: 'dataset', detail: { code: 'dataset-missing', values: { dir } } });
      expect(e.message).toBe(`dataset: ${errorDetailEnglish(e.detail as TrainingErrorDetail)}`);
      expect(parseEvent(e).ok).toBe(true);
    }
  });

  it('every detail code has English naming its values; an event without detail stays valid', () => {
    const err = new BackendUnavailableError('webgpu', 'no adapter was found');
    const detail: TrainingErrorDetail = { code: 'backend-unavailable', values: { backend: err.backend, reason: err.reason } };
    expect(errorDetailEnglish(detail)).toBe(err.message);
    expect(TRAINING_ERROR_CODES).toEqual(['dataset-missing', 'backend-unavailable', 'input-shape', 'output-classes', 'output-classes-named', 'non-finite-loss', 'non-finite-loss-first']);
    expect(parseEvent({ type: 'error', code: 'internal', message: 'x' }).ok).toBe(true);
    expect(parseEvent({ type: 'error', code: 'internal', message: 'x', detail: { code: '' } }).ok).toBe(false);
  });

  it('a design that does not fit the data: input shape and class count (one output, named outputs) carry their values', () => {
    const data = { name: 'fashion-mnist', train: { shape: [28, 28, 1] }, classNames: Array.from({ length: 10 }, (_, i) => `c${i}`) } as unknown as Dataset;
    const cases = [
      { design: { inputs: [{ shape: [32, 32, null], path: 'nodes[0]' }], outputs: [] }, detail: { code: 'input-shape', values: { want: '32×32×?', dataset: 'fashion-mnist', shape: '28×28×1' } } },
      { design: { inputs: [], outputs: [{ units: 5, path: 'nodes[4]' }] }, detail: { code: 'output-classes', values: { units: 5, dataset: 'fashion-mnist', classes: 10 } } },
      { design: { inputs: [], outputs: [{ units: 10 }, { units: null, name: 'aux' }] }, detail: { code: 'output-classes-named', values: { units: '?', output: 'aux', dataset: 'fashion-mnist', classes: 10 } } },
    ];
    for (const c of cases) {
      const e = event(() => checkDesignFits(c.design, data));
      expect(e).toMatchObject({ code: 'data-mismatch', detail: c.detail });
      expect(e.message.endsWith(errorDetailEnglish(e.detail as TrainingErrorDetail))).toBe(true);
      expect(parseEvent(e).ok).toBe(true);
    }
    expect(event(() => checkDesignFits(cases[1].design, data)).message).toBe('nodes[4]: the design outputs 5 values but fashion-mnist has 10 classes: set the last Dense to 10 units');
  });
});
