/**
 * Keras writer: `tf.keras` functional-API Python (`keras.Input`, `layers.X(...)(x)`, `keras.Model`).
 * tfjs configs are camelCase; Keras takes the same options in snake_case. Activations without a portable
 * Keras string (relu6, hardSigmoid as tfjs defines it, mish, gelu_new) are written as small functions so the
 * file means the same under tf.keras 2 and Keras 3.
 */
import { headerLines } from './header';
import { byId, MERGE_LAYERS, nodeRole, outputLoss } from './layers';
import { IdentifierAllocator, PYTHON_RESERVED, pyLiteral, pyString, snakeCase } from './sanitize';
import { CodeWriter, type MappedCode } from './source-map';
import type { CodegenModel, CodegenNode } from './types';
import { describe } from './typescript';

/** Python helpers for activations whose Keras string differs between versions or does not exist. */
const ACTIVATION_HELPERS: Record<string, { name: string; code: string[] }> = {
  relu6: { name: 'relu6', code: ['def relu6(x):', '    return tf.nn.relu6(x)'] },
  hardSigmoid: {
    name: 'hard_sigmoid',
    // tfjs and tf.keras 2 use 0.2x + 0.5; Keras 3 changed 'hard_sigmoid' to x/6 + 0.5, so it is spelled out.
    code: ['def hard_sigmoid(x):', '    return tf.clip_by_value(0.2 * x + 0.5, 0.0, 1.0)'],
  },
  mish: { name: 'mish', code: ['def mish(x):', '    return x * tf.math.tanh(tf.math.softplus(x))'] },
  gelu: { name: 'gelu', code: ['def gelu(x):', '    return tf.nn.gelu(x, approximate=False)'] },
  gelu_new: { name: 'gelu_tanh', code: ['def gelu_tanh(x):', '    return tf.nn.gelu(x, approximate=True)'] },
};

/** Activations whose tfjs name is also a Keras string with the same meaning. */
const KERAS_ACTIVATIONS: Record<string, string> = {
  linear: 'linear', relu: 'relu', elu: 'elu', selu: 'selu', sigmoid: 'sigmoid', tanh: 'tanh', softmax: 'softmax',
  softplus: 'softplus', softsign: 'softsign', swish: 'swish',
};

/** Generates `model.py` for tf.keras (call `unsupportedFeatures(..., 'keras')` first). */
export function generateKeras(model: CodegenModel): string {
  return generateKerasMapped(model).text;
}

/** `model.py` for tf.keras with its source map (flat node id -> the lines that build it). */
export function generateKerasMapped(model: CodegenModel): MappedCode {
  const reserved = new Set([...PYTHON_RESERVED, ...Object.values(ACTIVATION_HELPERS).map((h) => h.name)]);
  const vars = new IdentifierAllocator(reserved);
  const varOf = new Map<string, string>();
  const nodes = byId(model.nodes);
  const helpers = new Set<string>();
  const body = new CodeWriter();
  const inputs: string[] = [];
  const outputs: string[] = [];
  const outputNodes: CodegenNode[] = [];

  const activation = (name: string): string => {
    if (KERAS_ACTIVATIONS[name]) return pyString(KERAS_ACTIVATIONS[name]);
    const helper = ACTIVATION_HELPERS[name];
    if (!helper) throw new Error(`activation '${name}' has no Keras equivalent`);
    helpers.add(name);
    return helper.name;
  };

  const kwarg = (key: string, value: unknown, where: string): string => {
    const pyKey = snakeCase(key);
    if (!/^[a-z_][a-z0-9_]*$/.test(pyKey)) throw new Error(`${where}: option '${key}' is not a Python name`);
    if (key === 'activation' && typeof value === 'string') return `${pyKey}=${activation(value)}`;
    if (/(Initializer|Regularizer|Constraint)$/.test(key) && typeof value === 'string') return `${pyKey}=${pyString(snakeCase(value))}`;
    return `${pyKey}=${pyLiteral(value, `${where}.${key}`)}`;
  };

  for (const node of model.nodes) {
    const role = nodeRole(node);
    if (role === 'output') {
      const v = varOf.get(node.inputs[0]);
      if (!v) throw new Error(`${node.name}: its input is not defined before it`);
      outputs.push(v);
      outputNodes.push(node);
      continue;
    }
    const v = vars.allocate(node.layerName);
    varOf.set(node.id, v);
    body.push(node.id, `    # ${describe(node)}`);
    if (role === 'input') {
      inputs.push(v);
      body.push(node.id, `    ${v} = keras.Input(shape=${pyLiteral(node.outputShape)}, name=${pyString(node.layerName)})`);
      continue;
    }
    const layer = node.layer!;
    if (!/^[A-Z][A-Za-z0-9]*$/.test(layer.className)) throw new Error(`${node.name}: bad layer class ${layer.className}`);
    const args = Object.entries(layer.config)
      .filter(([k, val]) => val !== undefined && k !== 'name')
      .map(([k, val]) => kwarg(k, val, node.name));
    args.push(`name=${pyString(node.layerName)}`);
    const ins = node.inputs.map((id) => {
      const iv = varOf.get(id);
      if (!iv) throw new Error(`${node.name}: input ${nodes.get(id)?.name ?? id} is not defined before it`);
      return iv;
    });
    const applied = MERGE_LAYERS.has(layer.className) ? `[${ins.join(', ')}]` : ins[0];
    const line = `    ${v} = layers.${layer.className}(${args.join(', ')})(${applied})`;
    body.push(node.id, line.length <= 120 ? line : `    ${v} = layers.${layer.className}(\n        ${args.join(',\n        ')},\n    )(${applied})`);
  }
  if (outputs.length === 0) throw new Error('the design has no Output block');

  const modelName = new IdentifierAllocator(new Set()).allocate(model.name || 'model');
  const pyList = (xs: string[]) => (xs.length === 1 ? xs[0] : `[${xs.join(', ')}]`);
  const helperCode = [...helpers].flatMap((h) => [...ACTIVATION_HELPERS[h].code, '', '']);
  const heads = outputNodes.map(outputLoss);
  // The return statement is the single output's code; with several, each output's line is its own.
  const ret = new CodeWriter();
  if (outputNodes.length === 1) {
    ret.push(outputNodes[0].id, `    return keras.Model(inputs=${pyList(inputs)}, outputs=${outputs[0]}, name=${pyString(modelName)})`);
  } else {
    ret.plain('    return keras.Model(', `        inputs=${pyList(inputs)},`, '        outputs=[');
    outputNodes.forEach((n, i) => ret.push(n.id, `            ${outputs[i]},  # ${n.layerName}: ${heads[i].loss}, loss weight ${heads[i].weight}`));
    ret.plain('        ],', `        name=${pyString(modelName)},`, '    )');
  }
  return new CodeWriter()
    .plain(
      ...headerLines(model, 'Keras (tf.keras functional API)').map((l) => `# ${l}`),
      '#',
      '# Usage: `from model import build_model`, or run `python model.py` to print the summary.',
      '# Inputs are channels-last (NHWC), as in the design.',
      'import tensorflow as tf',
      'from tensorflow import keras',
      'from tensorflow.keras import layers',
      '',
      '#: Each output\'s loss and its weight in the total loss, in the order of the model\'s outputs; for training:',
      '#: model.compile(optimizer="adam", loss=LOSSES, loss_weights=LOSS_WEIGHTS, metrics=["accuracy"])',
      `LOSSES = [${heads.map((h) => pyString(snakeCase(h.loss))).join(', ')}]`,
      `LOSS_WEIGHTS = [${heads.map((h) => pyLiteral(h.weight)).join(', ')}]`,
      '',
      '',
      ...helperCode,
      'def build_model():',
      '    """Builds the model with fresh (untrained) weights."""',
    )
    .append(body)
    .plain('')
    .append(ret)
    .plain('', '', 'if __name__ == "__main__":', '    build_model().summary()', '')
    .finish();
}
