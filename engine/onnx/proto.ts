/**
 * The subset of ONNX's protobuf schema (onnx/onnx.proto, IR version 8) that LayerLoom reads and writes, as a
 * protobufjs JSON descriptor, with plain TypeScript types for the decoded messages. Field numbers and packing
 * follow onnx.proto (a proto2 file: repeated scalars are unpacked unless it says `[packed = true]`, as it does
 * for TensorProto's typed data arrays). Fields LayerLoom never uses (sparse tensors, functions, training info)
 * are left out; protobufjs skips unknown fields when decoding, so files that carry them still load.
 */
import protobuf from 'protobufjs/light.js';

const unpacked = { options: { packed: false } };
const packed = { options: { packed: true } };

const SCHEMA = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            refAttrName: { type: 'string', id: 21 },
            docString: { type: 'string', id: 13 },
            type: { type: 'int32', id: 20 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            g: { type: 'GraphProto', id: 6 },
            floats: { rule: 'repeated', type: 'float', id: 7, ...unpacked },
            ints: { rule: 'repeated', type: 'int64', id: 8, ...unpacked },
            strings: { rule: 'repeated', type: 'bytes', id: 9 },
            tensors: { rule: 'repeated', type: 'TensorProto', id: 10 },
            graphs: { rule: 'repeated', type: 'GraphProto', id: 11 },
          },
        },
        ValueInfoProto: {
          fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 }, docString: { type: 'string', id: 3 } },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            domain: { type: 'string', id: 7 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            docString: { type: 'string', id: 6 },
          },
        },
        StringStringEntryProto: { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            domain: { type: 'string', id: 4 },
            modelVersion: { type: 'int64', id: 5 },
            docString: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
            metadataProps: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            docString: { type: 'string', id: 10 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
            valueInfo: { rule: 'repeated', type: 'ValueInfoProto', id: 13 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1, ...unpacked },
            dataType: { type: 'int32', id: 2 },
            floatData: { rule: 'repeated', type: 'float', id: 4, ...packed },
            int32Data: { rule: 'repeated', type: 'int32', id: 5, ...packed },
            stringData: { rule: 'repeated', type: 'bytes', id: 6 },
            int64Data: { rule: 'repeated', type: 'int64', id: 7, ...packed },
            name: { type: 'string', id: 8 },
            docString: { type: 'string', id: 12 },
            rawData: { type: 'bytes', id: 9 },
            externalData: { rule: 'repeated', type: 'StringStringEntryProto', id: 13 },
            dataLocation: { type: 'int32', id: 14 },
            doubleData: { rule: 'repeated', type: 'double', id: 10, ...packed },
            uint64Data: { rule: 'repeated', type: 'uint64', id: 11, ...packed },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 }, denotation: { type: 'string', id: 3 } },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensorType', 'sequenceType', 'mapType', 'optionalType', 'sparseTensorType'] } },
          fields: {
            tensorType: { type: 'Tensor', id: 1 },
            sequenceType: { type: 'Opaque', id: 4 },
            mapType: { type: 'Opaque', id: 5 },
            optionalType: { type: 'Opaque', id: 9 },
            sparseTensorType: { type: 'Opaque', id: 8 },
            denotation: { type: 'string', id: 6 },
          },
          nested: {
            Tensor: { fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } },
            // Sequence, map, optional and sparse types: only their presence matters (LayerLoom refuses them).
            Opaque: { fields: {} },
          },
        },
      },
    },
  },
};

/** ONNX `TensorProto.DataType` values LayerLoom meets. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10, DOUBLE: 11 } as const;

export { AttributeType } from './attrs';

/** A decoded `TensorProto` (int64 values as JS numbers; LayerLoom's shapes and indices are far below 2^53). */
export interface TensorProto {
  dims?: number[];
  dataType?: number;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  doubleData?: number[];
  rawData?: Uint8Array;
  name?: string;
  externalData?: { key?: string; value?: string }[];
  dataLocation?: number;
}

/** A decoded `AttributeProto`. */
export interface AttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
  refAttrName?: string;
}

/** A decoded `NodeProto`. */
export interface NodeProto {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute?: AttributeProto[];
  docString?: string;
}

/** A tensor dimension: a fixed size or a symbolic name (the batch axis, usually). */
export interface Dimension {
  dimValue?: number;
  dimParam?: string;
}

/** A decoded `TypeProto` (only tensor types are read). */
export interface TypeProto {
  tensorType?: { elemType?: number; shape?: { dim?: Dimension[] } };
  sequenceType?: object;
  mapType?: object;
  optionalType?: object;
  sparseTensorType?: object;
}

/** A decoded `ValueInfoProto`. */
export interface ValueInfoProto {
  name?: string;
  type?: TypeProto;
  docString?: string;
}

/** A decoded `GraphProto`. */
export interface GraphProto {
  node?: NodeProto[];
  name?: string;
  initializer?: TensorProto[];
  docString?: string;
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  valueInfo?: ValueInfoProto[];
}

/** A decoded `ModelProto`. */
export interface ModelProto {
  irVersion?: number;
  opsetImport?: { domain?: string; version?: number }[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph?: GraphProto;
  metadataProps?: { key?: string; value?: string }[];
}

const root = protobuf.Root.fromJSON(SCHEMA);
const types = {
  model: root.lookupType('onnx.ModelProto'),
  tensor: root.lookupType('onnx.TensorProto'),
};
const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: Number, arrays: false, defaults: false };

function decode<T>(type: protobuf.Type, bytes: Uint8Array, what: string): T {
  try {
    return type.toObject(type.decode(bytes), TO_OBJECT) as T;
  } catch (err) {
    throw new Error(`protobuf decoding of the ${what} failed: ${(err as Error).message}`);
  }
}

function encode(type: protobuf.Type, message: object): Uint8Array {
  return type.encode(type.fromObject(message)).finish();
}

/** Decodes an `.onnx` file; throws a plain Error naming what failed when the bytes are not a ModelProto. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  return decode<ModelProto>(types.model, bytes, 'model');
}

/** Encodes a ModelProto into the bytes of an `.onnx` file. */
export function encodeModel(model: ModelProto): Uint8Array {
  return encode(types.model, model);
}

/** Decodes a serialized TensorProto (ONNX's test data `input_0.pb` / `output_0.pb`). */
export function decodeTensor(bytes: Uint8Array): TensorProto {
  return decode<TensorProto>(types.tensor, bytes, 'tensor');
}

/** Encodes a TensorProto (for test inputs and fixtures). */
export function encodeTensor(tensor: TensorProto): Uint8Array {
  return encode(types.tensor, tensor);
}
