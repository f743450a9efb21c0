/**
 * Keras export. There is no TensorFlow for Python on this machine, so the generated code is checked by
 * (a) `py_compile` and (b) a structural check with Python's `ast`: every layer call's class, name, options and
 * inputs must match the analysed flat graph, and the module may contain nothing but the expected statements.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCode } from './index';
import { nodeRole } from './layers';
import { snakeCase } from './sanitize';
import { scratchDir, testDesigns, validAnalysis } from './test-designs';
import { inspectPython } from './test-python';

/** The Keras value the generator should have written for a tfjs config value. */
function kerasValue(key: string, value: unknown): unknown {
  if (key === 'activation') {
    const helpers: Record<string, string> = { relu6: 'relu6', hardSigmoid: 'hard_sigmoid', mish: 'mish', gelu: 'gelu', gelu_new: 'gelu_tanh' };
    return helpers[value as string] ? { name: helpers[value as string] } : value;
  }
  return value;
}

describe('Keras export (py_compile + ast structure; no TensorFlow for Python here)', () => {
  it('writes one layers.X(...)(inputs) per layer with the analysed class, name, options and wiring', () => {
    const dir = scratchDir('keras');
    const designs = testDesigns();
    const files: string[] = [];
    for (const d of designs) {
      mkdirSync(path.join(dir, d.key));
      for (const f of generateCode(d.doc, 'keras')) writeFileSync(path.join(dir, d.key, f.path), f.contents);
      files.push(`${d.key}/model.py`);
    }
    const inspected = inspectPython(dir, files);
    for (const d of designs) {
      const { top, calls, model } = inspected[`${d.key}/model.py`];
      expect(top.filter((t) => !/^(import |FunctionDef |if __name__ == '__main__'|const LOSSES$|const LOSS_WEIGHTS$)/.test(t)), d.key).toEqual([]);
      const analysis = validAnalysis(d.doc);
      const varOf = new Map<string, string>();
      const layers = analysis.flat.filter((n) => nodeRole(n) !== 'output');
      expect(calls.length, d.key).toBe(layers.length);
      layers.forEach((n, i) => {
        const call = calls[i];
        varOf.set(n.id, call.var);
        expect(call.kw.name, d.key).toBe(n.layerName);
        if (nodeRole(n) === 'input') {
          expect(call.cls).toBe('keras.Input');
          expect(call.kw.shape).toEqual([...n.outputShape]);
          return;
        }
        expect(call.cls, n.layerName).toBe(`layers.${n.layer!.className}`);
        const want: Record<string, unknown> = { name: n.layerName };
        for (const [k, v] of Object.entries(n.layer!.config)) if (v !== undefined) want[snakeCase(k)] = kerasValue(k, v);
        expect(call.kw, n.layerName).toEqual(want);
        expect(call.inputs, n.layerName).toEqual(n.inputs.map((id) => varOf.get(id)));
      });
      const outputs = analysis.flat.filter((n) => nodeRole(n) === 'output').map((n) => varOf.get(n.inputs[0]));
      expect(model?.outputs, d.key).toBe(outputs.length === 1 ? outputs[0] : `[${outputs.join(', ')}]`);
    }
  });
});
