/**
 * ONNX import refusals carry their message by code + values (engine/messages/import.ts) beside the English, so the
 * app can write them in its language: an operator with no block, one outside the standard domain, a case a
 * supported operator cannot express, a file that is not a model. The English is the detail's, word for word.
 */
import { describe, expect, it } from 'vitest';
import { DesignError } from '../errors';
import { errorDetailEnglish, type ErrorDetail } from '../messages';
import { importOnnx } from './import';
import { encodeModel, type NodeProto } from './proto';
import { attrFloat, attrInt } from './attrs';

/** A one-node model: x [1, 8] -> `node` -> y. */
function oneNode(node: NodeProto, opset = 13): Uint8Array {
  const tensor = (name: string) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 8 }] } } } });
  return encodeModel({ irVersion: 8, opsetImport: [{ domain: '', version: opset }], graph: { name: 'g', node: [node], input: [tensor('x')], output: [tensor('y')] } });
}

function refusal(bytes: Uint8Array): DesignError {
  try {
    importOnnx(bytes, { fileName: 'm.onnx' });
  } catch (err) {
    if (err instanceof DesignError) return err;
    throw err;
  }
  throw new Error('the model was imported');
}

describe('ONNX import refusals by code + values', () => {
  it.each<[string, NodeProto, number, object]>([
    ['an operator with no block', { opType: 'LSTM', name: 'lstm_0', input: ['x'], output: ['y'] }, 13, { code: 'onnx-unsupported-op', values: { op: 'LSTM', node: 'lstm_0' } }],
    ['an operator outside the standard domain', { opType: 'Fancy', domain: 'com.example', name: 'f', input: ['x'], output: ['y'] }, 13, { code: 'onnx-foreign-domain', values: { op: 'Fancy', node: 'f', domain: 'com.example' } }],
    ['a case a supported operator cannot express', { opType: 'Clip', name: 'clip_0', input: ['x'], output: ['y'], attribute: [attrFloat('min', -1), attrFloat('max', 1)] }, 6, { code: 'onnx-node-case', values: { op: 'Clip', node: 'clip_0', reason: expect.stringMatching(/^Clip to \[-1, 1\]/) }, cause: { code: 'onnx-clip-range', values: { min: '-1', max: '1' } } }],
    ['a concatenation along the batch axis', { opType: 'Concat', name: 'cat_0', input: ['x', 'x'], output: ['y'], attribute: [attrInt('axis', 0)] }, 13, { code: 'onnx-node-case', values: { op: 'Concat', node: 'cat_0' }, cause: { code: 'onnx-concat-batch' } }],
    ['a Flatten that mixes the batch axis in', { opType: 'Flatten', name: 'flat_0', input: ['x'], output: ['y'], attribute: [attrInt('axis', 0)] }, 13, { code: 'onnx-node-case', values: { op: 'Flatten', node: 'flat_0' }, cause: { code: 'onnx-flatten-axis', values: { axis: 0 } } }],
    ['a rarer case (its English reason quoted, no cause)', { opType: 'Gemm', name: 'gemm_0', input: ['x', 'x'], output: ['y'], attribute: [attrInt('transA', 1)] }, 13, { code: 'onnx-node-refused', values: { op: 'Gemm', node: 'gemm_0', reason: 'transA=1 transposes the batch axis of the input' } }],
  ])('%s', (_what, node, opset, detail) => {
    const err = refusal(oneNode(node, opset));
    expect(err.code).toBe('import-failed');
    expect(err.detail).toMatchObject(detail);
    // A coded case is quoted as the cause; a rarer one only by its English reason.
    expect(err.detail?.cause).toEqual('cause' in detail ? expect.anything() : undefined);
    expect(err.path).toBe('graph.node[0]');
    expect(err.message).toBe(`graph.node[0]: ${errorDetailEnglish(err.detail as ErrorDetail)}`);
  });

  it('an input with a symbolic size: the node that reads it, then the input and its shape', () => {
    const x = { name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimParam: 'n' }] } } } };
    const y = { name: 'y', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 8 }] } } } };
    const bytes = encodeModel({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph: { name: 'g', node: [{ opType: 'Relu', name: 'relu_0', input: ['x'], output: ['y'] }], input: [x], output: [y] } });
    const err = refusal(bytes);
    expect(err.detail).toMatchObject({ code: 'onnx-node-case', values: { op: 'Relu', node: 'relu_0' }, cause: { code: 'onnx-input-symbolic', values: { name: 'x', shape: '[1, ?]' } } });
    expect(err.message).toBe("graph.node[0]: Relu node 'relu_0': input 'x' has shape [1, ?] with a symbolic size besides the batch; LayerLoom needs fixed sizes");
  });

  it('bytes that are not a model: the file and the decoder\'s words', () => {
    const err = refusal(Uint8Array.from([0x08, 0x07, 0x3a, 0xff, 0xff, 0x01]));
    expect(err.detail).toMatchObject({ code: 'onnx-not-model', values: { file: 'm.onnx', reason: expect.stringMatching(/protobuf decoding/) } });
    expect(err.message).toBe(errorDetailEnglish(err.detail as ErrorDetail));
  });
});
