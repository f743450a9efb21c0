/**
 * The registry walk: every registered block, in a minimal design of its own, must analyze; compile to tfjs
 * with the analysed output shape and parameter count; export to TypeScript, Keras and PyTorch or be refused
 * with its reason; and, where the block imports the layer class it produces, come back through the Keras/tfjs
 * importer as the same block with the same parameter count. Adding a block is its file, one registry line, and
 * this walk covers it (a block this walk cannot build a design for fails it, as does a layer class no variant
 * produces).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeDesign } from '../analysis/analyze';
import type { DesignAnalysis } from '../analysis/types';
import { DesignBuilder } from '../build/design-builder';
import { generateCode, unsupportedFeatures } from '../codegen';
import { compileModel } from '../compile/compile';
import { DesignError } from '../errors';
import { importModelText } from '../import/import-model';
import type { DesignDocument } from '../schema/document';
import { listBlocks } from './registry';
import type { BlockSpec } from './types';

/** Params besides the defaults for blocks whose layer class depends on them (each variant is walked). */
const VARIANTS: Record<string, Record<string, unknown>[]> = {
  Activation: [{ activation: 'relu' }, { activation: 'leakyRelu', alpha: 0.2 }],
  Composite: [{ definition: 'pair' }],
  // A concrete target: with -1, tfjs' symbolic shape is [null] while the analysis resolves it.
  Reshape: [{ targetShape: [16, 16] }],
};

/** Input shapes tried in order; the first the block accepts is its minimal design's input. */
const INPUT_SHAPES = [[8, 8, 4], [12]];

/** A user-defined composite (two convolutions) for the `Composite` block. */
function definePair(b: DesignBuilder): void {
  b.defineComposite({
    id: 'pair', name: 'Pair', description: '',
    nodes: [
      { id: 'a', type: 'Conv2D', name: 'a', params: { filters: 4, padding: 'same' }, position: { x: 0, y: 0 } },
      { id: 'b', type: 'Conv2D', name: 'b', params: { filters: 4, padding: 'same' }, position: { x: 0, y: 0 } },
    ],
    edges: [{ id: 'e', source: { node: 'a', port: 'out' }, target: { node: 'b', port: 'in' } }],
    inputs: [{ name: 'in', node: 'a', port: 'in' }],
    output: { name: 'out', node: 'b', port: 'out' },
  });
}

/** Input -> the block (fed through two branches when it merges) -> Output. */
function minimalDesign(block: BlockSpec, params: Record<string, unknown>, shape: number[]): DesignDocument {
  const b = new DesignBuilder(`walk ${block.type}`);
  definePair(b);
  const x = block.type === 'Input' ? null : b.input(shape);
  let y: string;
  if (block.type === 'Input') y = b.input(shape, 'probe');
  else if (block.type === 'Output') y = x!;
  else {
    const variadic = block.inputs[0]?.variadic === true;
    const sources = variadic
      ? [b.add('Activation', { activation: 'relu' }, x!, 'left'), b.add('Activation', { activation: 'sigmoid' }, x!, 'right')]
      : [x!];
    y = b.add(block.type, params, sources, 'probe');
  }
  if (block.type === 'Output') b.output(y, params, 'probe');
  else b.output(y);
  return b.build();
}

interface WalkCase {
  block: BlockSpec;
  params: Record<string, unknown>;
  doc: DesignDocument;
  analysis: DesignAnalysis;
}

function walkCases(): WalkCase[] {
  const cases: WalkCase[] = [];
  for (const block of listBlocks()) {
    for (const params of VARIANTS[block.type] ?? [{}]) {
      const found = INPUT_SHAPES.map((shape) => {
        const doc = minimalDesign(block, params, shape);
        return { doc, analysis: analyzeDesign(doc) };
      }).find((c) => c.analysis.valid);
      if (!found) throw new Error(`block ${block.type} ${JSON.stringify(params)}: no minimal design analyzes (add a variant to VARIANTS)`);
      cases.push({ block, params, ...found });
    }
  }
  return cases;
}

const CASES = walkCases();
const name = (c: WalkCase) => `${c.block.type}${Object.keys(c.params).length ? ` ${JSON.stringify(c.params)}` : ''}`;

describe('every registered block', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is walked, with every layer class it declares produced by some variant', () => {
    const walked = new Set(CASES.map((c) => c.block.type));
    expect([...walked].sort()).toEqual(listBlocks().map((b) => b.type).sort());
    const produced = new Set(CASES.flatMap((c) => c.analysis.flat.filter((n) => n.type === c.block.type && n.layer).map((n) => n.layer!.className)));
    for (const block of listBlocks()) {
      if (block.kind !== 'primitive') continue;
      for (const cls of Object.keys(block.tfjs)) expect(produced.has(cls), `${block.type} declares ${cls} but no variant produces it`).toBe(true);
      // Every class a layer() produces must be declared, or the compiler would not find its factory.
      for (const n of CASES.flatMap((c) => c.analysis.flat)) {
        if (n.type === block.type && n.layer) expect(block.tfjs, `${block.type} produces undeclared ${n.layer.className}`).toHaveProperty(n.layer.className);
      }
    }
  });

  it.each(CASES.map((c) => [name(c), c] as const))('%s: compiles to tfjs with the analysed output shape and parameter count', (_n, c) => {
    const model = compileModel(c.analysis, tf, { compile: false });
    expect(model.countParams()).toBe(c.analysis.totals.params);
    const probe = c.analysis.nodes.probe;
    const outShape = (model.outputs[0].shape as (number | null)[]).slice(1);
    if (c.block.type !== 'Input') expect(outShape).toEqual(probe.outputShape);
    model.dispose();
  });

  it.each(CASES.map((c) => [name(c), c] as const))('%s: exports to TypeScript, Keras and PyTorch, or is refused with the reason', (_n, c) => {
    for (const target of ['ts', 'keras', 'pytorch'] as const) {
      const limits = unsupportedFeatures(c.analysis.flat, target);
      if (limits.length === 0) {
        const files = generateCode(c.doc, target);
        const text = files.map((f) => f.contents).join('\n');
        // Every layer of the design is written under its layer name.
        for (const n of c.analysis.flat.filter((f) => f.layer)) expect(text, `${target} writes ${n.layerName}`).toContain(n.layerName);
      } else {
        let error: unknown;
        try {
          generateCode(c.doc, target);
        } catch (err) {
          error = err;
        }
        expect(error).toBeInstanceOf(DesignError);
        for (const l of limits) expect((error as Error).message).toContain(l.message);
      }
    }
  });

  it.each(CASES.map((c) => [name(c), c] as const))('%s: round-trips through the Keras/tfjs importer where it imports its own class', (_n, c) => {
    const model = compileModel(c.analysis, tf, { compile: false });
    const json = JSON.stringify(model.toJSON(null, false));
    model.dispose();
    const classes = c.analysis.flat.filter((n) => n.layer).map((n) => n.layer!.className);
    const importable = classes.every((cls) => listBlocks().some((b) => b.kind === 'primitive' && b.imports && cls in b.imports));
    if (!importable) {
      expect(() => importModelText(json)).toThrow(/cannot import/);
      return;
    }
    const back = analyzeDesign(importModelText(json));
    expect(back.valid).toBe(true);
    expect(back.totals.params).toBe(c.analysis.totals.params);
    if (c.block.kind === 'primitive' && c.analysis.flat.some((n) => n.type === c.block.type && n.layer)) {
      expect(back.flat.map((n) => n.type)).toContain(c.block.type);
    }
  });
});
