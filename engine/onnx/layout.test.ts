/** Layout helpers, constant folding and the protobuf codec, table-driven against values worked out by hand. */
import { describe, expect, it } from 'vitest';
import { foldConstant } from './const-eval';
import { channelsFirstShape, channelsLastShape, channelsLastToFirstIndex, onnxAxis, toChannelsFirstPerm, toChannelsLastPerm, transpose } from './layout';
import { DataType, decodeModel, decodeTensor, encodeModel, encodeTensor } from './proto';
import { floatTensor, int64Tensor, toFloat32, toIntegers } from './tensor';

describe('layout', () => {
  it.each([
    [[5], [5], [0, 1], [0, 1]],
    [[6, 4], [4, 6], [0, 2, 1], [0, 2, 1]],
    [[28, 28, 3], [3, 28, 28], [0, 3, 1, 2], [0, 2, 3, 1]],
    [[2, 3, 4, 5], [5, 2, 3, 4], [0, 4, 1, 2, 3], [0, 2, 3, 4, 1]],
  ])('%j channels last <-> %j channels first', (last, first, toFirst, toLast) => {
    expect(channelsFirstShape(last)).toEqual(first);
    expect(channelsLastShape(first)).toEqual(last);
    expect(toChannelsFirstPerm(last.length)).toEqual(toFirst);
    expect(toChannelsLastPerm(last.length)).toEqual(toLast);
  });

  it('maps Keras axes to ONNX axes and refuses the batch axis', () => {
    expect([onnxAxis(-1, 3), onnxAxis(3, 3), onnxAxis(1, 3), onnxAxis(2, 3), onnxAxis(-1, 1), onnxAxis(1, 2)]).toEqual([1, 1, 2, 3, 1, 2]);
    expect(() => onnxAxis(0, 3)).toThrow(/batch axis/);
  });

  it('transposes like numpy', () => {
    // [[0, 1, 2], [3, 4, 5]] -> [[0, 3], [1, 4], [2, 5]]
    expect(Array.from(transpose(Float32Array.from([0, 1, 2, 3, 4, 5]), [2, 3], [1, 0]).data)).toEqual([0, 3, 1, 4, 2, 5]);
    const x = Float32Array.from({ length: 24 }, (_, i) => i);
    const t = transpose(x, [2, 3, 4], [2, 0, 1]);
    expect(t.dims).toEqual([4, 2, 3]);
    // out[k][i][j] = x[i][j][k] = 12i + 4j + k
    expect(t.data[1 * 6 + 1 * 3 + 2]).toBe(12 + 8 + 1);
  });

  it('indexes a channels-last tensor inside its channels-first twin', () => {
    // [h=1, w=2, c=3]: element (0, w, c) sits at c*2 + w channels first.
    expect(Array.from(channelsLastToFirstIndex([1, 2, 3]))).toEqual([0, 2, 4, 1, 3, 5]);
  });
});

describe('constant folding', () => {
  const node = (opType: string, attrs: Record<string, number | number[]> = {}) => ({
    opType,
    output: ['y'],
    attribute: Object.entries(attrs).map(([name, v]) => (Array.isArray(v) ? { name, ints: v } : { name, i: v })),
  });

  it('reverses pads with Slice(step -1) as PyTorch writes F.pad', () => {
    // pads [l, r, t, b] = [0, 1, 0, 1] as pairs [[0, 1], [0, 1]] plus zero pairs for N and C, reversed by rows.
    const pairs = int64Tensor('p', [0, 0, 0, 0, 0, 1, 0, 1], [4, 2]);
    const rev = foldConstant(node('Slice'), [pairs, int64Tensor('s', [-1]), int64Tensor('e', [-9.2e18]), int64Tensor('a', [0]), int64Tensor('st', [-1])], 13);
    expect(toIntegers(rev)).toEqual([0, 1, 0, 1, 0, 0, 0, 0]);
    const t = foldConstant(node('Transpose', { perm: [1, 0] }), [rev], 13);
    expect(t.dims).toEqual([2, 4]);
    expect(toIntegers(t)).toEqual([0, 0, 0, 0, 1, 1, 0, 0]);
  });

  it('Concat, ConstantOfShape, Gather, Unsqueeze and arithmetic', () => {
    const zeros = foldConstant({ opType: 'ConstantOfShape', output: ['z'], attribute: [{ name: 'value', t: int64Tensor('v', [0], [1]) }] }, [int64Tensor('s', [3])], 13);
    expect(toIntegers(zeros)).toEqual([0, 0, 0]);
    expect(toIntegers(foldConstant(node('Concat', { axis: 0 }), [int64Tensor('a', [1, 2]), zeros], 13))).toEqual([1, 2, 0, 0, 0]);
    expect(toIntegers(foldConstant(node('Gather', { axis: 0 }), [int64Tensor('a', [7, 8, 9]), int64Tensor('i', [-1], [])], 13))).toEqual([9]);
    expect(foldConstant(node('Unsqueeze'), [int64Tensor('a', [4], []), int64Tensor('x', [0])], 13).dims).toEqual([1]);
    expect(Array.from(toFloat32(foldConstant(node('Div'), [floatTensor('a', [2], Float32Array.of(3, 6)), floatTensor('b', [], Float32Array.of(2))], 13)).data)).toEqual([1.5, 3]);
  });
});

describe('protobuf codec', () => {
  it('round-trips a tensor and a model, int64 fields as numbers', () => {
    const t = floatTensor('w', [2, 2], Float32Array.of(1, -2, 3.5, 0));
    const back = decodeTensor(encodeTensor(t));
    expect(back.dataType).toBe(DataType.FLOAT);
    expect(back.dims).toEqual([2, 2]);
    expect(Array.from(toFloat32(back).data)).toEqual([1, -2, 3.5, 0]);
    const model = decodeModel(encodeModel({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph: { name: 'g', node: [{ opType: 'Relu', input: ['x'], output: ['y'], attribute: [{ name: 'k', type: 7, ints: [1, -1] }] }] } }));
    expect(model.irVersion).toBe(8);
    expect(model.opsetImport?.[0].version).toBe(17);
    expect(model.graph?.node?.[0].attribute?.[0].ints).toEqual([1, -1]);
  });

  it('names what failed on bytes that are not protobuf', () => {
    expect(() => decodeModel(Uint8Array.of(0x0f, 0xff, 0xff))).toThrow(/protobuf decoding of the model failed/);
  });
});
