/**
 * The English of every error detail equals, word for word, what the CLI and the app printed before the message had
 * a code (`messages.samples.ts` keeps each code's values and that sentence): the training errors, the memory
 * budget's refusals, the architecture search's refusals and errors, the export and file refusals.
 */
import { describe, expect, it } from 'vitest';
import { ERROR_DETAIL_CODES, errorDetailEnglish, memoryRefusalDetail, quoting, type ErrorDetail } from './messages';
import { ERROR_DETAIL_SAMPLES } from './messages.samples';

describe('error details in English', () => {
  it.each(Object.entries(ERROR_DETAIL_SAMPLES))('%s: the same sentence as before it had a code', (code, [values, before]) => {
    expect(errorDetailEnglish({ code: code as ErrorDetail['code'], values })).toBe(before);
  });

  it('every code has a sample, each code once', () => {
    expect(Object.keys(ERROR_DETAIL_SAMPLES).sort()).toEqual([...ERROR_DETAIL_CODES].sort());
    expect(new Set(ERROR_DETAIL_CODES).size).toBe(ERROR_DETAIL_CODES.length);
  });

  it('a quoting detail carries its cause and writes the cause\'s English as its reason', () => {
    const cause: ErrorDetail = { code: 'fs-not-found', values: { path: '/docs/x' } };
    expect(quoting('at-file', { file: '/docs/out' }, cause)).toEqual({ code: 'at-file', values: { file: '/docs/out', reason: '/docs/x: no such file or folder' }, cause });
    expect(errorDetailEnglish(quoting('at-file', { file: '/docs/out' }, cause))).toBe('/docs/out: /docs/x: no such file or folder');
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
