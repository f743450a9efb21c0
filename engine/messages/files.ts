/**
 * The vocabulary of export and file refusals: what an export target cannot express, and the host's refusals of
 * a file or folder. `engine/messages.ts` gathers it with the other areas' codes.
 */
import type { ErrorDetail } from '../messages';

/**
 * Codes of what an export target cannot express (`engine/codegen/unsupported.ts`, the blocks' `exportLimits`,
 * `engine/onnx/export.ts`): the code panel lists them, and an export refused for them quotes the first.
 */
export const EXPORT_FEATURE_CODES = [
  'export-layer-class',
  'export-activation',
  'export-activation-onnx',
  'export-rank-torch',
  'export-input-rank-torch',
  'export-needs-image',
  'export-dilation-strides',
  'export-concat-batch',
  'export-concat-batch-onnx',
  'export-bn-affine',
  'export-bn-axis',
  'export-deformable-keras',
  'export-deformable-ts',
  'export-deformable-tfjs',
  'export-dynamic-keras',
  'export-dynamic-ts',
  'export-dynamic-tfjs',
] as const;
/**
 * Codes of the host's refusals of a file or folder (the path guard, the file system, export and run folders):
 * `at-file` and `export-feature` put a file or node name before a quoted reason (the detail's `cause`).
 */
export const FILE_MESSAGE_CODES = [
  'at-file',
  'export-feature',
  'export-onnx-refused',
  'export-onnx-refused-more',
  'path-nul',
  'path-windows',
  'path-outside',
  'path-outside-dataset',
  'path-symlink',
  'path-symlink-dataset',
  'fs-not-found',
  'fs-permission',
  'fs-is-folder',
  'fs-parent-not-folder',
  'fs-io',
  'fs-disk-full',
  'fs-quota',
  'fs-is-folder-model',
  'document-not-json',
  'document-too-large',
  'model-too-large',
  'training-busy',
  'run-no-trained-model',
  'run-missing',
  'run-no-model',
  'run-layer-count',
  'run-layer-weights',
  'run-layer-weights-onnx',
  'export-weights-tfjs-only',
  'export-out-is-file',
  'export-code-refused',
  'export-code-refused-one',
] as const;

const GUARD_HINT = { files: 'open and save files there', dataset: 'put the dataset there, or start LayerLoom with LAYERLOOM_DATASET_DIRS naming its folder' };
const CUSTOM_LAYER = { deformable: ['DeformableConv2D', ' (torchvision.ops.DeformConv2d)'], dynamic: ['DynamicConv2D', ''] } as const;
const TFJS_WHERE = { keras: 'Keras', ts: 'TypeScript', tfjs: 'a tfjs model file' } as const;

/** The English of the export and file codes (`errorDetailEnglish`'s second half). */
export function exportEnglish(code: (typeof EXPORT_FEATURE_CODES)[number] | (typeof FILE_MESSAGE_CODES)[number], v: ErrorDetail['values']): string {
  switch (code) {
    case 'export-layer-class':
      return `${v.className} layers cannot be exported to ${v.target}`;
    case 'export-activation':
      return `activation '${v.activation}' is not available in ${v.target}`;
    case 'export-activation-onnx':
      return `activation '${v.activation}' has no ONNX translation`;
    case 'export-rank-torch':
      return 'tensors of rank > 3 (besides the batch) cannot be exported to PyTorch';
    case 'export-input-rank-torch':
      return `inputs of rank ${v.rank} (more than height, width, channels) cannot be exported to PyTorch`;
    case 'export-needs-image':
      return `${v.className} needs a [height, width, channels] input for the ${v.target} export`;
    case 'export-dilation-strides':
      return 'dilation > 1 together with strides > 1 is not supported by TensorFlow convolutions; use strides 1 or dilation 1';
    case 'export-concat-batch':
      return 'concatenation along the batch axis cannot be exported';
    case 'export-concat-batch-onnx':
      return 'concatenation along the batch axis cannot be exported to ONNX';
    case 'export-bn-affine':
      return 'BatchNormalization with only one of center/scale: PyTorch BatchNorm has one `affine` switch for both';
    case 'export-bn-axis':
      return `BatchNormalization over an axis other than channels cannot be exported to ${v.target}`;
    case 'export-deformable-keras':
    case 'export-deformable-ts':
    case 'export-deformable-tfjs':
    case 'export-dynamic-keras':
    case 'export-dynamic-ts':
    case 'export-dynamic-tfjs': {
      const [, kind, target] = code.split('-') as [string, keyof typeof CUSTOM_LAYER, keyof typeof TFJS_WHERE];
      const [type, torch] = CUSTOM_LAYER[kind];
      const why = kind === 'deformable'
        ? (target === 'keras' ? 'Keras has no deformable convolution layer' : 'it is a LayerLoom custom layer that plain tfjs code cannot build')
        : `it is a LayerLoom custom layer with no ${target === 'keras' ? 'Keras' : 'standard tfjs'} equivalent`;
      return `${type} cannot be exported to ${TFJS_WHERE[target]}: ${why}; export to PyTorch${torch} instead`;
    }
    case 'at-file':
      return `${v.file}: ${v.reason}`;
    case 'export-feature':
      return `${v.node}: ${v.reason}`;
    case 'export-onnx-refused':
      return `cannot export to ONNX: ${v.reason}`;
    case 'export-onnx-refused-more':
      return `cannot export to ONNX: ${v.reason} (and ${v.more} more)`;
    case 'path-nul':
      return `${v.path}: a path may not contain a NUL byte`;
    case 'path-windows':
      return `${v.path}: a Windows drive or network path; this machine uses paths like /home/you/design.json`;
    case 'path-outside':
    case 'path-outside-dataset':
      return `${v.path}: outside the folder LayerLoom works in (${v.roots}); ${GUARD_HINT[code === 'path-outside' ? 'files' : 'dataset']}`;
    case 'path-symlink':
    case 'path-symlink-dataset':
      return `${v.path}: leads through a symbolic link to ${v.real}, outside the folder LayerLoom works in (${v.roots}); ${GUARD_HINT[code === 'path-symlink' ? 'files' : 'dataset']}`;
    case 'fs-not-found':
      return `${v.path}: no such file or folder`;
    case 'fs-permission':
      return `${v.path}: permission denied`;
    case 'fs-is-folder':
      return `${v.path}: is a folder, expected a file`;
    case 'fs-parent-not-folder':
      return `${v.path}: a parent of this path is not a folder`;
    case 'fs-io':
      return `${v.path}: ${v.reason}`;
    case 'fs-disk-full':
    case 'fs-quota':
      return `${v.path}: the disk is full (${code === 'fs-quota' ? 'disk quota exceeded' : 'no space left on device'}); nothing was saved and the file on disk is unchanged`;
    case 'fs-is-folder-model':
      return `${v.path}: is a folder, expected a model.json file`;
    case 'document-not-json':
      return `${v.path}: expected a .json file (LayerLoom designs are JSON)`;
    case 'document-too-large':
      return `${v.path}: ${v.size} bytes, more than the ${v.max} a design may have`;
    case 'model-too-large':
      return `${v.path}: ${v.size} bytes, more than the ${v.max} a model topology may have`;
    case 'training-busy':
      return 'a training run is already in progress; stop it first';
    case 'run-no-trained-model':
      return `${v.run}: the run has no trained model to export`;
    case 'run-missing':
      return `${v.dir}: no such run folder`;
    case 'run-no-model':
      return `${v.dir}: not a training run folder with a trained model (no ${v.expected})`;
    case 'run-layer-count':
      return `${v.file}: the run trained ${v.trained} layers with weights, this design has ${v.mine}; it was trained from a different design`;
    case 'run-layer-weights':
      return `${v.file}: layer '${v.layer}' has weights [${v.got}] but the design's layer '${v.node}' needs [${v.want}] (weight ${v.index}); the run trained a different design`;
    case 'run-layer-weights-onnx':
      return `${v.file}: layer '${v.layer}' has weights [${v.got}] but the design's layer '${v.node}' needs [${v.want}]; the run trained a different design`;
    case 'export-weights-tfjs-only':
      return `trained weights go only into the tfjs format; ${v.target} source code builds a fresh model`;
    case 'export-out-is-file':
      return `${v.path} is a file; the ${v.target} export writes a folder (${v.files})`;
    case 'export-code-refused':
    case 'export-code-refused-one':
      return `cannot export to ${v.target}: ${v.count} feature${code === 'export-code-refused' ? 's' : ''} of this design cannot be expressed:\n  - ${v.reason}`;
  }
}
