/** Reading an ONNX node's attributes and its constant inputs, with messages naming the attribute. */
import type { AttributeProto, NodeProto } from './proto';
import type { ValueTable } from './import-graph';
import { toFloat32, toIntegers, type FloatTensor } from './tensor';

const utf8 = new TextDecoder();

/** An ONNX node with typed access to its attributes and inputs. */
export class NodeReader {
  private readonly attrs: Map<string, AttributeProto>;
  /** The node's name for messages and design names (falls back to its first output). */
  readonly name: string;

  constructor(
    readonly node: NodeProto,
    readonly table: ValueTable,
    readonly opset: number,
  ) {
    this.attrs = new Map((node.attribute ?? []).map((a) => [a.name ?? '', a]));
    this.name = node.name || node.output?.[0] || node.opType || 'node';
  }

  get op(): string {
    return this.node.opType ?? '';
  }

  /** Input names, with '' for an omitted optional input. */
  get inputs(): string[] {
    return this.node.input ?? [];
  }

  has(name: string): boolean {
    return this.attrs.has(name);
  }

  int(name: string, fallback: number): number {
    const a = this.attrs.get(name);
    // A present attribute without a value is a zero that a proto3-style writer left out.
    return a ? Number(a.i ?? 0) : fallback;
  }

  float(name: string, fallback: number): number {
    const a = this.attrs.get(name);
    return a ? (a.f ?? 0) : fallback;
  }

  ints(name: string, fallback: number[]): number[] {
    const a = this.attrs.get(name);
    return a ? (a.ints ?? []).map(Number) : fallback;
  }

  string(name: string, fallback: string): string {
    const a = this.attrs.get(name);
    return a?.s ? utf8.decode(a.s) : fallback;
  }

  /** Names of attributes present that are not in `known` (so a case using one can be refused by name). */
  unknownAttributes(known: readonly string[]): string[] {
    return [...this.attrs.keys()].filter((k) => !known.includes(k));
  }

  /** Input `i` as a float constant, or undefined when the optional input is omitted. */
  floatInput(i: number, what: string): FloatTensor | undefined {
    const name = this.inputs[i];
    if (!name) return undefined;
    return toFloat32(this.table.constant(name, what), `${what} '${name}'`);
  }

  /** Input `i` as an integer constant list, or undefined when omitted. */
  intInput(i: number, what: string): number[] | undefined {
    const name = this.inputs[i];
    if (!name) return undefined;
    return toIntegers(this.table.constant(name, what), `${what} '${name}'`);
  }
}
