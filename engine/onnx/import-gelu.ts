/**
 * GELU as exporters write it before opset 20 had a Gelu operator: x * 0.5 * (1 + erf(x / sqrt(2))), five nodes
 * (PyTorch: Div, Erf, Add, Mul(x), Mul(0.5); LayerLoom's own export: Div, Erf, Add, Mul(0.5), Mul(x)). The
 * intermediate results get no block: each is a pending value that only the next step of the pattern may read,
 * and the last Mul becomes one Activation 'gelu'. Anything else reading a pending value is refused by name.
 */
import type { NodeReader } from './import-attrs';
import type { Value, ValueTable } from './import-graph';

/** The steps of the pattern, each remembering the tensor x it started from. */
export type GeluStep = 'scaled' | 'erf' | 'erf1' | 'half' | 'x';

const near = (a: number, b: number) => Math.abs(a - b) <= 1e-5 * Math.abs(b);

/** A value that is a step of the pattern over `x` (it has no design node). */
function pending(x: Value, step: GeluStep, producer: string): Value {
  return {
    ...x,
    map: x.map,
    nonNegative: false,
    biasTarget: undefined,
    gelu: { x, step },
    node: () => {
      throw new Error(`'${producer}' is part of an arithmetic pattern LayerLoom does not recognise (it reads GELU written as x * 0.5 * (1 + erf(x / sqrt(2))))`);
    },
  };
}

/** A scalar constant operand, or undefined. */
function scalar(t: ValueTable, r: NodeReader, name: string): number | undefined {
  if (!t.constants.has(name)) return undefined;
  const c = r.floatInput(r.inputs.indexOf(name), 'operand');
  return c && c.data.length === 1 ? c.data[0] : undefined;
}

/** Div(x, sqrt(2)): the first step. Returns undefined when the node is not part of the pattern. */
export function geluDiv(t: ValueTable, r: NodeReader): Value | undefined {
  const [a, b] = r.inputs;
  const k = scalar(t, r, b);
  if (k === undefined || !near(k, Math.SQRT2) || t.constants.has(a)) return undefined;
  return pending(t.value(a, 'input'), 'scaled', r.name);
}

/** Erf of the scaled value. */
export function geluErf(t: ValueTable, r: NodeReader): Value | undefined {
  const x = t.value(r.inputs[0], 'input');
  return x.gelu?.step === 'scaled' ? pending(x.gelu.x, 'erf', r.name) : undefined;
}

/** Add(erf, 1), Mul(erf1, 0.5), Mul(erf1, x), and the last Mul (with x or 0.5) that ends the pattern. */
export function geluArithmetic(t: ValueTable, r: NodeReader, op: 'Add' | 'Mul'): { value: Value; done: boolean } | undefined {
  const names = r.inputs.filter(Boolean);
  if (names.length !== 2) return undefined;
  const [pa, pb] = names.map((n) => (t.values.has(n) ? t.values.get(n)! : undefined));
  const p = pa?.gelu ? pa : pb?.gelu ? pb : undefined;
  if (!p?.gelu) return undefined;
  const other = names[p === pa ? 1 : 0];
  const k = scalar(t, r, other);
  const otherValue = t.values.get(other);
  const { x, step } = p.gelu;
  if (op === 'Add') return step === 'erf' && k !== undefined && near(k, 1) ? { value: pending(x, 'erf1', r.name), done: false } : undefined;
  if (step === 'erf1' && k !== undefined && near(k, 0.5)) return { value: pending(x, 'half', r.name), done: false };
  if (step === 'erf1' && otherValue === x) return { value: pending(x, 'x', r.name), done: false };
  if ((step === 'half' && otherValue === x) || (step === 'x' && k !== undefined && near(k, 0.5))) {
    const id = t.draft.add('Activation', { activation: 'gelu' }, [x.node()], r.name);
    return { value: { ...x, node: () => id, nonNegative: false, biasTarget: undefined, gelu: undefined }, done: true };
  }
  return undefined;
}
