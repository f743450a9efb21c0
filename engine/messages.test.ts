/**
 * The English of every error detail that is not a training error (those are checked by the training tests) equals,
 * word for word, what the CLI and the app printed before the message had a code: the memory budget's refusals
 * (engine/node/limits.ts) and the architecture search's refusals and errors (engine/search, the search worker).
 */
import { describe, expect, it } from 'vitest';
import { ERROR_DETAIL_CODES, MEMORY_REFUSAL_CODES, SEARCH_MESSAGE_CODES, TRAINING_ERROR_CODES, errorDetailEnglish, memoryRefusalDetail, type ErrorDetail } from './messages';

const machineSource = "half of this machine's 15.5 GB; set LAYERLOOM_MEMORY_BUDGET (e.g. LAYERLOOM_MEMORY_BUDGET=16GB) to change it";
const smaller = 'Make it smaller (fewer filters or units, more downsampling) or lower the batch size.';

/** Each code with sample values and the sentence printed before codes existed. */
const BEFORE: Record<(typeof MEMORY_REFUSAL_CODES)[number] | (typeof SEARCH_MESSAGE_CODES)[number], [ErrorDetail['values'], string]> = {
  'memory-train': [
    { need: '31.6 GB', batch: 256, params: 138_357_544, budget: '2.0 GB', setting: '2GB' },
    `the design needs about 31.6 GB to train at batch 256 (138,357,544 parameters with their gradients and optimizer state, and the batch's activations), more than the memory budget of 2.0 GB (LAYERLOOM_MEMORY_BUDGET=2GB). ${smaller}`,
  ],
  'memory-train-machine': [
    { need: '31.6 GB', batch: 64, params: 1234, budget: '7.8 GB', machine: '15.5 GB' },
    `the design needs about 31.6 GB to train at batch 64 (1,234 parameters with their gradients and optimizer state, and the batch's activations), more than the memory budget of 7.8 GB (${machineSource}). ${smaller}`,
  ],
  'memory-export': [
    { need: '1.1 GB', format: 'onnx', params: 138_357_544, budget: '100.0 MB', setting: '100MB' },
    `the design needs about 1.1 GB to export as onnx (138,357,544 parameters: the built model and a serialized copy of its weights), more than the memory budget of 100.0 MB (LAYERLOOM_MEMORY_BUDGET=100MB). ${smaller}`,
  ],
  'memory-export-machine': [
    { need: '1.1 GB', format: 'tfjs', params: 7, budget: '7.8 GB', machine: '15.5 GB' },
    `the design needs about 1.1 GB to export as tfjs (7 parameters: the built model and a serialized copy of its weights), more than the memory budget of 7.8 GB (${machineSource}). ${smaller}`,
  ],
  'search-invalid-design': [{ reason: "'head' (Dense): expects 1 input, got 0" }, "the design is not valid: 'head' (Dense): expects 1 input, got 0"],
  'search-max-params': [{ params: 27_210, max: 20_000 }, '27,210 parameters > 20,000'],
  'search-max-macs': [{ macs: 1_234_567, max: 1_000_000 }, '1,234,567 MACs > 1,000,000'],
  'search-max-memory': [{ bytes: 1_234_567, max: 1_000_000 }, 'training memory 1234567 bytes > 1000000'],
  'search-min-rf': [{ size: 3, min: 5 }, 'receptive field at the last convolution 3 px < 5'],
  'search-no-node': [{ index: 0, node: 'nope' }, "params[0].node: no node 'nope' in the design"],
  'search-no-param': [{ index: 1, type: 'Conv2D', name: 'conv', param: 'units', params: 'filters, kernelSize' }, "params[1].param: Conv2D 'conv' has no param 'units' (it has filters, kernelSize)"],
  'search-bad-value': [{ index: 0, valueIndex: 1, value: '-1', param: 'filters', type: 'Conv2D', issue: 'expected a positive integer' }, 'params[0].values[1]: -1 is not a valid filters for Conv2D: expected a positive integer'],
  'search-value-invalid': [{ value: '-1', param: 'filters', type: 'Conv2D', issue: 'expected a positive integer' }, '-1 is not a valid filters for Conv2D: expected a positive integer'],
  'search-unknown-block': [{ type: 'Nope' }, 'unknown block type Nope'],
  'search-busy': [{}, 'a search is already in progress; stop it first'],
  'search-nothing-marked': [{}, 'no param is marked searchable; mark some in the inspector first'],
};

describe('error details in English', () => {
  it.each(Object.entries(BEFORE))('%s: the same sentence as before it had a code', (code, [values, before]) => {
    expect(errorDetailEnglish({ code: code as ErrorDetail['code'], values })).toBe(before);
  });

  it('the vocabulary is the training, memory and search codes, each once', () => {
    expect([...ERROR_DETAIL_CODES]).toEqual([...TRAINING_ERROR_CODES, ...Object.keys(BEFORE)]);
    expect(new Set(ERROR_DETAIL_CODES).size).toBe(ERROR_DETAIL_CODES.length);
  });

  it('a memory refusal picks its code from the use and where the budget came from', () => {
    const env = { bytes: 2 * 1024 ** 3, source: { setting: '2GB' } };
    const machine = { bytes: 8 * 1024 ** 3, source: { machineBytes: 16 * 1024 ** 3 } };
    expect(memoryRefusalDetail({ use: 'train', batch: 64 }, 3 * 1024 ** 3, 1000, env)).toEqual({ code: 'memory-train', values: { need: '3.0 GB', params: 1000, budget: '2.0 GB', batch: 64, setting: '2GB' } });
    expect(memoryRefusalDetail({ use: 'train', batch: 64 }, 9 * 1024 ** 3, 1000, machine).code).toBe('memory-train-machine');
    expect(memoryRefusalDetail({ use: 'export', format: 'onnx' }, 3 * 1024 ** 3, 1000, env)).toMatchObject({ code: 'memory-export', values: { format: 'onnx' } });
    expect(memoryRefusalDetail({ use: 'export', format: 'tfjs' }, 9 * 1024 ** 3, 1000, machine)).toMatchObject({ code: 'memory-export-machine', values: { machine: '16.0 GB' } });
  });
});
