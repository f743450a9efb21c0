/**
 * The vocabulary of model-import refusals: a Keras/tfjs JSON file (`engine/import/`), an ONNX file
 * (`engine/onnx/import.ts`, `engine/node/onnx-files.ts`) and the host's check of the imported design
 * (`electron/model-io.ts`). `engine/messages.ts` gathers it with the other areas' codes.
 */
import type { ErrorDetail } from '../messages';

/**
 * Codes of a model file the importers refuse: a file that is not a model, a structure they cannot read, a layer or
 * operator LayerLoom has no block for (named, with its class or operator), a setting a block cannot express, and
 * an imported design that does not analyse. `-setting-*` variants add what the block accepts instead. The `onnx-*`
 * cases after `onnx-too-large` are what an ONNX node of a supported operator cannot express (`onnx-node-case`
 * quotes them as its `cause`; `onnx-node-refused` quotes the rarer cases' English, labelled as such).
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
  'onnx-node-case',
  'onnx-output-constant',
  'onnx-output-refused',
  'onnx-no-input',
  'onnx-too-large',
  'onnx-pad-mode',
  'onnx-negative-pads',
  'onnx-grouped-conv',
  'onnx-depthwise-dilation',
  'onnx-dilation-strides',
  'onnx-transpose-group',
  'onnx-clip-range',
  'onnx-softmax-axis',
  'onnx-flatten-axis',
  'onnx-concat-batch',
  'onnx-transpose-batch',
  'onnx-reshape-batch',
  'onnx-pool-dilation',
  'onnx-ceil-mode',
  'onnx-dropout-training',
  'onnx-input-not-tensor',
  'onnx-input-element-type',
  'onnx-input-symbolic',
  'onnx-input-empty-axis',
  'onnx-input-rank-low',
  'onnx-input-rank-high',
  'onnx-gelu-div',
  'onnx-gelu-erf',
  'onnx-batchnorm-training',
  'onnx-pads-axes',
  'onnx-maxpool-pads',
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
    case 'onnx-node-case':
      return `${node}: ${v.reason}`;
    case 'onnx-output-constant':
      return `output '${v.output}' is a constant; LayerLoom models compute their outputs`;
    case 'onnx-output-refused':
      return `output '${v.output}': ${v.reason}`;
    case 'onnx-no-input':
      return `${v.file}: no graph input is read as a tensor; LayerLoom models need an input`;
    case 'onnx-too-large':
      return `${v.path}: ${v.size} bytes, more than the ${v.max} an ONNX model may have here`;
    case 'onnx-pad-mode':
      return `mode '${v.mode}': LayerLoom pads with zeros only`;
    case 'onnx-negative-pads':
      return `negative pads [${v.pads}] (cropping) cannot be expressed`;
    case 'onnx-grouped-conv':
      return `grouped convolution with group=${v.group} over ${v.channels} channels: LayerLoom has full (group 1) and depthwise (group = channels) convolutions`;
    case 'onnx-depthwise-dilation':
      return 'a depthwise convolution (group = channels) with dilations > 1: tfjs ignores DepthwiseConv2D dilation';
    case 'onnx-dilation-strides':
      return 'dilations > 1 together with strides > 1 cannot be computed by tfjs';
    case 'onnx-transpose-group':
      return `group=${v.group}: LayerLoom's transposed convolution has one group`;
    case 'onnx-clip-range':
      return `Clip to [${v.min}, ${v.max}]: LayerLoom has ReLU (clip to [0, inf)) and ReLU6 ([0, 6])`;
    case 'onnx-softmax-axis':
      return `softmax over axis ${v.axis} of a rank-${v.rank} tensor: LayerLoom's softmax runs over the channels`;
    case 'onnx-flatten-axis':
      return `Flatten at axis ${v.axis} mixes the batch axis with others; only axis 1 keeps the batch`;
    case 'onnx-concat-batch':
      return 'concatenation along the batch axis';
    case 'onnx-transpose-batch':
      return `perm [${v.perm}] moves the batch axis`;
    case 'onnx-reshape-batch':
      return `reshapes [${v.from}] to [${v.to}], across the batch axis`;
    case 'onnx-pool-dilation':
      return `dilations [${v.dilations}]: LayerLoom's pooling has no dilation`;
    case 'onnx-ceil-mode':
      return `ceil_mode=1 adds a partial window here (${v.ceil} instead of ${v.floor}); LayerLoom's pooling rounds down`;
    case 'onnx-dropout-training':
      return 'training_mode is true (random at inference)';
    case 'onnx-input-not-tensor':
      return `input '${v.name}' is not a tensor (a sequence, map or optional)`;
    case 'onnx-input-element-type':
      return `input '${v.name}' has element type ${v.type}; LayerLoom models compute in float32`;
    case 'onnx-input-symbolic':
      return `input '${v.name}' has shape ${v.shape} with a symbolic size besides the batch; LayerLoom needs fixed sizes`;
    case 'onnx-input-empty-axis':
      return `input '${v.name}' has shape ${v.shape} with an empty axis`;
    case 'onnx-input-rank-low':
      return `input '${v.name}' has shape ${v.shape}: LayerLoom tensors have a batch axis and at least one more`;
    case 'onnx-input-rank-high':
      return `input '${v.name}' has rank ${v.rank}; LayerLoom tensors have at most 4 axes besides the batch`;
    case 'onnx-gelu-div':
      return `only x / sqrt(2), the first step of GELU, can be expressed: LayerLoom has no division block`;
    case 'onnx-gelu-erf':
      return `only erf(x / sqrt(2)) inside GELU can be expressed`;
    case 'onnx-batchnorm-training':
      return `training mode (batch statistics, running-mean outputs) cannot be expressed`;
    case 'onnx-pads-axes':
      return `pads [${v.pads}] pad an axis other than height and width`;
    case 'onnx-maxpool-pads':
      return `pads [${v.pads}] differ from TensorFlow's 'same' and the input may be negative: MaxPool pads with -inf, LayerLoom can only pad with zeros`;
  }
}
