/**
 * ONNX's own backend node tests (Debian libonnx-testdata: a model.onnx and input/expected-output protobufs per
 * case). For every case of an operator LayerLoom imports: import -> compile to tfjs -> run on the inputs ->
 * outputs equal within 1e-4 (relative beyond magnitude 1). A case whose attributes LayerLoom cannot express
 * must be refused with a reason naming the operator and node; it is counted as refused, never skipped.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DesignError } from '../errors';
import { importOnnx } from './import';
import { IMPORT_OPS } from './import-ops';
import { decodeModel, decodeTensor, type TensorProto } from './proto';
import { toFloat32 } from './tensor';
import { maxAbsDiff, ONNX_NODE_TESTS } from './test-onnx';
import { runImported } from './test-run';

const missing = existsSync(ONNX_NODE_TESTS) ? undefined : `${ONNX_NODE_TESTS} is missing (Debian libonnx-testdata: bash scripts/setup.sh)`;

/** Case-name prefixes of each supported operator (ONNX names its cases test_<op>_...; Pad's are test_<mode>_pad). */
function operatorOf(caseName: string): string | undefined {
  const rest = caseName.replace(/^test_/, '');
  if (/^(constant|edge|reflect|wrap)_pad/.test(rest)) return 'Pad';
  const prefix: Record<string, string> = { BatchNormalization: 'batchnorm', ReduceMean: 'reduce_mean', ReduceMax: 'reduce_max' };
  const names = Object.keys(IMPORT_OPS).map((op) => [op, prefix[op] ?? op.toLowerCase()] as const);
  const hits = names.filter(([, p]) => rest === p || rest.startsWith(`${p}_`)).sort((a, b) => b[1].length - a[1].length);
  return hits[0]?.[0];
}

interface Outcome {
  op: string;
  name: string;
  result: 'pass' | 'fail' | 'refused';
  detail: string;
}

function readTensor(file: string): TensorProto {
  return decodeTensor(new Uint8Array(readFileSync(file)));
}

function runCase(dir: string, op: string): Outcome {
  const name = path.basename(dir);
  const bytes = new Uint8Array(readFileSync(path.join(dir, 'model.onnx')));
  const graph = decodeModel(bytes).graph!;
  const data = path.join(dir, 'test_data_set_0');
  const initNames = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputNames = (graph.input ?? []).map((i) => i.name ?? '').filter((n) => !initNames.has(n));
  const bind: Record<string, TensorProto> = {};
  inputNames.forEach((n, i) => (bind[n] = readTensor(path.join(data, `input_${i}.pb`))));
  let imported;
  try {
    imported = importOnnx(bytes, { fileName: `${name}/model.onnx`, bind });
  } catch (err) {
    if (err instanceof DesignError && err.code === 'import-failed') return { op, name, result: 'refused', detail: err.message };
    return { op, name, result: 'fail', detail: `import crashed: ${(err as Error).stack}` };
  }
  try {
    const feeds = Object.fromEntries(imported.inputs.map((p) => [p.name, toFloat32(bind[p.name])]));
    const got = runImported(tf, imported, feeds);
    let worst = 0;
    for (const [k, out] of (graph.output ?? []).entries()) {
      const expected = toFloat32(readTensor(path.join(data, `output_${k}.pb`)));
      const scale = Math.max(1, ...Array.from(expected.data, (v) => (Number.isFinite(v) ? Math.abs(v) : 0)));
      const port = imported.outputs.find((p) => p.name === out.name)!;
      const dims = [expected.dims[0], ...port.onnxShape.slice(1)];
      if (dims.join() !== expected.dims.join()) return { op, name, result: 'fail', detail: `output ${out.name} has shape [${dims.join(', ')}], expected [${expected.dims.join(', ')}]` };
      worst = Math.max(worst, maxAbsDiff(got[out.name ?? ''], expected.data) / scale);
    }
    return { op, name, result: worst <= 1e-4 ? 'pass' : 'fail', detail: `max difference ${worst.toExponential(2)}` };
  } catch (err) {
    return { op, name, result: 'fail', detail: `imported but did not run: ${(err as Error).message}` };
  }
}

describe("ONNX backend node tests (libonnx-testdata) import and run like ONNX's expected outputs", () => {
  if (missing) console.log(`SKIP ONNX backend node tests: ${missing}`);
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.skipIf(!!missing)('every case of a supported operator passes or is refused with a reason', () => {
    const cases = readdirSync(ONNX_NODE_TESTS).sort();
    for (const c of cases) {
      const op = operatorOf(c);
      if (!op || !existsSync(path.join(ONNX_NODE_TESTS, c, 'model.onnx'))) continue;
      outcomes.push(runCase(path.join(ONNX_NODE_TESTS, c), op));
    }
    const byOp = new Map<string, Outcome[]>();
    for (const o of outcomes) byOp.set(o.op, [...(byOp.get(o.op) ?? []), o]);
    const rows = [...byOp.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([op, os]) => {
      const n = (r: Outcome['result']) => os.filter((o) => o.result === r).length;
      return `${op.padEnd(20)} ${String(n('pass')).padStart(3)} passed ${String(n('refused')).padStart(3)} refused ${String(n('fail')).padStart(3)} failed`;
    });
    const total = (r: Outcome['result']) => outcomes.filter((o) => o.result === r).length;
    console.log(`ONNX backend node tests by operator:\n${rows.join('\n')}\ntotal: ${total('pass')} passed, ${total('refused')} refused, ${total('fail')} failed of ${outcomes.length} cases`);
    console.log(`refusals:\n${outcomes.filter((o) => o.result === 'refused').map((o) => `  ${o.name}: ${o.detail}`).join('\n')}`);
    const failures = outcomes.filter((o) => o.result === 'fail').map((o) => `${o.name}: ${o.detail}`);
    expect(failures).toEqual([]);
    // Every refusal names the operator and the node it stopped at.
    for (const o of outcomes.filter((x) => x.result === 'refused')) expect(o.detail).toMatch(/^graph\.node\[\d+\]: \w+ node '[^']*': |^graph\.(input|output)|: (input|output) '/);
    // The operators the import is for each pass some of ONNX's cases. (Pad's three cases pad with 1.2, 'edge' and
    // 'reflect', Sum's use rank-1 tensors without a batch axis: all refused; the PyTorch tests import Pad.)
    const core = ['Conv', 'Gemm', 'MatMul', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'BatchNormalization', 'Relu', 'LeakyRelu', 'Sigmoid', 'Add', 'Concat', 'Mul', 'Flatten', 'Reshape', 'Identity', 'Softmax', 'Transpose'];
    for (const op of core) expect(byOp.get(op)?.some((o) => o.result === 'pass'), `${op} has a passing case`).toBe(true);
    expect(total('pass')).toBeGreaterThanOrEqual(70);
  });
});
