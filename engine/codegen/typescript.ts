/**
 * TypeScript (tfjs) writer: one `buildModel()` that wires `tf.input` and `tf.layers.*(...).apply(...)` in
 * topological order, each layer named after its node, plus a main guard that prints the summary.
 * The output compiles under `tsc --strict` and needs only `@tensorflow/tfjs`.
 */
import { headerLines } from './header';
import { LAYER_FACTORIES } from '../compile/compile';
import { byId, MERGE_LAYERS, nodeRole, outputLoss } from './layers';
import { commentText, IdentifierAllocator, tsLiteral, tsString, TS_RESERVED } from './sanitize';
import { CodeWriter, type MappedCode } from './source-map';
import type { CodegenModel, CodegenNode } from './types';

/** Generates the TypeScript module (call `unsupportedFeatures(..., 'ts')` first). */
export function generateTypeScript(model: CodegenModel): string {
  return generateTypeScriptMapped(model).text;
}

/** The TypeScript module with its source map (flat node id -> the lines that build it). */
export function generateTypeScriptMapped(model: CodegenModel): MappedCode {
  const vars = new IdentifierAllocator(TS_RESERVED);
  const varOf = new Map<string, string>();
  const nodes = byId(model.nodes);
  const body = new CodeWriter();
  const inputs: string[] = [];
  const outputs: string[] = [];
  const outputNodes: CodegenNode[] = [];

  for (const node of model.nodes) {
    const role = nodeRole(node);
    if (role === 'output') {
      outputs.push(varOf.get(node.inputs[0]) ?? missing(node));
      outputNodes.push(node);
      continue;
    }
    const v = vars.allocate(node.layerName);
    varOf.set(node.id, v);
    body.push(node.id, `  // ${describe(node)}`);
    if (role === 'input') {
      inputs.push(v);
      body.push(node.id, `  const ${v} = tf.input({ shape: ${tsLiteral(node.outputShape)}, name: ${tsString(node.layerName)} });`);
      continue;
    }
    const layer = node.layer!;
    const factory = LAYER_FACTORIES[layer.className];
    if (!factory) throw new Error(`${node.name}: no tf.layers factory for ${layer.className}`);
    const config = { ...layer.config, name: node.layerName };
    const args = node.inputs.map((id) => varOf.get(id) ?? missing(node, nodes.get(id)?.name ?? id));
    const applied = MERGE_LAYERS.has(layer.className) ? `[${args.join(', ')}]` : args[0];
    const call = `tf.layers.${factory}(${tsLiteral(config, node.name)})`;
    const line = `  const ${v} = ${call}.apply(${applied}) as tf.SymbolicTensor;`;
    body.push(node.id, line.length <= 120 ? line : `  const ${v} = ${call}\n    .apply(${applied}) as tf.SymbolicTensor;`);
  }
  if (outputs.length === 0) throw new Error('the design has no Output block');

  const modelName = new IdentifierAllocator(new Set()).allocate(model.name || 'model');
  const heads = outputNodes.map(outputLoss);
  // The return statement is the single output's code; with several, each output's line is its own.
  const ret = new CodeWriter();
  if (outputNodes.length === 1) {
    ret.push(outputNodes[0].id, `  return tf.model({ inputs: [${inputs.join(', ')}], outputs: [${outputs[0]}], name: ${tsString(modelName)} });`);
  } else {
    ret.plain('  return tf.model({', `    inputs: [${inputs.join(', ')}],`, '    outputs: [');
    outputNodes.forEach((n, i) => ret.push(n.id, `      ${outputs[i]}, // ${n.layerName}: ${heads[i].loss}, loss weight ${heads[i].weight}`));
    ret.plain('    ],', `    name: ${tsString(modelName)},`, '  });');
  }
  return new CodeWriter()
    .plain(
      ...headerLines(model, 'TensorFlow.js (TypeScript)').map((l) => `// ${l}`),
      '//',
      '// Usage: `import { buildModel } from "./model";` or run `npx tsx model.ts` to print the summary.',
      "import * as tf from '@tensorflow/tfjs';",
      '',
      '/** Each output\'s loss and its weight in the total loss (Σ weight · loss), in the order of the model\'s outputs.',
      ' *  tfjs\' `model.compile` does not apply `lossWeights` (tfjs-layers 4): weigh the losses in a custom training step. */',
      `export const LOSSES: string[] = ${tsLiteral(heads.map((h) => h.loss))};`,
      `export const LOSS_WEIGHTS: number[] = ${tsLiteral(heads.map((h) => h.weight))};`,
      '',
      '/** Builds the model with fresh (untrained) weights; inputs are channels-last (NHWC). */',
      'export function buildModel(): tf.LayersModel {',
    )
    .append(body)
    .plain('')
    .append(ret)
    .plain(
      '}',
      '',
      '// Main guard: print the summary when this file is run directly (Node), do nothing when imported.',
      'const entry = (globalThis as { process?: { argv?: string[] } }).process?.argv?.[1];',
      "if (entry !== undefined && decodeURIComponent(import.meta.url).endsWith(entry.replace(/\\\\/g, '/'))) {",
      '  buildModel().summary();',
      '}',
      '',
    )
    .finish();
}

/** `conv1 (Conv2D) -> [26, 26, 32]`, with the user's name when it differs from the layer name. */
export function describe(node: CodegenNode): string {
  const kind = node.layer?.className ?? node.type;
  const user = node.name !== node.layerName ? ` "${commentText(node.name, 80)}"` : '';
  return `${node.layerName}${user} (${commentText(kind, 40)}) -> [${node.outputShape.join(', ')}]`;
}

function missing(node: CodegenNode, input = 'its input'): never {
  throw new Error(`${node.name}: ${input} is not defined before it (the flat graph is not in topological order)`);
}
