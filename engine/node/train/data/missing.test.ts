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
import { errorEvent } from '../loop';
import { BackendUnavailableError } from '../backends/select';
import { parseEvent } from '../../../../contract/training-protocol';
import { trainingErrorEnglish, TRAINING_ERROR_CODES, type TrainingErrorDetail } from '../../../messages';

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
      expect(e.message).toBe(`dataset: ${trainingErrorEnglish(e.detail as TrainingErrorDetail)}`);
      expect(parseEvent(e).ok).toBe(true);
    }
  });

  it('every detail code has English naming its values; an event without detail stays valid', () => {
    const err = new BackendUnavailableError('webgpu', 'no adapter was found');
    const detail: TrainingErrorDetail = { code: 'backend-unavailable', values: { backend: err.backend, reason: err.reason } };
    expect(trainingErrorEnglish(detail)).toBe(err.message);
    expect(TRAINING_ERROR_CODES).toEqual(['dataset-missing', 'backend-unavailable']);
    expect(parseEvent({ type: 'error', code: 'internal', message: 'x' }).ok).toBe(true);
    expect(parseEvent({ type: 'error', code: 'internal', message: 'x', detail: { code: '' } }).ok).toBe(false);
  });
});
