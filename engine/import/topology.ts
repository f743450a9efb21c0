/**
 * Reads the layer graph out of the model files Keras and tfjs write: tfjs `model.json` (`modelTopology` +
 * `weightsManifest`, `format: layers-model`), Keras `model.to_json()` (2.x `Model`/`Functional`/`Sequential`,
 * and Keras 3's `inbound_nodes` with `__keras_tensor__` args). Only the topology is used; weights are ignored.
 */
import { detailedError, type ErrorDetail } from '../messages';
import { cfg } from './keras-layers';

/** One layer of the graph, with its inputs as layer names (in order). */
export interface TopologyLayer {
  name: string;
  className: string;
  config: Record<string, unknown>;
  inputs: string[];
}

/** The graph of a model file: layers in file order, the output layer names, and the loss(es) if it was compiled. */
export interface ModelTopology {
  name: string;
  layers: TopologyLayer[];
  outputs: string[];
  loss: unknown;
  /** Keras `loss_weights` of a compiled model with several outputs (a list in output order, or by output name). */
  lossWeights?: unknown;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

/** Refuses the file with a message by code + values (engine/messages/import.ts). */
const fail = (code: ErrorDetail['code'], path?: string, values: ErrorDetail['values'] = {}): never => {
  throw detailedError('import-failed', { code, values }, path);
};

/** Names of the layers a Keras 2 inbound node (`[[name, node, tensor, kwargs], ...]`) reads. */
function keras2Inputs(node: unknown, where: string): string[] {
  if (!Array.isArray(node)) return fail('import-expected-inbound-list', where);
  return node.map((t, i) => (Array.isArray(t) && typeof t[0] === 'string' ? t[0] : fail('import-expected-tensor-ref', `${where}[${i}]`)));
}

/** Names of the layers a Keras 3 inbound node (`{ args: [...], kwargs }`) reads: every `keras_history` in its args. */
function keras3Inputs(node: Json): string[] {
  const out: string[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isObj(v)) {
      const hist = isObj(v.config) ? v.config.keras_history : undefined;
      if (v.class_name === '__keras_tensor__' && Array.isArray(hist) && typeof hist[0] === 'string') out.push(hist[0]);
      else Object.values(v).forEach(visit);
    }
  };
  visit(node.args);
  return out;
}

function layerInputs(layer: Json, where: string): string[] {
  const inbound = layer.inbound_nodes ?? layer.inboundNodes;
  if (inbound === undefined || (Array.isArray(inbound) && inbound.length === 0)) return [];
  if (!Array.isArray(inbound)) return fail('import-expected-inbound-nodes', `${where}.inbound_nodes`);
  if (inbound.length > 1) fail('import-shared-layer', where, { layer: String(layer.name), calls: inbound.length });
  const node = inbound[0];
  return isObj(node) ? keras3Inputs(node) : keras2Inputs(node, `${where}.inbound_nodes[0]`);
}

function outputNames(value: unknown, where: string): string[] {
  if (!Array.isArray(value)) return fail('import-expected-outputs', where);
  // Keras 3 writes a single output as [name, 0, 0]; Keras 2 and tfjs as [[name, 0, 0], ...].
  if (typeof value[0] === 'string') return [value[0]];
  return value.map((o, i) => (Array.isArray(o) && typeof o[0] === 'string' ? o[0] : fail('import-expected-tensor-ref', `${where}[${i}]`)));
}

function sequential(config: unknown, where: string): { layers: TopologyLayer[]; outputs: string[]; name?: string } {
  const list = Array.isArray(config) ? config : isObj(config) && Array.isArray(config.layers) ? config.layers : fail('import-expected-sequential', where);
  const layers: TopologyLayer[] = [];
  let prev: string | undefined;
  list.forEach((raw: unknown, i: number) => {
    if (!isObj(raw) || !isObj(raw.config)) return fail('import-expected-layer-config', `${where}.layers[${i}]`);
    const className = String(raw.class_name ?? raw.className);
    const config = raw.config;
    const name = String(config.name ?? `${className.toLowerCase()}_${i + 1}`);
    if (className === 'InputLayer') {
      layers.push({ name, className, config, inputs: [] });
      prev = name;
      return;
    }
    if (prev === undefined) {
      // A Sequential model's first layer carries the input shape itself.
      const shape = cfg(config, 'batch_input_shape') ?? cfg(config, 'batch_shape');
      if (!Array.isArray(shape)) return fail('import-no-input-shape', `${where}.layers[${i}]`, { layer: name });
      const inName = `${name}_input`;
      layers.push({ name: inName, className: 'InputLayer', config: { batch_input_shape: shape, name: inName }, inputs: [] });
      prev = inName;
    }
    layers.push({ name, className, config, inputs: [prev] });
    prev = name;
  });
  if (!prev) fail('import-no-layers', where);
  return { layers, outputs: [prev as string], name: isObj(config) && typeof config.name === 'string' ? config.name : undefined };
}

/** Finds and reads the layer graph in a parsed tfjs model.json or Keras JSON file. */
export function readTopology(raw: unknown): ModelTopology {
  if (!isObj(raw)) return fail('import-not-object');
  let where = '';
  let topo: Json = raw;
  let loss: unknown;
  let lossWeights: unknown;
  const training = (t: unknown) => (isObj(t) ? (t.loss ?? undefined) : undefined);
  const weights = (t: unknown) => (isObj(t) ? (t.loss_weights ?? t.lossWeights ?? undefined) : undefined);
  loss = training(raw.trainingConfig) ?? training(raw.training_config);
  lossWeights = weights(raw.trainingConfig) ?? weights(raw.training_config);
  if (isObj(raw.modelTopology)) {
    topo = raw.modelTopology;
    where = 'modelTopology';
  } else if (raw.format === 'graph-model') {
    return fail('import-graph-model');
  }
  loss ??= training(topo.training_config) ?? training(topo.trainingConfig);
  lossWeights ??= weights(topo.training_config) ?? weights(topo.trainingConfig);
  if (isObj(topo.model_config)) {
    topo = topo.model_config;
    where = where ? `${where}.model_config` : 'model_config';
  }
  const className = topo.class_name ?? topo.className;
  const config = topo.config;
  const at = (k: string) => (where ? `${where}.${k}` : k);
  if (className === 'Sequential') {
    const seq = sequential(config, at('config'));
    return { name: seq.name ?? 'Imported model', ...seq, loss, lossWeights };
  }
  if (className !== 'Model' && className !== 'Functional') {
    return fail('import-model-class', at('class_name'), { got: JSON.stringify(className ?? null) });
  }
  if (!isObj(config) || !Array.isArray(config.layers)) return fail('import-expected-layers', at('config'));
  const layers = config.layers.map((l: unknown, i: number): TopologyLayer => {
    const w = at(`config.layers[${i}]`);
    if (!isObj(l)) return fail('import-expected-layer', w);
    const lc = isObj(l.config) ? l.config : {};
    const name = typeof l.name === 'string' ? l.name : typeof lc.name === 'string' ? lc.name : fail('import-layer-no-name', w);
    return { name, className: String(l.class_name ?? l.className), config: lc, inputs: layerInputs(l, w) };
  });
  const outputs = outputNames(config.output_layers ?? config.outputLayers, at('config.output_layers'));
  return { name: typeof config.name === 'string' ? config.name : 'Imported model', layers, outputs, loss, lossWeights };
}
