import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeDesign } from '../analysis/analyze';
import { compileModel, modelOutputs } from '../compile/compile';
import { twoHeadCnn } from '../node/train/test-fixtures';
import { DesignError } from '../errors';
import { errorDetailEnglish } from '../messages';
import { parseDocument } from '../schema/load';
import { IMPORT_LAYOUT, importModel, importModelText } from './import-model';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, 'fixtures');

/** The `DesignError` that `f` throws (the test fails when it throws nothing or something else). */
function thrown(f: () => unknown): DesignError {
  try {
    f();
  } catch (err) {
    if (err instanceof DesignError) return err;
    throw err;
  }
  throw new Error('expected a DesignError, nothing was thrown');
}

const readJson = (file: string) => JSON.parse(readFileSync(path.join(fixtures, file), 'utf8')) as Record<string, unknown>;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Real model files written by Keras and the tfjs converter (see fixtures/README.md), with Keras' counts. */
const FILES = [
  { file: 'mobilenet_1.00_224.keras-2.2.0.json', params: 4_253_864, output: [1000], layers: 102, loss: undefined, sha256: 'f0b86a6917b1546350abd42deaa6ea7b32bb6203cbbe000f170b1162ab9273d2' },
  { file: 'mobilenet_0.25_224.tfjs-layers-model.json', params: 475_544, output: [1000], layers: 88, loss: undefined, sha256: 'd14c680e069d74143e3771c291cf3fd153ee88b6ea9ee44bfaf84e2008ded44e' },
  { file: 'vgg16-finetuned-8-classes.tfjs-layers-model.json', params: 66_623_560, output: [8], layers: 23, loss: 'categoricalCrossentropy', sha256: '982c333be8b44e1e98e45c67d5662bc16dde1c930cf861b077c4635c859ef0b4' },
];

describe('importModel on real model files', () => {
  it.each(FILES)('$file imports with Keras\' parameter count and output shape', async ({ file, params, output, layers, loss }) => {
    const raw = readJson(file);
    const doc = importModel(raw, { fileName: file });
    expect(parseDocument(JSON.parse(JSON.stringify(doc)))).toEqual(doc);
    const analysis = analyzeDesign(doc);
    expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(analysis.totals.params).toBe(params);
    expect(analysis.flat[analysis.flat.length - 1].outputShape).toEqual(output);
    // Every layer of the file is one node (plus one Output), named after it.
    const topo = (raw.modelTopology ?? raw) as { model_config?: unknown };
    const config = ((topo.model_config ?? topo) as { config: { layers: { name: string }[] } }).config;
    expect(config.layers.length).toBe(layers);
    expect(doc.nodes.length).toBe(layers + 1);
    expect(doc.nodes.slice(0, -1).map((n) => n.name)).toEqual(config.layers.map((l) => l.name));
    const out = doc.nodes[doc.nodes.length - 1];
    expect(out.type).toBe('Output');
    if (loss) expect(out.params.loss).toBe(loss);
    // Cross-check against tfjs' own deserializer of the same topology.
    const model = await tf.models.modelFromJSON({ modelTopology: topo as tf.io.ModelJSON['modelTopology'] });
    expect(model.countParams()).toBe(params);
    expect(model.outputs[0].shape).toEqual([null, ...output]);
    model.dispose();
  });

  it('uses the committed fixtures unchanged (SHA-256 of the originals, see fixtures/README.md)', () => {
    for (const { file, sha256 } of FILES) expect(createHash('sha256').update(readFileSync(path.join(fixtures, file))).digest('hex'), file).toBe(sha256);
  });

  it('lays the graph out top to bottom without overlapping nodes', () => {
    const doc = importModel(readJson('mobilenet_1.00_224.keras-2.2.0.json'));
    const pos = new Map(doc.nodes.map((n) => [n.id, n.position]));
    for (const e of doc.edges) expect(pos.get(e.target.node)!.y).toBeGreaterThan(pos.get(e.source.node)!.y);
    const boxes = doc.nodes.map((n) => n.position);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const overlap = Math.abs(boxes[i].x - boxes[j].x) < IMPORT_LAYOUT.nodeWidth && Math.abs(boxes[i].y - boxes[j].y) < IMPORT_LAYOUT.nodeHeight;
        expect(overlap, `${doc.nodes[i].id} overlaps ${doc.nodes[j].id}`).toBe(false);
      }
    }
  });
});

/** A minimal Keras 2 functional topology around the given layers (each fed by the previous one). */
function functional(layers: Array<{ class_name: string; config: Record<string, unknown>; inputs?: string[] }>, inputShape = [8, 8, 3]) {
  let prev = 'in';
  const all = [
    { name: 'in', class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, ...inputShape] }, inbound_nodes: [] },
    ...layers.map((l) => {
      const name = String(l.config.name);
      const inputs = l.inputs ?? [prev];
      prev = name;
      return { name, class_name: l.class_name, config: l.config, inbound_nodes: [inputs.map((i) => [i, 0, 0, {}])] };
    }),
  ];
  return { class_name: 'Model', config: { name: 'm', layers: all, input_layers: [['in', 0, 0]], output_layers: [[prev, 0, 0]] } };
}

describe('importModel layer mapping', () => {
  it('maps ReLU(6), LeakyReLU, keepdims pooling, Add/Concatenate/Multiply and camelCase configs', () => {
    const doc = importModel(
      functional([
        { class_name: 'Conv2D', config: { name: 'c', filters: 4, kernelSize: 3, padding: 'same', useBias: false } },
        { class_name: 'ReLU', config: { name: 'r6', max_value: 6 } },
        { class_name: 'LeakyReLU', config: { name: 'lk', alpha: 0.2 } },
        { class_name: 'DepthwiseConv2D', config: { name: 'dw', kernel_size: [3, 3], padding: 'same', depth_multiplier: 1 } },
        { class_name: 'Add', config: { name: 'add' }, inputs: ['lk', 'dw'] },
        { class_name: 'Concatenate', config: { name: 'cat', axis: -1 }, inputs: ['add', 'c'] },
        { class_name: 'Multiply', config: { name: 'mul' }, inputs: ['cat', 'cat'] },
        { class_name: 'GlobalAveragePooling2D', config: { name: 'gap', keepdims: true } },
        { class_name: 'Flatten', config: { name: 'fl' } },
        { class_name: 'Dense', config: { name: 'd', units: 2, activation: 'softmax' } },
      ]),
    );
    const byName = new Map(doc.nodes.map((n) => [n.name, n]));
    expect(byName.get('r6')).toMatchObject({ type: 'Activation', params: { activation: 'relu6' } });
    expect(byName.get('lk')).toMatchObject({ type: 'Activation', params: { activation: 'leakyRelu', alpha: 0.2 } });
    expect(byName.get('c')?.params).toMatchObject({ kernelSize: [3, 3], useBias: false, padding: 'same' });
    expect(byName.get('gap_reshape')).toMatchObject({ type: 'Reshape', params: { targetShape: [1, 1, -1] } });
    const analysis = analyzeDesign(doc);
    expect(analysis.valid).toBe(true);
    expect(analysis.nodes[byName.get('cat')!.id].outputShape).toEqual([8, 8, 8]);
    expect(analysis.nodes[byName.get('gap_reshape')!.id].outputShape).toEqual([1, 1, 8]);
    const addEdges = doc.edges.filter((e) => e.target.node === byName.get('add')!.id).map((e) => e.source.node);
    expect(addEdges).toEqual([byName.get('lk')!.id, byName.get('dw')!.id]);
  });

  it('imports a Keras Sequential model whose first layer carries the input shape', () => {
    const doc = importModel({
      class_name: 'Sequential',
      config: {
        name: 'seq',
        layers: [
          { class_name: 'Dense', config: { name: 'h', units: 16, activation: 'relu', batch_input_shape: [null, 4] } },
          { class_name: 'Dropout', config: { name: 'dr', rate: 0.25 } },
          { class_name: 'Dense', config: { name: 'o', units: 3, activation: 'softmax' } },
        ],
      },
    });
    expect(doc.nodes.map((n) => n.type)).toEqual(['Input', 'Dense', 'Dropout', 'Dense', 'Output']);
    expect(analyzeDesign(doc).totals.params).toBe(4 * 16 + 16 + 16 * 3 + 3);
  });

  it('reads Keras 3 inbound nodes (keras_history)', () => {
    const tensor = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 4], dtype: 'float32', keras_history: [name, 0, 0] } });
    const doc = importModel({
      class_name: 'Functional',
      config: {
        name: 'k3',
        layers: [
          { name: 'x', class_name: 'InputLayer', config: { name: 'x', batch_shape: [null, 4] }, inbound_nodes: [] },
          { name: 'a', class_name: 'Dense', config: { name: 'a', units: 4 }, inbound_nodes: [{ args: [tensor('x')], kwargs: {} }] },
          { name: 's', class_name: 'Add', config: { name: 's' }, inbound_nodes: [{ args: [[tensor('x'), tensor('a')]], kwargs: {} }] },
        ],
        input_layers: [['x', 0, 0]],
        output_layers: ['s', 0, 0],
      },
    });
    expect(doc.edges.filter((e) => e.target.node === 's').map((e) => e.source.node)).toEqual(['x', 'a']);
    expect(analyzeDesign(doc).valid).toBe(true);
  });

  it.each([
    [[{ class_name: 'LSTM', config: { name: 'rnn_1', units: 4 } }], /layer 'rnn_1' has class LSTM, which LayerLoom cannot import/, { code: 'import-layer-class', values: { layer: 'rnn_1', className: 'LSTM' } }],
    [[{ class_name: 'ReLU', config: { name: 'clip', max_value: 4 } }], /layer 'clip' \(ReLU\) uses max_value 4/, { code: 'import-layer-setting-relu6', values: { layer: 'clip', className: 'ReLU', setting: 'max_value 4' } }],
    [[{ class_name: 'Conv2D', config: { name: 'g', filters: 4, kernel_size: 3, groups: 2 } }], /layer 'g' \(Conv2D\) uses groups 2/, { code: 'import-layer-setting', values: { layer: 'g', setting: 'groups 2' } }],
    [[{ class_name: 'Conv2D', config: { name: 'cf', filters: 4, kernel_size: 3, data_format: 'channels_first' } }], /data_format 'channels_first'/, { code: 'import-layer-setting-channels-last' }],
    [[{ class_name: 'Dense', config: { name: 'act', units: 4, activation: 'my_custom' } }], /layer 'act' \(Dense\) uses activation 'my_custom'/, { code: 'import-layer-setting', values: { setting: "activation 'my_custom'" } }],
    [[{ class_name: 'Dense', config: { name: 'obj', units: 4, activation: { class_name: 'Custom' } } }], /layer 'obj' \(Dense\) uses a custom activation object/, { code: 'import-layer-custom-activation', values: { layer: 'obj', className: 'Dense' } }],
  ])('rejects %j with a message naming the layer and class, by code + values too', (layers, message, detail) => {
    let error: unknown;
    try {
      importModel(functional(layers as never));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DesignError);
    expect((error as DesignError).code).toBe('import-failed');
    expect((error as DesignError).message).toMatch(message);
    expect((error as DesignError).detail).toMatchObject(detail);
    expect((error as DesignError).message).toBe(`${(error as DesignError).path}: ${errorDetailEnglish((error as DesignError).detail!)}`);
  });

  it.each([
    ['not JSON', '{', /not valid JSON/, 'json-syntax'],
    ['a graph model', JSON.stringify({ format: 'graph-model', modelTopology: { node: [] } }), /class_name|graph model/, 'import-model-class'],
    ['a converted graph model', JSON.stringify({ format: 'graph-model' }), /tfjs graph model/, 'import-graph-model'],
    ['an array', '[]', /expected a JSON object/, 'import-not-object'],
    ['a design document', JSON.stringify({ format: 'layerloom.design', nodes: [], edges: [] }), /expected a Keras\/tfjs layers model/, 'import-model-class'],
    ['an input without a fixed shape', JSON.stringify(functional([{ class_name: 'Flatten', config: { name: 'f' } }], [null as unknown as number, 8, 3])), /input layer 'in' needs a fixed shape/, 'import-input-shape'],
    ['an empty Sequential model', JSON.stringify({ class_name: 'Sequential', config: { layers: [] } }), /the model has no layers/, 'import-no-layers'],
  ])('rejects %s clearly, by code too', (_what, text, message, code) => {
    const err = thrown(() => importModelText(text, { fileName: 'x.json' }));
    expect(err.message).toMatch(message);
    expect(err.detail?.code).toBe(code);
  });
});

describe('importModel with several inputs and outputs', () => {
  it('a tfjs model with two inputs and two outputs imports as such, with the file\'s losses and loss weights', () => {
    const source = twoHeadCnn({ twoInputs: [28, 28, 1], auxWeight: 0.3 });
    const model = compileModel(source, tf, { compile: false });
    const topology = model.toJSON(null, false) as Record<string, unknown>;
    const sourceParams = model.countParams();
    model.dispose();
    const doc = importModel({ modelTopology: topology, trainingConfig: { loss: ['categorical_crossentropy', 'mean_squared_error'], loss_weights: [1, 0.3] } });
    expect(doc.nodes.filter((n) => n.type === 'Input').map((n) => [n.name, n.params.shape])).toEqual([['input', [28, 28, 1]], ['input_b', [28, 28, 1]]]);
    const outputs = doc.nodes.filter((n) => n.type === 'Output');
    expect(outputs.map((n) => [n.name, n.params])).toEqual([
      ['logits_output', { loss: 'categoricalCrossentropy', lossWeight: 1 }],
      ['aux_logits_output', { loss: 'meanSquaredError', lossWeight: 0.3 }],
    ]);
    const analysis = analyzeDesign(doc);
    expect(analysis.valid).toBe(true);
    expect(analysis.totals.params).toBe(sourceParams);
    // The imported design compiles back to a model with the same inputs and outputs, in the same order.
    expect(modelOutputs(analysis).map((o) => o.layerName)).toEqual(['logits', 'aux_logits']);
  });

  it('reads loss weights given by output name and ignores unusable ones', () => {
    const source = twoHeadCnn();
    const model = compileModel(source, tf, { compile: false });
    const topology = model.toJSON(null, false) as Record<string, unknown>;
    model.dispose();
    const doc = importModel({ modelTopology: topology, trainingConfig: { loss: 'categorical_crossentropy', loss_weights: { aux_logits: 0.5, logits: -1 } } });
    expect(doc.nodes.filter((n) => n.type === 'Output').map((n) => n.params.lossWeight)).toEqual([undefined, 0.5]);
  });
});
