/**
 * Constant folding for the small shape computations exporters leave in graphs (PyTorch 1.13 writes F.pad's
 * pads as ConstantOfShape -> Concat -> Reshape -> Slice(step -1) -> Transpose -> Reshape -> Cast). A node whose
 * inputs are all constants is evaluated here and its output becomes a constant, so the operator that reads it
 * (Pad, Reshape, Clip, ...) sees plain numbers. Values are JS numbers; these tensors are tiny.
 */
import { DataType, type NodeProto, type TensorProto } from './proto';
import { floatTensor, int64Tensor, sizeOf, toFloat32, toIntegers } from './tensor';
import { stridesOf } from './layout';

interface Const {
  dims: number[];
  values: number[];
  isInt: boolean;
}

const INT_TYPES: ReadonlySet<number> = new Set([DataType.INT64, DataType.INT32, DataType.INT8, DataType.UINT8, DataType.BOOL]);

function read(t: TensorProto): Const {
  const isInt = INT_TYPES.has(t.dataType ?? 0);
  return { dims: t.dims ?? [], values: isInt ? toIntegers(t) : Array.from(toFloat32(t).data), isInt };
}

function write(c: Const, name: string): TensorProto {
  return c.isInt ? int64Tensor(name, c.values, c.dims) : floatTensor(name, c.dims, Float32Array.from(c.values));
}

const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** Gathers `out` positions from `src` through a per-axis index function (the core of Slice/Transpose). */
function gatherND(src: Const, outDims: number[], sourceIndex: (outIdx: number[]) => number[]): Const {
  const strides = stridesOf(src.dims);
  const n = sizeOf(outDims);
  const values = new Array<number>(n);
  const idx = new Array<number>(outDims.length).fill(0);
  for (let o = 0; o < n; o++) {
    const s = sourceIndex(idx).reduce((acc, v, a) => acc + v * strides[a], 0);
    values[o] = src.values[s];
    for (let a = outDims.length - 1; a >= 0; a--) {
      if (++idx[a] < outDims[a]) break;
      idx[a] = 0;
    }
  }
  return { dims: outDims, values, isInt: src.isInt };
}

function slice(data: Const, starts: number[], ends: number[], axes?: number[], steps?: number[]): Const {
  const r = data.dims.length;
  const begin = new Array<number>(r).fill(0);
  const step = new Array<number>(r).fill(1);
  const outDims = [...data.dims];
  (axes ?? starts.map((_, i) => i)).forEach((ax, i) => {
    const a = norm(ax, r);
    const d = data.dims[a];
    const st = steps?.[i] ?? 1;
    if (st === 0) throw new Error('Slice with step 0');
    let s = starts[i] < 0 ? starts[i] + d : starts[i];
    let e = ends[i] < 0 ? ends[i] + d : ends[i];
    if (st > 0) {
      s = Math.min(Math.max(s, 0), d);
      e = Math.min(Math.max(e, 0), d);
    } else {
      s = Math.min(Math.max(s, 0), d - 1);
      e = Math.min(Math.max(e, -1), d - 1);
    }
    begin[a] = s;
    step[a] = st;
    outDims[a] = Math.max(0, Math.ceil((e - s) / st));
  });
  return gatherND(data, outDims, (idx) => idx.map((v, a) => begin[a] + v * step[a]));
}

function concat(parts: Const[], axis: number): Const {
  const r = parts[0].dims.length;
  const a = norm(axis, r);
  const outer = sizeOf(parts[0].dims.slice(0, a));
  const values: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const chunk = sizeOf(p.dims.slice(a));
      values.push(...p.values.slice(o * chunk, (o + 1) * chunk));
    }
  }
  const dims = [...parts[0].dims];
  dims[a] = parts.reduce((s, p) => s + p.dims[a], 0);
  return { dims, values, isInt: parts[0].isInt };
}

function reshape(data: Const, shape: number[]): Const {
  const dims = shape.map((d, i) => (d === 0 ? data.dims[i] : d));
  const known = sizeOf(dims.filter((d) => d !== -1));
  return { ...data, dims: dims.map((d) => (d === -1 ? data.values.length / known : d)) };
}

function binary(a: Const, b: Const, f: (x: number, y: number) => number): Const {
  // Equal shapes or a single-value operand: all that shape arithmetic needs.
  const big = a.values.length >= b.values.length ? a : b;
  const at = (c: Const, i: number) => c.values[c.values.length === 1 ? 0 : i];
  if (a.values.length !== b.values.length && a.values.length !== 1 && b.values.length !== 1) throw new Error('broadcasting of constant shapes beyond scalars');
  const isInt = a.isInt && b.isInt;
  const values = big.values.map((_, i) => f(at(a, i), at(b, i)));
  return { dims: big.dims, values: isInt ? values.map(Math.trunc) : values, isInt };
}

/** Ops this folds when every input is constant. */
export const FOLDABLE: ReadonlySet<string> = new Set(['ConstantOfShape', 'Concat', 'Reshape', 'Slice', 'Transpose', 'Cast', 'Unsqueeze', 'Squeeze', 'Gather', 'Add', 'Sub', 'Mul', 'Div', 'Neg']);

/** Evaluates `node` on constant inputs (`get` returns each input's tensor); returns its output tensor. */
export function foldConstant(node: NodeProto, inputs: (TensorProto | undefined)[], opset: number): TensorProto {
  const name = node.output?.[0] ?? '';
  const xs = inputs.map((t) => (t ? read(t) : undefined));
  const attr = (n: string) => node.attribute?.find((a) => a.name === n);
  const ints = (c: Const | undefined) => c?.values ?? [];
  const x = xs[0]!;
  let out: Const;
  switch (node.opType) {
    case 'ConstantOfShape': {
      const v = attr('value')?.t;
      const fill = v ? read(v) : { dims: [1], values: [0], isInt: false };
      out = { dims: x.values, values: new Array<number>(sizeOf(x.values)).fill(fill.values[0]), isInt: fill.isInt };
      break;
    }
    case 'Concat': out = concat(xs.filter((c): c is Const => !!c), Number(attr('axis')?.i ?? 0)); break;
    case 'Reshape': out = reshape(x, ints(xs[1])); break;
    case 'Slice':
      out = opset >= 10
        ? slice(x, ints(xs[1]), ints(xs[2]), xs[3]?.values, xs[4]?.values)
        : slice(x, (attr('starts')?.ints ?? []).map(Number), (attr('ends')?.ints ?? []).map(Number), attr('axes')?.ints?.map(Number));
      break;
    case 'Transpose': {
      const perm = attr('perm')?.ints?.map(Number) ?? x.dims.map((_, i) => x.dims.length - 1 - i);
      out = gatherND(x, perm.map((p) => x.dims[p]), (idx) => perm.map((_, a) => idx[perm.indexOf(a)]));
      break;
    }
    case 'Cast': {
      const to = Number(attr('to')?.i ?? DataType.FLOAT);
      const isInt = INT_TYPES.has(to);
      out = { ...x, values: isInt ? x.values.map(Math.trunc) : x.values, isInt };
      break;
    }
    case 'Unsqueeze': case 'Squeeze': {
      const axes = (opset >= 13 ? ints(xs[1]) : (attr('axes')?.ints ?? []).map(Number));
      const r = node.opType === 'Unsqueeze' ? x.dims.length + axes.length : x.dims.length;
      const ax = axes.map((a) => norm(a, r));
      const dims: number[] = [];
      if (node.opType === 'Unsqueeze') {
        for (let i = 0, k = 0; i < r; i++) dims.push(ax.includes(i) ? 1 : x.dims[k++]);
      } else {
        x.dims.forEach((d, i) => (ax.length ? !ax.includes(i) : d !== 1) && dims.push(d));
      }
      out = { ...x, dims };
      break;
    }
    case 'Gather': {
      const axis = norm(Number(attr('axis')?.i ?? 0), x.dims.length);
      const index = xs[1]!;
      const inner = sizeOf(x.dims.slice(axis + 1));
      const outer = sizeOf(x.dims.slice(0, axis));
      const values: number[] = [];
      for (let o = 0; o < outer; o++) {
        for (const iRaw of index.values) {
          const i = iRaw < 0 ? iRaw + x.dims[axis] : iRaw;
          values.push(...x.values.slice((o * x.dims[axis] + i) * inner, (o * x.dims[axis] + i + 1) * inner));
        }
      }
      out = { dims: [...x.dims.slice(0, axis), ...index.dims, ...x.dims.slice(axis + 1)], values, isInt: x.isInt };
      break;
    }
    case 'Add': out = binary(x, xs[1]!, (a, b) => a + b); break;
    case 'Sub': out = binary(x, xs[1]!, (a, b) => a - b); break;
    case 'Mul': out = binary(x, xs[1]!, (a, b) => a * b); break;
    case 'Div': out = binary(x, xs[1]!, (a, b) => a / b); break;
    case 'Neg': out = { ...x, values: x.values.map((v) => -v) }; break;
    default:
      throw new Error(`cannot fold ${node.opType}`);
  }
  return write(out, name);
}
