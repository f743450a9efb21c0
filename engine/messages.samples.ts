/**
 * A sample of every error detail code: its values and the English sentence the CLI and the app printed for them
 * before the message had a code (the engine test pins `errorDetailEnglish` to it; the renderer test checks the
 * language files write the same English and keep the values in Chinese). A test fixture, not shipped code.
 */
import type { ErrorDetail, ErrorDetailCode } from './messages';

const machineSource = "half of this machine's 15.5 GB; set LAYERLOOM_MEMORY_BUDGET (e.g. LAYERLOOM_MEMORY_BUDGET=16GB) to change it";
const smaller = 'Make it smaller (fewer filters or units, more downsampling) or lower the batch size.';

export const ERROR_DETAIL_SAMPLES: Record<ErrorDetailCode, [ErrorDetail['values'], string]> = {
  'dataset-missing': [{ dir: '/data/fashion_mnist' }, 'dataset folder /data/fashion_mnist does not exist'],
  'backend-unavailable': [{ backend: 'webgpu', reason: 'no adapter was found' }, "backend 'webgpu' cannot be used: no adapter was found"],
  'input-shape': [{ want: '32×32×3', dataset: 'fashion-mnist', shape: '28×28×1' }, "the design's input is 32×32×3 but fashion-mnist has 28×28×1 images: set Input to 28×28×1"],
  'output-classes': [{ units: 5, dataset: 'fashion-mnist', classes: 10 }, 'the design outputs 5 values but fashion-mnist has 10 classes: set the last Dense to 10 units'],
  'output-classes-named': [{ output: 'aux_output', units: 5, dataset: 'fashion-mnist', classes: 10 }, "the output 'aux_output' has 5 values but fashion-mnist has 10 classes: set the Dense before it to 10 units"],
  'non-finite-loss': [
    { loss: 'NaN', epoch: 3, batch: 17, lr: '1.00e+30', checkpointEpoch: 2, dir: '/runs/r1/checkpoints/last' },
    'the loss became NaN at epoch 3, batch 17 (learning rate 1.00e+30); training stopped. The last good checkpoint (epoch 2) is kept in /runs/r1/checkpoints/last. Lower the learning rate, add BatchNorm, or check the data.',
  ],
  'non-finite-loss-first': [
    { loss: 'Infinity', epoch: 1, batch: 4, lr: '0.500' },
    'the loss became Infinity at epoch 1, batch 4 (learning rate 0.500); training stopped. No epoch had completed, so there is no checkpoint. Lower the learning rate, add BatchNorm, or check the data.',
  ],
  'memory-train': [
    { need: '31.6 GB', batch: 256, params: 138_357_544, budget: '2.0 GB', setting: '2GB' },
    `the design needs about 31.6 GB to train at batch 256 (138,357,544 parameters with their gradients and optimizer state, and the batch's activations), more than the memory budget of 2.0 GB (LAYERLOOM_MEMORY_BUDGET=2GB). ${smaller}`,
  ],
  'memory-train-machine': [
    { need: '31.6 GB', batch: 64, params: 1234, budget: '7.8 GB', machine: '15.5 GB' },
    `the design needs about 31.6 GB to train at batch 64 (1,234 parameters with their gradients and optimizer state, and the batch's activations), more than the memory budget of 7.8 GB (${machineSource}). ${smaller}`,
  ],
  'memory-export': [
    { need: '1.1 GB', format: 'onnx', params: 138_357_544, budget: '100.0 MB', setting: '100MB' },
    `the design needs about 1.1 GB to export as onnx (138,357,544 parameters: the built model and a serialized copy of its weights), more than the memory budget of 100.0 MB (LAYERLOOM_MEMORY_BUDGET=100MB). ${smaller}`,
  ],
  'memory-export-machine': [
    { need: '1.1 GB', format: 'tfjs', params: 7, budget: '7.8 GB', machine: '15.5 GB' },
    `the design needs about 1.1 GB to export as tfjs (7 parameters: the built model and a serialized copy of its weights), more than the memory budget of 7.8 GB (${machineSource}). ${smaller}`,
  ],
  'search-invalid-design': [{ reason: 'R1' }, 'the design is not valid: R1'],
  'search-max-params': [{ params: 27_210, max: 20_000 }, '27,210 parameters > 20,000'],
  'search-max-macs': [{ macs: 1_234_567, max: 1_000_000 }, '1,234,567 MACs > 1,000,000'],
  'search-max-memory': [{ bytes: 1_234_567, max: 1_000_000 }, 'training memory 1234567 bytes > 1000000'],
  'search-min-rf': [{ size: 3, min: 5 }, 'receptive field at the last convolution 3 px < 5'],
  'search-no-node': [{ index: 0, node: 'nope' }, "params[0].node: no node 'nope' in the design"],
  'search-no-param': [{ index: 1, type: 'Conv2D', name: 'conv', param: 'units', params: 'filters, kernelSize' }, "params[1].param: Conv2D 'conv' has no param 'units' (it has filters, kernelSize)"],
  'search-bad-value': [{ index: 0, valueIndex: 1, value: '-1', param: 'filters', type: 'Conv2D', issue: 'expected a positive integer' }, 'params[0].values[1]: -1 is not a valid filters for Conv2D: expected a positive integer'],
  'search-value-invalid': [{ value: '-1', param: 'filters', type: 'Conv2D', issue: 'expected a positive integer' }, '-1 is not a valid filters for Conv2D: expected a positive integer'],
  'search-unknown-block': [{ type: 'Nope' }, 'unknown block type Nope'],
  'search-busy': [{}, 'a search is already in progress; stop it first'],
  'search-nothing-marked': [{}, 'no param is marked searchable; mark some in the inspector first'],
  'search-values-empty': [{}, 'expected at least one value, e.g. 8, 16, 32'],
  'search-values-nan': [{ token: 'abc' }, "'abc' is not a number"],
  'search-values-token': [{ token: '-2', reason: 'R5' }, "'-2': R5"],
  'export-layer-class': [{ className: 'Deformable', target: 'Keras' }, 'Deformable layers cannot be exported to Keras'],
  'export-activation': [{ activation: 'gelu_new', target: 'PyTorch' }, "activation 'gelu_new' is not available in PyTorch"],
  'export-activation-onnx': [{ activation: 'gelu_new' }, "activation 'gelu_new' has no ONNX translation"],
  'export-rank-torch': [{}, 'tensors of rank > 3 (besides the batch) cannot be exported to PyTorch'],
  'export-input-rank-torch': [{ rank: 4 }, 'inputs of rank 4 (more than height, width, channels) cannot be exported to PyTorch'],
  'export-needs-image': [{ className: 'MaxPooling2D', target: 'ONNX' }, 'MaxPooling2D needs a [height, width, channels] input for the ONNX export'],
  'export-dilation-strides': [{}, 'dilation > 1 together with strides > 1 is not supported by TensorFlow convolutions; use strides 1 or dilation 1'],
  'export-concat-batch': [{}, 'concatenation along the batch axis cannot be exported'],
  'export-concat-batch-onnx': [{}, 'concatenation along the batch axis cannot be exported to ONNX'],
  'export-bn-affine': [{}, 'BatchNormalization with only one of center/scale: PyTorch BatchNorm has one `affine` switch for both'],
  'export-bn-axis': [{ target: 'PyTorch' }, 'BatchNormalization over an axis other than channels cannot be exported to PyTorch'],
  'export-deformable-keras': [{}, 'DeformableConv2D cannot be exported to Keras: Keras has no deformable convolution layer; export to PyTorch (torchvision.ops.DeformConv2d) instead'],
  'export-deformable-ts': [{}, 'DeformableConv2D cannot be exported to TypeScript: it is a LayerLoom custom layer that plain tfjs code cannot build; export to PyTorch (torchvision.ops.DeformConv2d) instead'],
  'export-deformable-tfjs': [{}, 'DeformableConv2D cannot be exported to a tfjs model file: it is a LayerLoom custom layer that plain tfjs code cannot build; export to PyTorch (torchvision.ops.DeformConv2d) instead'],
  'export-dynamic-keras': [{}, 'DynamicConv2D cannot be exported to Keras: it is a LayerLoom custom layer with no Keras equivalent; export to PyTorch instead'],
  'export-dynamic-ts': [{}, 'DynamicConv2D cannot be exported to TypeScript: it is a LayerLoom custom layer with no standard tfjs equivalent; export to PyTorch instead'],
  'export-dynamic-tfjs': [{}, 'DynamicConv2D cannot be exported to a tfjs model file: it is a LayerLoom custom layer with no standard tfjs equivalent; export to PyTorch instead'],
  'at-file': [{ file: '/docs/out', reason: 'R2' }, '/docs/out: R2'],
  'export-feature': [{ node: 'dcn1', reason: 'R3' }, 'dcn1: R3'],
  'export-onnx-refused': [{ reason: 'R4' }, 'cannot export to ONNX: R4'],
  'export-onnx-refused-more': [{ reason: 'R4', more: 2 }, 'cannot export to ONNX: R4 (and 2 more)'],
  'path-nul': [{ path: '"a\\0b"' }, '"a\\0b": a path may not contain a NUL byte'],
  'path-windows': [{ path: 'C:\\x.json' }, 'C:\\x.json: a Windows drive or network path; this machine uses paths like /home/you/design.json'],
  'path-outside': [{ path: '/etc/x.json', roots: '/docs, /docs/runs' }, '/etc/x.json: outside the folder LayerLoom works in (/docs, /docs/runs); open and save files there'],
  'path-outside-dataset': [{ path: '/srv/cats', roots: '/docs' }, '/srv/cats: outside the folder LayerLoom works in (/docs); put the dataset there, or start LayerLoom with LAYERLOOM_DATASET_DIRS naming its folder'],
  'path-symlink': [{ path: 'link/x.json', real: '/etc/x.json', roots: '/docs' }, 'link/x.json: leads through a symbolic link to /etc/x.json, outside the folder LayerLoom works in (/docs); open and save files there'],
  'path-symlink-dataset': [{ path: 'cats', real: '/srv/cats', roots: '/docs' }, 'cats: leads through a symbolic link to /srv/cats, outside the folder LayerLoom works in (/docs); put the dataset there, or start LayerLoom with LAYERLOOM_DATASET_DIRS naming its folder'],
  'fs-not-found': [{ path: '/docs/x' }, '/docs/x: no such file or folder'],
  'fs-permission': [{ path: '/docs/x' }, '/docs/x: permission denied'],
  'fs-is-folder': [{ path: '/docs/x' }, '/docs/x: is a folder, expected a file'],
  'fs-parent-not-folder': [{ path: '/docs/x/y' }, '/docs/x/y: a parent of this path is not a folder'],
  'fs-io': [{ path: '/docs/x', reason: 'EIO: i/o error' }, '/docs/x: EIO: i/o error'],
  'run-missing': [{ dir: '/docs/runs/r9' }, '/docs/runs/r9: no such run folder'],
  'run-no-model': [{ dir: '/docs/runs/r9', expected: 'model/model.json, best/model.json' }, '/docs/runs/r9: not a training run folder with a trained model (no model/model.json, best/model.json)'],
  'run-layer-count': [{ file: '/r/model/model.json', trained: 5, mine: 4 }, '/r/model/model.json: the run trained 5 layers with weights, this design has 4; it was trained from a different design'],
  'run-layer-weights': [
    { file: '/r/model/model.json', layer: 'c5', got: '256x120, 120', node: 'c5', want: '400x120, 120', index: 0 },
    "/r/model/model.json: layer 'c5' has weights [256x120, 120] but the design's layer 'c5' needs [400x120, 120] (weight 0); the run trained a different design",
  ],
  'run-layer-weights-onnx': [
    { file: '/r/model/model.json', layer: 'c5', got: '256x120, 120', node: 'c5', want: '400x120, 120' },
    "/r/model/model.json: layer 'c5' has weights [256x120, 120] but the design's layer 'c5' needs [400x120, 120]; the run trained a different design",
  ],
  'export-weights-tfjs-only': [{ target: 'keras' }, 'trained weights go only into the tfjs format; keras source code builds a fresh model'],
  'export-out-is-file': [{ path: '/docs/out', target: 'tfjs', files: 'model.json + weights.bin' }, '/docs/out is a file; the tfjs export writes a folder (model.json + weights.bin)'],
};
