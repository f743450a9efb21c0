/**
 * ONNX attributes as plain objects (a leaf module without protobuf: the blocks' ONNX writers use it, and the
 * editor, which imports the blocks, must not pull the protobuf codec into its bundle).
 */
import type { AttributeProto } from './proto';

/** ONNX `AttributeProto.AttributeType` values. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

const utf8 = new TextEncoder();

/** An INT attribute. */
export const attrInt = (name: string, i: number): AttributeProto => ({ name, type: AttributeType.INT, i });
/** An INTS attribute. */
export const attrInts = (name: string, ints: readonly number[]): AttributeProto => ({ name, type: AttributeType.INTS, ints: [...ints] });
/** A FLOAT attribute. */
export const attrFloat = (name: string, f: number): AttributeProto => ({ name, type: AttributeType.FLOAT, f });
/** A STRING attribute. */
export const attrString = (name: string, s: string): AttributeProto => ({ name, type: AttributeType.STRING, s: utf8.encode(s) });
