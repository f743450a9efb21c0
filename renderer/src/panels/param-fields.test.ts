import { describe, expect, it } from 'vitest';
import { conv2dParams } from '../../../engine/blocks/conv';
import { inputParams } from '../../../engine/blocks/io';
import { pool2dParams, zeroPadding2dParams } from '../../../engine/blocks/pool';
import { residualParams } from '../../../engine/blocks/residual';
import { fieldsOf, fromText, labelOf, toText, validateField } from './param-fields';

describe('inspector fields from zod params', () => {
  it('derives a control per Conv2D param', () => {
    const fields = Object.fromEntries(fieldsOf(conv2dParams).map((f) => [f.key, f.field.kind]));
    expect(fields).toEqual({ filters: 'number', kernelSize: 'tuple', strides: 'tuple', padding: 'enum', dilation: 'tuple', useBias: 'boolean', activation: 'enum' });
  });

  it.each([
    [inputParams, 'shape', 'list', false],
    [pool2dParams, 'strides', 'tuple', true],
    [residualParams, 'variant', 'enum', false],
    [zeroPadding2dParams, 'padding', 'json', false],
  ] as const)('%#: %s is a %s field (optional: %s)', (schema, key, kind, optional) => {
    const f = fieldsOf(schema).find((x) => x.key === key)!;
    expect(f.field.kind).toBe(kind);
    expect(f.optional).toBe(optional);
  });

  it.each([
    ['3', { kind: 'tuple', length: 2 } as const, [3, 3]],
    ['5, 3', { kind: 'tuple', length: 2 } as const, [5, 3]],
    ['28 x 28 x 1', { kind: 'list' } as const, [28, 28, 1]],
    ['64', { kind: 'number', integer: true } as const, 64],
  ])('reads "%s"', (text, field, value) => {
    expect(fromText(text, field, false)).toEqual({ value });
  });

  it('rejects text that is not a number with a message', () => {
    expect(fromText('abc', { kind: 'number', integer: true }, false)).toEqual({ error: 'expected a number, got "abc"' });
    expect(fromText('', { kind: 'tuple', length: 2 }, true)).toEqual({ value: undefined });
  });

  it('gives zod messages for the edited key only', () => {
    const params = conv2dParams.parse({});
    expect(validateField(conv2dParams, params, 'filters', 0)).toBe('expected a positive integer');
    expect(validateField(conv2dParams, params, 'filters', 2.5)).toBe('expected a whole number');
    expect(validateField(conv2dParams, params, 'filters', 16)).toBeNull();
    expect(validateField(conv2dParams, params, 'kernelSize', [3, 0])).toMatch(/^\[1\]: expected a positive integer/);
  });

  it('round-trips values through text and labels keys', () => {
    expect(toText([3, 3], { kind: 'tuple', length: 2 })).toBe('3, 3');
    expect(labelOf('kernelSize')).toBe('Kernel size');
    expect(labelOf('filters3x3Reduce')).toBe('Filters 3x3 reduce');
  });
});
