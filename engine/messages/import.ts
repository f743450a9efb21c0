/**
 * The vocabulary of model-import refusals: a Keras/tfjs JSON file (`engine/import/`), an ONNX file
 * (`engine/onnx/import.ts`, `engine/node/onnx-files.ts`) and the host's check of the imported design
 * (`electron/model-io.ts`). `engine/messages.ts` gathers it with the other areas' codes.
 */
import type { ErrorDetail } from '../messages';

/**
 * Codes of a model file the importers refuse: a file that is not a model, a structure they cannot read, a layer or
 * operator LayerLoom has no block for (named, with its class or operator), a setting a block cannot express, and
 * an imported design that does not analyse. `-setting-*` variants add what the block accepts instead.
 */
export const IMPORT_MESSAGE_CODES = [
  'import-not-object',
  'import-graph-model',
  'import-model-class',
  'import-expected-inbound-list',
  'import-expected-tensor-ref',
  'import-expected-inbound-nodes',
  'import-expected-outputs',
  'import-expected-sequential',
  'import-expected-layer-config',
  'import-expected-layers',
  'import-expected-layer',
  'import-layer-no-name',
  'import-shared-layer',
  'import-no-input-shape',
  'import-no-layers',
  'import-input-shape',
  'import-unknown-source',
  'import-not-topological',
  'import-unknown-output',
  'import-invalid-design',
  'import-invalid-analysis',
  'import-layer-class',
  'import-layer-setting',
  'import-layer-custom-activation',
  'import-layer-setting-channels-last',
  'import-layer-setting-relu6',
  'import-layer-setting-channel-axis',
  'import-refused',
  'import-refused-more',
  'onnx-not-model',
  'onnx-no-graph',
  'onnx-no-opset',
  'onnx-foreign-domain',
  'onnx-unsupported-op',
  'onnx-node-refused',
  'onnx-output-constant',
  'onnx-output-refused',
  'onnx-no-input',
  'onnx-too-large',
] as const;
export type ImportMessageCode = (typeof IMPORT_MESSAGE_CODES)[number];

/** What a `LayerProblem` adds after the setting it refuses (none, or what the block accepts instead). */
export type LayerSettingNote = 'channels-last' | 'relu6' | 'channel-axis';
const SETTING_NOTE: Record<LayerSettingNote, string> = { 'channels-last': 'only channels_last', relu6: 'only 6 or none', 'channel-axis': 'only the channel axis' };

/** The English of the import codes (`errorDetailEnglish`'s part for them). */
export function importEnglish(code: ImportMessageCode, v: ErrorDetail['values']): string {
  const layer = `layer '${v.layer}' (${v.className}) uses`;
  const node = `${v.op} node '${v.node}'`;
  switch (code) {
    case 'import-not-object':
      return 'expected a JSON object (a tfjs model.json or a Keras model.to_json() file)';
    case 'import-graph-model':
      return 'this is a tfjs graph model (converted from a SavedModel); only layers models carry a layer topology';
    case 'import-model-class':
      return `expected a Keras/tfjs layers model (class_name Model, Functional or Sequential), got ${v.got}`;
    case 'import-expected-inbound-list':
      return 'expected a list of inbound tensors';
    case 'import-expected-tensor-ref':
      return 'expected [layer, node, tensor]';
    case 'import-expected-inbound-nodes':
      return 'expected inbound_nodes to be a list';
    case 'import-expected-outputs':
      return 'expected a list of output layers';
    case 'import-expected-sequential':
      return 'expected the layers of a Sequential model';
    case 'import-expected-layer-config':
      return 'expected a layer object with a config';
    case 'import-expected-layers':
      return 'expected config.layers';
    case 'import-expected-layer':
      return 'expected a layer object';
    case 'import-layer-no-name':
      return 'the layer has no name';
    case 'import-shared-layer':
      return `layer '${v.layer}' is shared (called ${v.calls} times); LayerLoom cannot import shared layers`;
    case 'import-no-input-shape':
      return `the first layer '${v.layer}' has no input shape (batch_input_shape)`;
    case 'import-no-layers':
      return 'the model has no layers';
    case 'import-input-shape':
      return `input layer '${v.layer}' needs a fixed shape, got ${v.got}`;
    case 'import-unknown-source':
      return `layer '${v.layer}' reads '${v.source}', which is not a layer of this model`;
    case 'import-not-topological':
      return `layer '${v.layer}' reads '${v.source}' before it is defined; the file's layer order is not topological`;
    case 'import-unknown-output':
      return `output '${v.output}' is not a layer of this model`;
    case 'import-invalid-design':
      return `the imported design is not valid: ${v.issue}`;
    case 'import-invalid-analysis':
      return `the imported design is not valid: ${v.reason}`;
    case 'import-layer-class':
      return `layer '${v.layer}' has class ${v.className}, which LayerLoom cannot import (supported: InputLayer, ${v.supported})`;
    case 'import-layer-setting':
      return `${layer} ${v.setting}, which LayerLoom cannot express`;
    case 'import-layer-custom-activation':
      return `${layer} a custom activation object, which LayerLoom cannot express`;
    case 'import-layer-setting-channels-last':
    case 'import-layer-setting-relu6':
    case 'import-layer-setting-channel-axis':
      return `${layer} ${v.setting} (${SETTING_NOTE[code.slice('import-layer-setting-'.length) as LayerSettingNote]}), which LayerLoom cannot express`;
    case 'import-refused':
      return `cannot import: ${v.reason}`;
    case 'import-refused-more':
      return `cannot import: ${v.reason} (and ${v.more} more)`;
    case 'onnx-not-model':
      return `${v.file} is not an ONNX model: ${v.reason}`;
    case 'onnx-no-graph':
      return `${v.file} has no graph`;
    case 'onnx-no-opset':
      return `${v.file} declares no opset of the default ONNX domain`;
    case 'onnx-foreign-domain':
      return `${node}: operator ${v.domain}::${v.op} is outside the standard ONNX domain`;
    case 'onnx-unsupported-op':
      return `${node}: operator '${v.op}' has no LayerLoom block`;
    case 'onnx-node-refused':
      return `${node}: ${v.reason}`;
    case 'onnx-output-constant':
      return `output '${v.output}' is a constant; LayerLoom models compute their outputs`;
    case 'onnx-output-refused':
      return `output '${v.output}': ${v.reason}`;
    case 'onnx-no-input':
      return `${v.file}: no graph input is read as a tensor; LayerLoom models need an input`;
    case 'onnx-too-large':
      return `${v.path}: ${v.size} bytes, more than the ${v.max} an ONNX model may have here`;
  }
}
