/**
 * TensorProto <-> typed arrays. ONNX stores a tensor's values either in `raw_data` (little-endian bytes, what
 * PyTorch and tf2onnx write) or in a typed repeated field (`float_data`, `int64_data`, ...); both are read.
 */
import { DataType, type TensorProto } from './proto';

/** A dense float tensor: row-major values and their dims. */
export interface FloatTensor {
  dims: number[];
  data: Float32Array;
}

const NAMES: Record<number, string> = { 1: 'float32', 2: 'uint8', 3: 'int8', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64' };

/** The element type's name, for messages (`float32`, `int64`, or `type 16`). */
export function dataTypeName(type: number | undefined): string {
  return NAMES[type ?? 0] ?? `type ${type ?? 0}`;
}

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Copies raw bytes into a fresh, aligned buffer (a protobuf `bytes` field may be an unaligned view). */
function aligned(raw: Uint8Array): ArrayBuffer {
  return new Uint8Array(raw).buffer as ArrayBuffer;
}

function checkLocal(t: TensorProto, what: string): void {
  if (t.dataLocation === 1 || (t.externalData?.length ?? 0) > 0) {
    throw new Error(`${what} keeps its data in an external file; save the model with its weights inside the .onnx file`);
  }
}

/** The values of a float, double or integer tensor as float32 (the precision LayerLoom computes in). */
export function toFloat32(t: TensorProto, what = `tensor '${t.name ?? ''}'`): FloatTensor {
  checkLocal(t, what);
  const dims = t.dims ?? [];
  const n = sizeOf(dims);
  const raw = t.rawData && t.rawData.byteLength > 0 ? t.rawData : undefined;
  let data: Float32Array;
  switch (t.dataType) {
    case DataType.FLOAT:
      data = raw ? new Float32Array(aligned(raw)) : Float32Array.from(t.floatData ?? []);
      break;
    case DataType.DOUBLE:
      data = Float32Array.from(raw ? new Float64Array(aligned(raw)) : (t.doubleData ?? []));
      break;
    case DataType.INT32: case DataType.INT8: case DataType.UINT8: case DataType.BOOL: case DataType.INT64:
      data = Float32Array.from(toIntegers(t, what));
      break;
    default:
      throw new Error(`${what} has element type ${dataTypeName(t.dataType)}; LayerLoom reads float32, float64 and integer tensors`);
  }
  if (data.length !== n) throw new Error(`${what} has ${data.length} values for dims [${dims.join(', ')}] (${n} expected)`);
  return { dims, data };
}

/** The values of an integer tensor (shapes, axes, pads) as JS numbers. */
export function toIntegers(t: TensorProto, what = `tensor '${t.name ?? ''}'`): number[] {
  checkLocal(t, what);
  const raw = t.rawData && t.rawData.byteLength > 0 ? t.rawData : undefined;
  switch (t.dataType) {
    case DataType.INT64:
      return raw ? Array.from(new BigInt64Array(aligned(raw)), Number) : [...(t.int64Data ?? [])];
    case DataType.INT32:
      return raw ? Array.from(new Int32Array(aligned(raw))) : [...(t.int32Data ?? [])];
    case DataType.INT8:
      return raw ? Array.from(new Int8Array(aligned(raw))) : [...(t.int32Data ?? [])];
    case DataType.UINT8: case DataType.BOOL:
      return raw ? Array.from(raw) : [...(t.int32Data ?? [])];
    default:
      throw new Error(`${what} has element type ${dataTypeName(t.dataType)}; an integer tensor was expected`);
  }
}

/** A float32 TensorProto with its values in `raw_data`. */
export function floatTensor(name: string, dims: readonly number[], data: Float32Array): TensorProto {
  if (data.length !== sizeOf(dims)) throw new Error(`tensor ${name}: ${data.length} values for dims [${dims.join(', ')}]`);
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData: new Uint8Array(bytes) };
}

/** An int64 TensorProto (shapes, axes, pads for Reshape, Pad, ...). */
export function int64Tensor(name: string, values: readonly number[], dims: readonly number[] = [values.length]): TensorProto {
  return { name, dims: [...dims], dataType: DataType.INT64, int64Data: [...values] };
}
